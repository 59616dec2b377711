"""Teaching calendar (校历): terms, teaching weeks, holidays.

The importer builds `Term` objects from the calendar TOML (formats.md); everything else in
`compliance` derives weeks, months and academic years from them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Term:
    name: str                                   # e.g. "2025秋"
    start: date                                 # Monday of teaching week 1
    weeks: int                                  # teaching weeks, numbered 1..weeks
    holidays: tuple[tuple[date, date], ...] = ()  # inclusive ranges with no teaching
