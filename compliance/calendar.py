"""Teaching calendar (校历): terms, teaching weeks, holidays.

The importer builds `Term` objects from the calendar TOML (formats.md); everything else in
`compliance` derives weeks, months and academic years from them.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.errors import YixianError


@dataclass(frozen=True)
class Term:
    name: str                                   # e.g. "2025秋"
    start: date                                 # Monday of teaching week 1
    weeks: int                                  # teaching weeks, numbered 1..weeks
    holidays: tuple[tuple[date, date], ...] = ()  # inclusive ranges with no teaching


class CalendarError(YixianError, ValueError):
    """Invalid calendar; `problems` lists every problem (Chinese / English)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("校历有误", "invalid calendar", details=self.problems)
        self.args = ("\n".join(self.problems),)


def _season(term: Term) -> str:
    """'autumn' or 'spring': from the name (秋/春, fall/autumn/spring), else from the start month."""
    n = term.name.lower()
    if "秋" in n or "fall" in n or "autumn" in n:
        return "autumn"
    if "春" in n or "spring" in n:
        return "spring"
    return "autumn" if term.start.month >= 8 or term.start.month == 1 else "spring"


def _lead_year(term: Term) -> int | None:
    m = re.match(r"\s*(\d{4})", term.name)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Periods:
    """All periods of one kind, in time order.

    `day_map[d]` is the period index of calendar day d (days counted from `Calendar.origin`), or -1
    when the day belongs to no period of this kind. `week_inc` (teaching weeks x periods, 0/1) and
    `min_weeks` define scope for month and term; years use `term_inc` over terms instead.
    """

    kind: str
    labels: np.ndarray          # object array of str
    start: np.ndarray           # int day index, inclusive
    end: np.ndarray             # int day index, inclusive
    day_map: np.ndarray         # int32 [D]

    def __len__(self) -> int:
        return len(self.labels)


class Calendar:
    """Teaching weeks, months, terms and academic years derived from `Term`s (compliance-rules.md, Time).

    Days are indexed from `origin` (the first term's first day) to the last term's last Sunday.
    """

    def __init__(self, terms: list[Term] | tuple[Term, ...]):
        problems: list[str] = []
        terms = list(terms)
        if not terms:
            raise CalendarError(["校历中没有学期 / the calendar has no term"])
        names = [t.name for t in terms]
        for t in terms:
            if not t.name:
                problems.append("有学期名称为空 / a term has no name")
            if t.start.weekday() != 0:
                problems.append(f"学期 {t.name}：开始日期 {t.start} 不是星期一 / term {t.name}: start {t.start} is not a Monday")
            if not isinstance(t.weeks, int) or t.weeks < 1:
                problems.append(f"学期 {t.name}：教学周数 {t.weeks} 应为正整数 / term {t.name}: weeks must be a positive integer")
            for a, b in t.holidays:
                if b < a:
                    problems.append(f"学期 {t.name}：假期 {a}..{b} 结束早于开始 / term {t.name}: holiday {a}..{b} ends before it starts")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            problems.append(f"学期名称重复：{'、'.join(dup)} / duplicate term names: {', '.join(dup)}")
        if problems:
            raise CalendarError(problems)
        terms.sort(key=lambda t: t.start)
        for a, b in itertools.pairwise(terms):
            if b.start <= a.start + timedelta(days=7 * a.weeks - 1):
                problems.append(f"学期 {a.name} 与 {b.name} 时间重叠 / terms {a.name} and {b.name} overlap")
        if problems:
            raise CalendarError(problems)
        self.terms: tuple[Term, ...] = tuple(terms)
        self.origin: date = terms[0].start
        last = max(t.start + timedelta(days=7 * t.weeks - 1) for t in terms)
        self.n_days = (last - self.origin).days + 1
        D = self.n_days
        self.dates = np.datetime64(self.origin, "D") + np.arange(D)
        weekday = (np.arange(D) + self.origin.weekday()) % 7
        self.weekday = weekday
        hol = np.zeros(D, dtype=bool)
        for t in terms:
            for a, b in t.holidays:
                s, e = max(self.idx(a), 0), min(self.idx(b), D - 1)
                if s <= e:
                    hol[s:e + 1] = True
        self.holiday = hol
        self.workday = (weekday < 5) & ~hol        # non-holiday Monday–Friday

        # ---- weeks (all numbered weeks; teaching ones get an index w)
        rows = []
        term_map = np.full(D, -1, dtype=np.int32)
        for ti, t in enumerate(terms):
            s = self.idx(t.start)
            term_map[s:s + 7 * t.weeks] = ti
            for n in range(1, t.weeks + 1):
                mon = s + 7 * (n - 1)
                teaching = bool(self.workday[mon:mon + 5].any())
                rows.append((ti, n, mon, teaching))
        week_map = np.full(D, -1, dtype=np.int32)
        w_term, w_n, w_mon = [], [], []
        for ti, n, mon, teaching in rows:
            if teaching:
                week_map[mon:mon + 7] = len(w_mon)
                w_term.append(ti)
                w_n.append(n)
                w_mon.append(mon)
        self.week_term = np.array(w_term, dtype=np.int32)
        self.week_n = np.array(w_n, dtype=np.int32)
        self.week_monday = np.array(w_mon, dtype=np.int64)
        W = len(w_mon)
        self.n_weeks = W
        # non-holiday Mon–Fri of each teaching week: the days a cadre must be on duty for the week
        self.week_workdays = np.zeros((D, W), dtype=np.float32)
        for w, mon in enumerate(w_mon):
            wd = np.nonzero(self.workday[mon:mon + 5])[0] + mon
            self.week_workdays[wd, w] = 1.0
        self.week_n_workdays = self.week_workdays.sum(axis=0)
        week_labels = np.array([f"{terms[ti].name}-W{n:02d}" for ti, n in zip(w_term, w_n)], dtype=object)
        weeks = Periods("week", week_labels, self.week_monday.copy(), self.week_monday + 6, week_map)

        # ---- months: calendar months holding the Monday of at least one teaching week;
        # a month's days are its days inside a term (vacation days belong to no month period)
        mon_dates = self.dates[self.week_monday] if W else np.array([], dtype="datetime64[D]")
        mon_month = mon_dates.astype("datetime64[M]")
        month_keys = sorted(set(mon_month.tolist()))
        month_map = np.full(D, -1, dtype=np.int32)
        day_month = self.dates.astype("datetime64[M]")
        m_labels, m_start, m_end = [], [], []
        self.month_week_inc = np.zeros((W, len(month_keys)), dtype=np.float32)
        for mi, mk in enumerate(month_keys):
            mk64 = np.datetime64(mk, "M")
            days = np.nonzero((day_month == mk64) & (term_map >= 0))[0]
            month_map[days] = mi
            m_labels.append(str(mk64))
            m_start.append(days.min())
            m_end.append(days.max())
            self.month_week_inc[mon_month == mk64, mi] = 1.0
        months = Periods("month", np.array(m_labels, dtype=object), np.array(m_start, dtype=np.int64),
                         np.array(m_end, dtype=np.int64), month_map)
        self.month_min_weeks = np.full(len(month_keys), 2, dtype=np.int64)

        # ---- terms
        t_start = np.array([self.idx(t.start) for t in terms], dtype=np.int64)
        t_end = t_start + 7 * np.array([t.weeks for t in terms], dtype=np.int64) - 1
        self.term_week_inc = np.zeros((W, len(terms)), dtype=np.float32)
        self.term_week_inc[np.arange(W), self.week_term] = 1.0
        n_tw = self.term_week_inc.sum(axis=0).astype(np.int64)
        # at least half of the term's teaching weeks, rounded up (and never zero)
        self.term_min_weeks = np.maximum(1, np.array([math.ceil(n / 2) for n in n_tw], dtype=np.int64))
        terms_p = Periods("term", np.array(names_sorted := [t.name for t in terms], dtype=object),
                          t_start, t_end, term_map)
        del names_sorted

        # ---- academic years: 秋 term + the following 春 term
        years: list[tuple[str, list[int]]] = []
        i = 0
        while i < len(terms):
            t = terms[i]
            if _season(t) == "autumn":
                y = _lead_year(t) or t.start.year
                members = [i]
                if i + 1 < len(terms) and _season(terms[i + 1]) == "spring":
                    members.append(i + 1)
                    i += 1
            else:
                ly = _lead_year(t)
                y = (ly if ly is not None else t.start.year) - 1
                members = [i]
            years.append((f"{y}-{y + 1}", members))
            i += 1
        y_labels = [lab for lab, _ in years]
        if len(set(y_labels)) != len(y_labels):
            raise CalendarError([f"学年重复：{y_labels} / two academic years share a label: {y_labels}"])
        year_map = np.full(D, -1, dtype=np.int32)
        y_start, y_end = [], []
        self.year_term_inc = np.zeros((len(terms), len(years)), dtype=np.float32)
        for yi, (_, members) in enumerate(years):
            s, e = t_start[members[0]], t_end[members[-1]]
            year_map[s:e + 1] = yi
            y_start.append(s)
            y_end.append(e)
            self.year_term_inc[members, yi] = 1.0
        years_p = Periods("year", np.array(y_labels, dtype=object), np.array(y_start, dtype=np.int64),
                          np.array(y_end, dtype=np.int64), year_map)
        self.periods: dict[str, Periods] = {"week": weeks, "month": months, "term": terms_p, "year": years_p}

    # ---- helpers
    def idx(self, d) -> int:
        """Day index of a date (may be outside 0..n_days-1)."""
        return (pd.Timestamp(d).date() - self.origin).days

    def date_of(self, i: int) -> date:
        return self.origin + timedelta(days=int(i))

    def day_index(self, values) -> np.ndarray:
        """Vectorised day index of a datetime-like array; NaT -> INT64 min."""
        arr = np.asarray(pd.to_datetime(values).to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")
        out = (arr - np.datetime64(self.origin, "D")).astype(np.int64)
        out[np.isnat(arr)] = np.iinfo(np.int64).min
        return out

    def weeks_frame(self) -> pd.DataFrame:
        """Teaching weeks: label, term, number, Monday, Sunday, month label, non-holiday workdays."""
        p = self.periods["week"]
        return pd.DataFrame({
            "period": p.labels,
            "term": [self.terms[t].name for t in self.week_term],
            "n": self.week_n,
            "start": [self.date_of(s) for s in p.start],
            "end": [self.date_of(e) for e in p.end],
            "month": [str(self.dates[m].astype("datetime64[M]")) for m in self.week_monday],
            "workdays": self.week_n_workdays.astype(int),
        })

    def period_frame(self, kind: str) -> pd.DataFrame:
        p = self.periods[kind]
        return pd.DataFrame({"period": p.labels, "start": [self.date_of(s) for s in p.start],
                             "end": [self.date_of(e) for e in p.end]})

    def vacations(self) -> pd.DataFrame:
        """Gaps between consecutive terms: year label (winter vacation inside an academic year) or ""
        (summer, which belongs to no year)."""
        rows = []
        ymap = self.periods["year"].day_map
        for a, b in itertools.pairwise(self.terms):
            s = self.idx(a.start) + 7 * a.weeks
            e = self.idx(b.start) - 1
            if s <= e:
                y = ymap[s]
                rows.append((a.name, b.name, self.date_of(s), self.date_of(e),
                             str(self.periods["year"].labels[y]) if y >= 0 else ""))
        return pd.DataFrame(rows, columns=["after", "before", "start", "end", "year"])

    @classmethod
    def from_toml(cls, source) -> Calendar:
        """Parse the calendar TOML of formats.md directly (the CLI goes through importer instead)."""
        import tomllib
        if isinstance(source, str) and "[[term]]" in source:
            text = source
        else:
            with open(source, encoding="utf-8") as f:
                text = f.read()
        data = tomllib.loads(text)
        terms = []
        for t in data.get("term", []):
            hol = tuple((pd.Timestamp(a).date(), pd.Timestamp(b).date()) for a, b in t.get("holidays", []))
            terms.append(Term(str(t["name"]), pd.Timestamp(t["start"]).date(), int(t["weeks"]), hol))
        return cls(terms)
