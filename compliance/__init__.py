"""Compliance engine: 六个一 and 九进 evaluated exactly on the teaching calendar (compliance-rules.md).

Pure Python (pandas/numpy); no Streamlit, no database.
"""
from . import rollups
from .calendar import Calendar, CalendarError, Term
from .engine import COLUMNS, Evaluation, evaluate
from .forecast import forecast, reminders
from .report import AnnualReport, ReportError, annual_report, annual_report_xlsx, build_report
from .requirements import (
    Conclusion,
    Requirements,
    default_requirements_text,
    dump_requirements,
    load_requirements,
    parse_requirements,
    requirements_from_dict,
)
from .rules import Rule, RulesError, RuleSet, dump_rules, load_rules, rules_from_dict

__all__ = [
    "COLUMNS",
    "AnnualReport",
    "Calendar",
    "CalendarError",
    "Conclusion",
    "Evaluation",
    "ReportError",
    "Requirements",
    "Rule",
    "RuleSet",
    "RulesError",
    "Term",
    "annual_report",
    "annual_report_xlsx",
    "build_report",
    "default_requirements_text",
    "dump_requirements",
    "dump_rules",
    "evaluate",
    "forecast",
    "load_requirements",
    "load_rules",
    "parse_requirements",
    "reminders",
    "requirements_from_dict",
    "rollups",
    "rules_from_dict",
]
