"""Compliance engine: 六个一 and 九进 evaluated exactly on the teaching calendar (compliance-rules.md).

Pure Python (pandas/numpy); no Streamlit, no database.
"""
from . import rollups
from .calendar import Calendar, CalendarError, Term
from .engine import COLUMNS, Evaluation, evaluate
from .forecast import forecast, reminders
from .report import annual_report_data, annual_report_xlsx
from .rules import Rule, RulesError, RuleSet, dump_rules, load_rules, rules_from_dict

__all__ = [
    "COLUMNS",
    "Calendar",
    "CalendarError",
    "Evaluation",
    "Rule",
    "RuleSet",
    "RulesError",
    "Term",
    "annual_report_data",
    "annual_report_xlsx",
    "dump_rules",
    "evaluate",
    "forecast",
    "load_rules",
    "reminders",
    "rollups",
    "rules_from_dict",
]
