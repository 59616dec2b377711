"""The Home page's sections (pages/home.py reads as their table of contents)."""
