"""The Coverage page's sections (pages/coverage.py reads as their table of contents)."""
