"""The Rounds page (分配轮次), one module per section; pages/rounds.py lists them in order."""
