"""The Data page's sections (pages/data.py reads as their table of contents)."""
