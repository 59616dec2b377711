"""Yixian importer: the one reader for every file kind users bring (docs: shared/spec/formats.md).

Pure Python (pandas, openpyxl, tomllib). Every import is all-or-nothing and lists every problem.
"""
from .calendar_io import read_calendar, template_calendar, write_calendar
from .core import Refs, activity_id, empty_frame, read_bundle, read_file
from .problems import ImportFailed, Problem
from .schema import KINDS, SCHEMAS, Column, Kind
from .writers import template_xlsx, write_csv, write_xlsx

__all__ = [
    "KINDS",
    "SCHEMAS",
    "Column",
    "ImportFailed",
    "Kind",
    "Problem",
    "Refs",
    "activity_id",
    "empty_frame",
    "read_bundle",
    "read_calendar",
    "read_file",
    "template_calendar",
    "template_xlsx",
    "write_calendar",
    "write_csv",
    "write_xlsx",
]
