"""Turning one cell (from openpyxl or a CSV field) into a typed value, or saying why not."""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from .schema import BOOL, DATE, ENUM, ENUMS, FALSE_WORDS, FLOAT, GRADE, INT, TAGS, TRUE_WORDS, Column

# ASCII whitespace, full-width space, no-break space and a stray BOM.
_WS = " \t\r\n\v\f\u3000\u00a0\ufeff"
_EXCEL_EPOCH = datetime(1899, 12, 30)


class BadValue(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def clean(v: Any) -> Any:
    """Strip strings (incl. full-width spaces); empty becomes None."""
    if v is None:
        return None
    if isinstance(v, str):
        v = v.strip(_WS)
        return v or None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def display(v: Any) -> str:
    """The value as the user sees it, for problem messages."""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return to_text(v)


def to_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        # A number typed into an id/text cell (e.g. 20250101) must not become "20250101.0".
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip(_WS)


def _norm(s: str) -> str:
    # NFKC folds full-width digits, letters, slashes and parentheses to ASCII.
    return unicodedata.normalize("NFKC", s).strip(_WS)


_INT_RE = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_FLOAT_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_int(v: Any, col: Column) -> int:
    n: int | None = None
    if isinstance(v, bool):
        n = None
    elif isinstance(v, int):
        n = v
    elif isinstance(v, float) and v.is_integer():
        n = int(v)
    elif isinstance(v, str):
        s = _norm(v)
        if _INT_RE.match(s):
            n = int(float(s)) if "." in s else int(s)
    if n is None:
        raise BadValue(f"应为{col.accepted_zh()}", f"expected {col.accepted_en()}")
    if col.min is not None and n < col.min:
        raise BadValue(f"应为{col.accepted_zh()}", f"expected {col.accepted_en()}")
    return n


def parse_grade(v: Any, col: Column) -> int:
    if isinstance(v, str):
        s = _norm(v)
        if s.endswith("级"):          # "2025级" is how offices write a grade
            s = s[:-1].strip()
        v = s
    try:
        n = parse_int(v, Column("grade", "年级", INT, min=1))
    except BadValue:
        raise BadValue(f"应为{col.accepted_zh()}", f"expected {col.accepted_en()}") from None
    return n


def parse_float(v: Any, col: Column) -> tuple[float, str]:
    """Returns the number and the text it was written as (kept for exact scaling)."""
    if isinstance(v, bool):
        raise BadValue("应为数字", "expected a number")
    if isinstance(v, int):
        return float(v), str(v)
    if isinstance(v, float):
        if math.isinf(v) or math.isnan(v):
            raise BadValue("应为数字", "expected a number")
        return v, (str(int(v)) if v.is_integer() else repr(v))
    if isinstance(v, str):
        s = v.strip(_WS) if v.isascii() else _norm(v)      # NFKC changes no ASCII text: skip it
        if _FLOAT_RE.match(s):
            f = float(s)
            if not math.isinf(f):
                return f, s
    raise BadValue("应为数字", "expected a number")


def parse_bool(v: Any, col: Column) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        s = _norm(v).lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
    raise BadValue(f"应为{col.accepted_zh()}", f"expected {col.accepted_en()}")


_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)
# A date followed by a midnight time, as some exports write "2025-09-08 00:00:00".
_MIDNIGHT = re.compile(r"^(.*?)[ T]00:00(?::00(?:\.0+)?)?$")


def parse_date_text(s: str) -> date | None:
    s = _norm(s)
    m = _MIDNIGHT.match(s)
    if m:
        s = m.group(1)
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def parse_date(v: Any, col: Column | None = None) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        # Excel serial number in a numeric cell (only xlsx gives us numbers).
        if 1 <= v < 2958466:
            return (_EXCEL_EPOCH + timedelta(days=int(v))).date()
    elif isinstance(v, str):
        d = parse_date_text(v)
        if d is not None:
            return d
    raise BadValue("应为日期，如 2025-09-08、2025/9/8 或 2025年9月8日",
                   "expected a date such as 2025-09-08, 2025/9/8 or 2025年9月8日")


_TAG_SPLIT = re.compile(r"[;；、,，|]")


def parse_tags(v: Any, col: Column | None = None) -> tuple[str, ...]:
    out: list[str] = []
    for part in _TAG_SPLIT.split(to_text(v)):
        part = part.strip(_WS)
        if part and part not in out:
            out.append(part)
    return tuple(out)


_ENUM_LOOKUP: dict[str, dict[str, str]] = {}


def _enum_key(s: str) -> str:
    s = _norm(s).lower()
    return re.sub(r"[\s\-]+", "_", s)


def enum_lookup(enum: str) -> dict[str, str]:
    table = _ENUM_LOOKUP.get(enum)
    if table is None:
        table = {}
        for stored, aliases in ENUMS[enum].items():
            for a in (stored, *aliases):
                table[_enum_key(a)] = stored
        _ENUM_LOOKUP[enum] = table
    return table


def parse_enum(v: Any, col: Column) -> str:
    stored = enum_lookup(col.enum or "").get(_enum_key(to_text(v)))
    if stored is None:
        raise BadValue(f"应为{col.accepted_zh()}", f"expected {col.accepted_en()}")
    return stored


def parse_cell(v: Any, col: Column) -> Any:
    """Typed value of a non-empty cell; raises BadValue."""
    t = col.type
    if t == INT:
        return parse_int(v, col)
    if t == GRADE:
        return parse_grade(v, col)
    if t == FLOAT:
        return parse_float(v, col)
    if t == BOOL:
        return parse_bool(v, col)
    if t == DATE:
        return parse_date(v, col)
    if t == TAGS:
        return parse_tags(v, col)
    if t == ENUM:
        return parse_enum(v, col)
    return to_text(v)
