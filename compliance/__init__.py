"""Compliance engine: 六个一 and 九进 evaluated exactly on the teaching calendar (compliance-rules.md).

Pure Python (pandas/numpy); no Streamlit, no database.
"""
from .calendar import Calendar, CalendarError, Term
from .engine import COLUMNS, Evaluation, evaluate
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
           "dump_rules",
           "evaluate",
           "load_rules",
           "rules_from_dict",
]
