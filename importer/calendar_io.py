"""Teaching calendar (校历) TOML -> list[compliance.calendar.Term], validated."""
from __future__ import annotations

import itertools
import json
import re
import tomllib
from datetime import date, datetime, timedelta
from typing import Any

from compliance.calendar import Term

from .limits import bad_char, calendar_bytes, char_label, shown
from .problems import ImportFailed, Problem
from .tables import Unreadable, decode_text, load_source, too_big
from .values import parse_date_text

MAX_WEEKS = 30
_TERM_HEADER = re.compile(r"^\s*\[\[\s*term\s*\]\]")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _as_date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        return parse_date_text(v)
    return None


def read_calendar(source: Any, filename: str | None = None) -> list[Term]:
    """Read the calendar TOML (formats.md); raises ImportFailed listing every problem."""
    data, name = load_source(source, filename)
    file = name or "校历"
    cap, setting = calendar_bytes()
    if len(data) > cap:
        raise ImportFailed([too_big(file, len(data), cap, setting).problem])
    try:
        text = decode_text(data, file)
    except Unreadable as e:
        raise ImportFailed([e.problem]) from None
    if not text.strip():
        raise ImportFailed([Problem(file, None, None, None, "校历文件为空", "the calendar file is empty")])
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_POS.search(str(e))
        line = int(m.group(1)) if m else None
        raise ImportFailed([Problem(file, line, None, None, f"TOML 语法错误：{e}", f"TOML syntax error: {e}")]) from None

    lines = [i for i, ln in enumerate(text.splitlines(), start=1) if _TERM_HEADER.match(ln)]
    raw_terms = doc.get("term")
    problems: list[Problem] = []
    if not isinstance(raw_terms, list) or not raw_terms:
        raise ImportFailed([Problem(file, None, "term", None, "校历中没有学期：请用 [[term]] 定义每个学期",
                                    "the calendar defines no term: add one [[term]] table per term")])

    terms: list[tuple[int | None, Term]] = []
    for i, t in enumerate(raw_terms):
        line = lines[i] if i < len(lines) else None
        ok = True

        def bad(key: str, value: Any, zh: str, en: str, line: int | None = line) -> None:
            problems.append(Problem(file, line, key, value, zh, en))

        if not isinstance(t, dict):
            bad("term", t, "每个学期应为一个 [[term]] 表", "each term must be a [[term]] table")
            continue
        name_ = t.get("name")
        if not isinstance(name_, str) or not name_.strip():
            bad("name", name_, "学期名称不能为空，如 2025秋", "term name is required, e.g. 2025秋")
            ok = False
        elif (ch := bad_char(name_.strip())) is not None:
            bad("name", shown(name_.strip()), f"学期名称含有不可见字符或控制字符 {char_label(ch)}",
                f"the term name contains an invisible or control character {char_label(ch)}")
            ok = False
        start = _as_date(t.get("start"))
        if start is None:
            bad("start", t.get("start"), "开学日期应为日期，如 2025-09-08", "start must be a date such as 2025-09-08")
            ok = False
        elif start.weekday() != 0:
            bad("start", start.isoformat(), "开学日期应为第1教学周的星期一",
                "start must be the Monday of teaching week 1")
            ok = False
        weeks = t.get("weeks")
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
            bad("weeks", weeks, f"教学周数应为 1 到 {MAX_WEEKS} 的整数", f"weeks must be a whole number 1..{MAX_WEEKS}")
            ok = False
        hol_raw = t.get("holidays", [])
        holidays: list[tuple[date, date]] = []
        if not isinstance(hol_raw, list):
            bad("holidays", hol_raw, "假期应为日期区间列表，如 [[\"2025-10-01\", \"2025-10-08\"]]",
                "holidays must be a list of date ranges, e.g. [[\"2025-10-01\", \"2025-10-08\"]]")
            ok = False
            hol_raw = []
        for j, h in enumerate(hol_raw, start=1):
            key = f"holidays[{j}]"
            if not isinstance(h, list) or len(h) != 2:
                bad(key, h, "每个假期应为 [开始, 结束] 两个日期", "each holiday must be [start, end]")
                ok = False
                continue
            a, b = _as_date(h[0]), _as_date(h[1])
            if a is None or b is None:
                bad(key, h, "假期的开始和结束应为日期，如 2025-10-01", "holiday start and end must be dates")
                ok = False
            elif b < a:
                bad(key, f"{a.isoformat()} ~ {b.isoformat()}", "假期结束日期不能早于开始日期",
                    "holiday end may not be before its start")
                ok = False
            else:
                holidays.append((a, b))
        if ok:
            terms.append((line, Term(name_.strip(), start, weeks, tuple(holidays))))

    seen: dict[str, int | None] = {}
    for line, t in terms:
        if t.name in seen:
            problems.append(Problem(file, line, "name", t.name, f"学期名称重复（第{seen[t.name]}行）",
                                    f"duplicate term name (line {seen[t.name]})"))
        else:
            seen[t.name] = line
    for (_, a), (line, b) in itertools.pairwise(terms):
        a_end = a.start + timedelta(weeks=a.weeks) - timedelta(days=1)
        if b.start <= a.start:
            problems.append(Problem(file, line, "start", b.start.isoformat(),
                                    f"学期应按时间顺序排列：“{b.name}”早于前一学期“{a.name}”",
                                    f"terms must be in date order: '{b.name}' starts before '{a.name}'"))
        elif b.start <= a_end:
            problems.append(Problem(file, line, "start", b.start.isoformat(),
                                    f"与前一学期“{a.name}”重叠（其最后一周结束于 {a_end.isoformat()}）",
                                    f"overlaps the previous term '{a.name}' (which ends {a_end.isoformat()})"))
    if problems:
        raise ImportFailed(problems)
    return [t for _, t in terms]


def write_calendar(terms: list[Term]) -> str:
    """TOML text for terms, in the format read_calendar reads."""
    out = []
    for t in terms:
        hol = ", ".join(f'["{a.isoformat()}", "{b.isoformat()}"]' for a, b in t.holidays)
        out.append(f'[[term]]\nname = {json.dumps(t.name, ensure_ascii=False)}\nstart = {t.start.isoformat()}\nweeks = {t.weeks}\n'
                   f"holidays = [{hol}]\n")
    return "\n".join(out)


def template_calendar() -> str:
    return (
        "# 校历 (teaching calendar) — Yixian\n"
        "# 每个学期一个 [[term]] 表 / one [[term]] table per term, in date order.\n"
        "#   name     学期名称 / term name, e.g. \"2025秋\"\n"
        "#   start    第1教学周的星期一 / Monday of teaching week 1 (2025-09-08 or \"2025/9/8\")\n"
        f"#   weeks    教学周数 1..{MAX_WEEKS} / teaching weeks, numbered 1..weeks from start\n"
        "#   holidays 无教学的日期区间（含首尾）/ inclusive date ranges with no teaching\n\n"
        + write_calendar([
            Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),)),
            Term("2026春", date(2026, 3, 2), 18,
                 ((date(2026, 4, 4), date(2026, 4, 6)), (date(2026, 5, 1), date(2026, 5, 5)))),
        ])
    )
