"""The Ledger page's sections (pages/ledger.py reads as their table of contents)."""
