"""Sections of the Confirm page (pages/confirm.py)."""
