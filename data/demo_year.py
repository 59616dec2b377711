"""The demo's school year: which academic year, its two terms and their public holidays.

The demo shows the academic year that contains the day the generator runs (from August on, the
year starting that autumn), so a new user sees a current year. It stays deterministic: the year
is an argument (`generate(seed, year=2026)`), taken from `YIXIAN_DEMO_TODAY` (YYYY-MM-DD) or the
clock only when not given. The ledger stops at the as-of date (the same "today" by default), so
the demo never holds an activity dated after the day it was made.

Terms: 秋 starts on the first Monday on or after 2 September, 春 on the first Monday on or after
1 March; 18 teaching weeks each. Holidays follow the State Council's pattern (调休 working weekends
ignored): 国庆 1–7 October (to the 8th when 中秋 falls in it), 中秋 on its own otherwise, 元旦 1–3
January, 清明 three days around 清明, 劳动节 1–5 May, 端午 three days. Lunar dates come from a table
for 2024–2036; outside it they are approximated (and the calendar file says so).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

from common.vocabulary import PROGRAMME_YEARS

WEEKS = 18
EXAM_WEEKS = 2          # the last two teaching weeks of a term are 考试周: no 听课 then
# 中秋 (Mid-Autumn), 端午 (Dragon Boat), 清明 (Qingming) by Gregorian year
MID_AUTUMN = {2024: (9, 17), 2025: (10, 6), 2026: (9, 25), 2027: (9, 15), 2028: (10, 3), 2029: (9, 22),
              2030: (9, 12), 2031: (10, 1), 2032: (9, 19), 2033: (9, 8), 2034: (9, 27), 2035: (9, 16),
              2036: (10, 4)}
DRAGON_BOAT = {2025: (5, 31), 2026: (6, 19), 2027: (6, 9), 2028: (5, 28), 2029: (6, 16), 2030: (6, 5),
               2031: (6, 24), 2032: (6, 12), 2033: (6, 1), 2034: (6, 20), 2035: (6, 10), 2036: (5, 30),
               2037: (6, 18)}
QINGMING = {2025: (4, 4), 2026: (4, 5), 2027: (4, 5), 2028: (4, 4), 2029: (4, 4), 2030: (4, 5), 2031: (4, 5),
            2032: (4, 4), 2033: (4, 4), 2034: (4, 5), 2035: (4, 5), 2036: (4, 4), 2037: (4, 4)}
# closing days of the Party plenums a 党课 may be about (a lecture never precedes its plenum)
PLENUMS = ((date(2022, 10, 22), "党的二十大精神"), (date(2024, 7, 18), "党的二十届三中全会精神"),
           (date(2025, 10, 23), "党的二十届四中全会精神"))


def demo_today() -> date:
    """The demo's "today": `YIXIAN_DEMO_TODAY` (YYYY-MM-DD) when set, else the clock."""
    env = os.environ.get("YIXIAN_DEMO_TODAY", "").strip()
    return date.fromisoformat(env) if env else date.today()


def demo_year(today: date | None = None) -> int:
    """First calendar year of the academic year that contains `today` (from August: the coming one)."""
    today = demo_today() if today is None else today
    return today.year if today.month >= 8 else today.year - 1


def _monday_on_or_after(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _span(a: date, days: int) -> tuple[date, date]:
    return a, a + timedelta(days=days - 1)


@dataclass(frozen=True)
class DemoYear:
    y: int                                   # the autumn's calendar year: 2026 = 2026-2027学年
    terms: tuple                             # (name, Monday of week 1, weeks, ((holiday, first, last), …))
    approximate: bool                        # a lunar date was outside the table

    @property
    def label(self) -> str:
        return f"{self.y}-{self.y + 1}"

    @property
    def autumn(self):
        return self.terms[0]

    @property
    def spring(self):
        return self.terms[1]

    @property
    def start(self) -> date:
        return self.autumn[1]

    @property
    def autumn_end(self) -> date:                      # Sunday of the autumn's last week
        return self.autumn[1] + timedelta(days=7 * WEEKS - 1)

    @property
    def end(self) -> date:                             # Sunday of the spring's last week
        return self.spring[1] + timedelta(days=7 * WEEKS - 1)

    @property
    def change_start(self) -> date:                    # mid-year hand-over chain: 1 April
        return date(self.y + 1, 4, 1)

    @property
    def swap_start(self) -> date:                      # two advisers swap: Monday of spring week 7
        return self.spring[1] + timedelta(weeks=6)

    @property
    def freshman(self) -> int:
        return self.y

    def final_grade(self, major: str) -> int:
        """Grade of the graduating class: 临床医学 is a five-year programme, the rest four."""
        return self.y - (4 if major in FIVE_YEAR else 3)

    def grades(self, major: str) -> tuple[int, ...]:
        return tuple(range(self.final_grade(major), self.y + 1))


FIVE_YEAR = frozenset(m for m, n in PROGRAMME_YEARS.items() if n == 5)   # the vocabulary's programme lengths


def _lunar(table: dict, year: int, fallback: tuple[int, int]) -> tuple[date, bool]:
    m, d = table.get(year, fallback)
    return date(year, m, d), year not in table


def year_info(y: int) -> DemoYear:
    """The academic year y-(y+1): terms and holidays."""
    mid, a1 = _lunar(MID_AUTUMN, y, (9, 20))
    boat, a2 = _lunar(DRAGON_BOAT, y + 1, (6, 10))
    qm, a3 = _lunar(QINGMING, y + 1, (4, 5))
    autumn_start = _monday_on_or_after(date(y, 9, 2))
    spring_start = _monday_on_or_after(date(y + 1, 3, 1))
    if date(y, 10, 1) <= mid <= date(y, 10, 8):
        autumn_hol = [("国庆节、中秋节", date(y, 10, 1), date(y, 10, 8))]
    else:
        autumn_hol = [("国庆节", date(y, 10, 1), date(y, 10, 7))]
        if mid >= autumn_start:
            autumn_hol.insert(0, ("中秋节", mid, mid))
    autumn_hol.append(("元旦", date(y + 1, 1, 1), date(y + 1, 1, 3)))
    spring_hol = [("清明节", qm - timedelta(days=1), qm + timedelta(days=1)),
                  ("劳动节", *_span(date(y + 1, 5, 1), 5)), ("端午节", *_span(boat, 3))]
    spring_end = spring_start + timedelta(days=7 * WEEKS - 1)
    spring_hol = [h for h in spring_hol if h[1] <= spring_end]
    terms = ((f"{y}秋", autumn_start, WEEKS, tuple(autumn_hol)), (f"{y + 1}春", spring_start, WEEKS, tuple(spring_hol)))
    return DemoYear(y, terms, a1 or a2 or a3)


GENERATED = "generated.toml"       # in the demo folder: the seed, school year and as-of date it was made with


def demo_on_disk(folder=None) -> DemoYear:
    """The school year data/demo/ was generated for (its calendar's first term): tests that use the
    committed demo take their dates from here (`demo_on_disk().start`, `.end`, `.autumn[0]`)."""
    import tomllib
    from pathlib import Path
    folder = Path(folder) if folder is not None else Path(__file__).resolve().parent / "demo"
    cal = tomllib.loads((folder / "calendar.toml").read_text(encoding="utf-8"))
    return year_info(cal["term"][0]["start"].year)


def generated_on_disk(folder=None) -> dict:
    """What data/demo/ was generated with: {"seed": int, "year": int, "as_of": date} (its ledger
    stops at `as_of`)."""
    import tomllib
    from pathlib import Path
    folder = Path(folder) if folder is not None else Path(__file__).resolve().parent / "demo"
    return tomllib.loads((folder / GENERATED).read_text(encoding="utf-8"))


def plenum_topic(d: date) -> str:
    """The latest plenum closed before `d` (what a 党课 that day can be about)."""
    topic = PLENUMS[0][1]
    for closed, text in PLENUMS:
        if closed < d:
            topic = text
    return topic
