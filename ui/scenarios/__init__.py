"""The Scenarios page (情景推演), one module per tab or panel; pages/scenarios.py lists them in order."""
