"""Sections of the Wishes pages: the cadre's form (pages/wishes.py) and the admin's collection (pages/wish_rounds.py)."""
