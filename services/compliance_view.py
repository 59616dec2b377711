"""What the coverage dashboard and the ledger page call: load from the store, evaluate with the
compliance engine, roll up into the tidy frames the pages draw. No Streamlit here.

- `store_version()` is a cheap fingerprint (database URL, last audit id, ledger count). Every
  store write appends an audit row, so pages cache `load_inputs()` / `compute()` on it and a
  ledger write shows on the next refresh without reloading the page.
- `compute(inputs, as_of)` runs `compliance` once for the whole university; filters (term,
  college, level, rule) are applied afterwards on its rows. A cadre's status does not depend on
  other cadres, so filtering rows equals evaluating the subset.
- A college user's view is restricted here (`view(..., restrict_college=...)`), not only in the
  page, so no frame this module returns to such a user holds another college's rows.
"""
from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select

from common import vocabulary
from compliance import Calendar, Evaluation, RuleSet, load_rules
from compliance.forecast import forecast, reminders
from compliance.report import annual_report_xlsx
from compliance.rollups import class_coverage, nine_venues_coverage, on_track
from compliance.rules import VENUES
from services.db import session_scope
from store import data as store_data
from store import frames, version
from store.models import Activity, AuditEntry
from store.rounds import assignment_in_force

F2F = "face_to_face"
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
STATUS_ZH = vocabulary.labels(vocabulary.COMPLIANCE_STATUSES)
KIND_ZH = vocabulary.labels(vocabulary.PERIOD_KINDS)
TYPE_ZH = vocabulary.labels(vocabulary.ACTIVITY_TYPES)
TYPE_EN = vocabulary.labels(vocabulary.ACTIVITY_TYPES, "en")


# ============================================================== loading

@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything the compliance engine needs, as stored at `version`. Treat as read-only (cached)."""
    version: str
    terms: tuple
    calendar: Calendar | None
    rules: RuleSet
    cadres: pd.DataFrame
    classes: pd.DataFrame
    assignment: pd.DataFrame      # every published row ever (history with start/end)
    ledger: pd.DataFrame
    exemptions: pd.DataFrame
    memo: dict = field(default_factory=dict, repr=False)   # roll-ups that depend on the inputs only


def store_version() -> str:
    """The store's change marker (store.version): keys every page cache."""
    with session_scope() as s:
        return version.store_version(s)


def load_ledger(session) -> pd.DataFrame:
    """The canonical ledger frame: the rows of `store.data.load_kind(s, "ledger")` (not sorted — the
    engine needs no order), built column-wise from one plain DB-API query. This is the dashboard's
    big table; skipping ORM objects and SQLAlchemy row processing makes it several times faster."""
    cols = [c for c, _ in frames.COLUMNS["ledger"]]
    table = Activity.__table__
    conn = session.connection()
    sql = str(select(*[table.c[c] for c in cols]).compile(dialect=conn.dialect))
    cursor = conn.connection.cursor()        # the DB-API cursor: no per-row Result processing
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    columns = list(zip(*rows)) if rows else [()] * len(cols)
    data: dict[str, object] = {}
    for (c, t), vals in zip(frames.COLUMNS["ledger"], columns):
        if t == "str":
            data[c] = pd.Series(["" if v is None else v for v in vals], dtype=object)
        elif t == "Int64":
            data[c] = pd.Series(pd.array(list(vals), dtype="Int64"))
        elif t == "date":   # SQLite hands back ISO text, PostgreSQL date objects: both parse here
            data[c] = pd.Series(pd.to_datetime(pd.Series(vals, dtype=object)), dtype="datetime64[ns]")
        else:  # pragma: no cover - the ledger has no other column types
            raise AssertionError(t)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


_memo_lock = threading.Lock()              # guards the memo dicts shared by sessions' threads
_last_inputs: dict[str, Inputs] = {}       # database URL -> the latest Inputs loaded in this process
_last_lock = threading.Lock()
MAX_PATCH_ENTRIES = 200                    # more audit entries than this since the last load: read afresh


def _parse_version(version: str) -> tuple[str, int, int]:
    url, top, n = version.rsplit("#", 2)
    return url, int(top), int(n)


def load_inputs(version: str | None = None, incremental: bool = True) -> Inputs:
    """Read calendar, published assignments, ledger, exemptions, cadres and classes in one transaction.

    With `incremental`, when every write since the last load of this process was a ledger write (the
    dashboard's live case: a cadre records an activity), the previous inputs are reused and only the
    activities named in those audit entries are applied, instead of re-reading the whole ledger."""
    version = version or store_version()
    url = _parse_version(version)[0]
    if incremental:
        with _last_lock:
            previous = _last_inputs.get(url)
        if previous is not None:
            if previous.version == version:
                return previous
            patched = _patch_ledger(previous, version)
            if patched is not None:
                with _last_lock:
                    _last_inputs[url] = patched
                return patched
    with session_scope() as s:
        terms = tuple(store_data.load_calendar(s))
        cadres = store_data.load_kind(s, "cadres")
        classes = store_data.load_kind(s, "classes")
        exemptions = store_data.load_kind(s, "exemptions")
        assignment = assignment_in_force(s)
        ledger = load_ledger(s)
    cal = Calendar(list(terms)) if terms else None
    inputs = Inputs(version, terms, cal, load_rules(None), cadres, classes, assignment, ledger, exemptions)
    with _last_lock:
        _last_inputs[url] = inputs
    return inputs


def _patch_ledger(previous: Inputs, version: str) -> Inputs | None:
    """`previous` with the ledger writes audited after it applied, or None when anything else was
    written (or too much, or the result does not add up): the caller then reads everything."""
    _, top0, _ = _parse_version(previous.version)
    _, top, n = _parse_version(version)
    if top < top0 or top - top0 > MAX_PATCH_ENTRIES:
        return None
    with session_scope() as s:
        entries = s.execute(select(AuditEntry.entity, AuditEntry.action, AuditEntry.entity_id, AuditEntry.after)
                            .where(AuditEntry.id > top0, AuditEntry.id <= top).order_by(AuditEntry.id)).all()
    if len(entries) != top - top0:      # ids are not contiguous (e.g. a rolled-back write): play safe
        return None
    upserts: dict[str, dict] = {}
    deleted: set[str] = set()
    for entity, action, entity_id, after in entries:
        if entity != "ledger":
            return None
        if action == "upsert" and isinstance(after, dict):
            for aid, rec in after.items():
                upserts[aid] = rec
                deleted.discard(aid)
        elif action == "delete":
            deleted.add(entity_id)
            upserts.pop(entity_id, None)
        else:
            return None
    led = previous.ledger
    touched = set(upserts) | deleted
    keep = led.loc[~led["activity_id"].isin(touched)]
    new = frames.from_records("ledger", list(upserts.values())) if upserts else None
    ledger = keep if new is None else pd.concat([keep, new], ignore_index=True)
    if len(ledger) != n:
        return None
    ledger = ledger.reset_index(drop=True)
    with _memo_lock:
        memo = dict(previous.memo)          # coverage depends on classes and assignment: still valid
    return replace(previous, version=version, ledger=ledger, memo=memo)


def calendar_range(inputs: Inputs) -> tuple[date, date] | None:
    cal = inputs.calendar
    if cal is None:
        return None
    return cal.origin, cal.date_of(cal.n_days - 1)


def default_as_of(inputs: Inputs, today: date | None = None) -> date:
    """Today clamped into the calendar (the demo calendar is an earlier school year)."""
    today = today or date.today()
    rng = calendar_range(inputs)
    if rng is None:
        return today
    return min(max(today, rng[0]), rng[1])


def term_of(inputs: Inputs, day: date) -> str | None:
    for t in inputs.terms:
        if t.start <= day <= t.start + timedelta(days=7 * t.weeks - 1):
            return t.name
    return None


def term_span(inputs: Inputs, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    t = next(t for t in inputs.terms if t.name == name)
    return pd.Timestamp(t.start), pd.Timestamp(t.start + timedelta(days=7 * t.weeks - 1))


# ============================================================== evaluation (cached by the pages)

@dataclass(eq=False)
class Computed:
    """One evaluation of the whole university at `as_of` plus what every view derives from it."""
    inputs: Inputs
    as_of: date
    ev: Evaluation
    fc: pd.DataFrame                  # forecast rows (status + reachable / must_act_this_week)
    cadre_college: pd.DataFrame       # cadre_id, college (a cadre advising in 2 colleges has 2 rows)
    active: pd.DataFrame              # assignment rows in force on as_of
    memo: dict = field(default_factory=dict)   # filter-keyed roll-ups, reused across reruns (cached object)

    @property
    def venues(self) -> pd.DataFrame:
        """nine_venues_coverage rows (computed on first use: the week-earlier evaluation never needs them)."""
        def run():
            if "nine_venues" not in self.inputs.rules.ids:
                return pd.DataFrame(columns=["cadre_id", "period", "venues", "reached", "required", "coverage"])
            return nine_venues_coverage(self.ev)
        return self.cached(("venues",), run)

    MAX_VIEWS = 48   # finished views kept per evaluation (each a few hundred kB at 400 cadres)

    def cached(self, key: tuple, fn):
        # Shared by every session's thread (st.cache_resource): the work runs unlocked (a race only
        # computes the same value twice), the bookkeeping under the lock.
        value = self.memo.get(key)
        if value is None:
            value = fn()
            with _memo_lock:
                if key[0] == "view":
                    views = [k for k in list(self.memo) if k[0] == "view"]
                    for k in views[:max(0, len(views) - self.MAX_VIEWS + 1)]:
                        self.memo.pop(k, None)
                self.memo[key] = value
        return value

    def forget_views(self) -> None:
        """Drop finished views (benchmarks measure building them)."""
        with _memo_lock:
            for k in [k for k in list(self.memo) if k[0] == "view"]:
                self.memo.pop(k, None)


def _active_rows(a: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return (a["start"].isna() | (a["start"] <= day)) & (a["end"].isna() | (a["end"] >= day))


def _cadre_college(inputs: Inputs, day: pd.Timestamp) -> pd.DataFrame:
    """The college(s) a cadre answers to on `day`: of the classes in force that day; for a cadre with
    none in force, of the nearest row in time (the last ended, else the next starting)."""
    a = inputs.assignment
    if a.empty:
        return pd.DataFrame({"cadre_id": pd.Series(dtype=object), "college": pd.Series(dtype=object)})
    college = a["class_id"].map(inputs.classes.set_index("class_id")["college"]).fillna("")
    college = college.where(college != "", a["college"]).astype(object)
    start = a["start"].fillna(pd.Timestamp.min)
    end = a["end"].fillna(pd.Timestamp.max)
    # 0 = in force; else distance in days to the row's span
    dist = np.where((start <= day) & (end >= day), 0,
                    np.where(end < day, (day - a["end"]).dt.days.fillna(0), (a["start"] - day).dt.days.fillna(0)))
    df = pd.DataFrame({"cadre_id": a["cadre_id"].to_numpy(dtype=object), "college": college.to_numpy(dtype=object),
                       "dist": dist})
    best = df.groupby("cadre_id")["dist"].transform("min")
    out = df.loc[df["dist"] == best, ["cadre_id", "college"]].drop_duplicates()
    return out.reset_index(drop=True)


def compute(inputs: Inputs, as_of: date) -> Computed:
    if inputs.calendar is None:
        raise ValueError("校历为空：请先在“数据管理”中导入校历 / the calendar is empty: import one on the Data page")
    ev = Evaluation(inputs.calendar, inputs.assignment, inputs.ledger, inputs.exemptions, inputs.rules, as_of=as_of)
    fc = forecast(ev)
    day = pd.Timestamp(as_of)
    active = inputs.assignment.loc[_active_rows(inputs.assignment, day)] if len(inputs.assignment) else inputs.assignment
    return Computed(inputs, as_of, ev, fc, _cadre_college(inputs, day), active)


# ============================================================== the dashboard view

@dataclass(frozen=True)
class Filters:
    as_of: date
    term: str | None = None       # None = every term
    college: str | None = None    # None = every college
    level: str | None = None      # school / head / deputy
    rule: str | None = None       # a rule id


@dataclass(frozen=True)
class Kpi:
    key: str
    label_zh: str
    label_en: str
    value: float | None
    text: str
    delta: float | None = None
    delta_text: str | None = None
    help_zh: str = "与一周前相比"
    help_en: str = "change since one week earlier"


@dataclass
class View:
    filters: Filters
    cadre_ids: list[str]
    kpis: list[Kpi]
    cadres: pd.DataFrame            # one row per cadre in view
    status: pd.DataFrame            # status rows of the cadres, rule and term in view
    coverage_college: pd.DataFrame  # college, bucket, bucket_order, classes
    coverage: pd.DataFrame          # class_coverage() rows for the classes in view
    heat_college: pd.DataFrame      # college, period, rate, met, counted
    heat_rule: str
    heat_cadre: pd.DataFrame        # cadre, rule, rate, met, counted
    heat_cadre_total: int
    trend: pd.DataFrame             # period, n, mean_done, rate
    trend_target: float
    venues: pd.DataFrame            # venue, cadres, share
    venue_cadres: int
    preferences: pd.DataFrame       # label, order, pairs, share
    reminders: pd.DataFrame         # cadre_id, name, college, rule, period, ...
    colleges: list[str] = field(default_factory=list)


def _pct(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.1%}"


def _delta_pp(now: float | None, before: float | None) -> tuple[float | None, str | None]:
    if now is None or before is None or np.isnan(now) or np.isnan(before):
        return None, None
    d = now - before
    return d, f"{d * 100:+.1f} 个百分点"


def _classes_in_view(inputs: Inputs, college: str | None) -> pd.DataFrame:
    c = inputs.classes
    return c if college is None else c.loc[c["college"] == college]


def _cadres_in_view(comp: Computed, f: Filters) -> list[str]:
    cc = comp.cadre_college
    if f.college is not None:
        cc = cc.loc[cc["college"] == f.college]
    ids = pd.unique(cc["cadre_id"])
    if f.level is not None:
        lv = comp.inputs.cadres.set_index("cadre_id")["level"]
        ids = [c for c in ids if lv.get(c) == f.level]
    # the engine's order (assignment order) keeps tables stable
    keep = set(ids)
    return [c for c in comp.ev.cadre_ids if c in keep]


def _filter_rows(df: pd.DataFrame, inputs: Inputs, f: Filters, cadre_ids: list[str]) -> pd.DataFrame:
    m = df["cadre_id"].isin(cadre_ids)
    if f.rule is not None:
        m &= df["rule"] == f.rule
    if f.term is not None:
        s, e = term_span(inputs, f.term)
        m &= (df["period_start"] <= e) & (df["period_end"] >= s)   # periods overlapping the term
    return df.loc[m]


def _coverage(comp: Computed, college: str | None) -> pd.DataFrame:
    """class_coverage() rows for the classes in view on the as-of date. Coverage depends only on which
    classes have an adviser that day, so it is memoised on that set: the week-earlier figure is
    usually the same set and costs nothing."""
    inputs = comp.inputs
    key = ("coverage", college, frozenset(comp.active["class_id"]))
    value = inputs.memo.get(key)
    if value is None:
        classes = _classes_in_view(inputs, college)
        value = class_coverage(classes, comp.active, comp.as_of) if len(classes) else pd.DataFrame()
        with _memo_lock:
            inputs.memo[key] = value
    return value


def _coverage_kpis(inputs: Inputs, comp: Computed, college: str | None) -> dict[str, float | None]:
    cov = _coverage(comp, college)
    if cov.empty:
        return {"classes": None, "students": None, "prio_cov": None, "prio_all": 0}
    overall = cov.loc[cov["dimension"] == "overall"].iloc[0]
    prio = cov.loc[(cov["dimension"] == "priority") & (cov["value"] == "True")]
    return {"classes": float(overall["rate"]), "students": float(overall["students_rate"]),
            "prio_cov": int(prio["covered"].sum()) if len(prio) else 0,
            "prio_all": int(prio["classes"].sum()) if len(prio) else 0}


def _on_track_rate(comp: Computed, f: Filters, cadre_ids: list[str]) -> tuple[float | None, pd.DataFrame]:
    def run():
        fc = _filter_rows(comp.fc, comp.inputs, f, cadre_ids)
        if fc.empty:
            return None, pd.DataFrame(columns=["cadre_id", "missed", "pending", "unreachable", "act_this_week",
                                               "on_track"])
        ot = on_track(fc)
        return float(ot["on_track"].mean()), ot
    return comp.cached(("on_track", f.term, f.college, f.level, f.rule), run)


def _f2f_weeks(comp: Computed, f: Filters, cadre_ids: list[str]) -> pd.DataFrame:
    """Face-to-face rows by teaching week: period, start, counted, met, mean_done, rate."""
    if F2F not in comp.inputs.rules.ids:
        return pd.DataFrame(columns=["period", "start", "counted", "met", "mean_done", "rate"])
    rows = _filter_rows(comp.ev.status, comp.inputs, replace(f, rule=F2F), cadre_ids)
    rows = rows.loc[rows["status"] != "exempt"]
    g = rows.assign(_met=rows["status"] == "met").groupby("period", sort=False).agg(
        start=("period_start", "first"), counted=("_met", "size"), met=("_met", "sum"), mean_done=("done", "mean"))
    g = g.reset_index().sort_values("start")
    g["rate"] = g["met"] / g["counted"]
    return g.reset_index(drop=True)


def _kpis(comp: Computed, prev: Computed | None, f: Filters, cadre_ids: list[str]) -> list[Kpi]:
    inputs = comp.inputs
    now = _coverage_kpis(inputs, comp, f.college)
    before = _coverage_kpis(inputs, prev, f.college) if prev is not None else None
    ot_now, _ = _on_track_rate(comp, f, cadre_ids)
    ot_before = None
    if prev is not None:
        ot_before, _ = _on_track_rate(prev, replace(f, as_of=prev.as_of), _cadres_in_view(prev, f))
    weeks = _f2f_weeks(comp, replace(f, term=None), cadre_ids)
    weeks = weeks.loc[weeks["start"] <= pd.Timestamp(comp.as_of)]
    f2f_now = float(weeks["rate"].iloc[-1]) if len(weeks) else None
    f2f_before = float(weeks["rate"].iloc[-2]) if len(weeks) > 1 else None
    week_label = str(weeks["period"].iloc[-1]) if len(weeks) else "—"
    out = []
    d, dt = _delta_pp(now["classes"], before and before["classes"])
    out.append(Kpi("classes", "班级覆盖率", "Classes covered", now["classes"], _pct(now["classes"]), d, dt))
    d, dt = _delta_pp(now["students"], before and before["students"])
    out.append(Kpi("students", "学生覆盖率", "Students covered", now["students"], _pct(now["students"]), d, dt))
    pc, pa = now["prio_cov"], now["prio_all"]
    pd_ = None if before is None or before["prio_cov"] is None or pc is None else pc - before["prio_cov"]
    out.append(Kpi("priority", "重点班已覆盖", "Priority classes covered",
                   None if not pa else pc / pa, f"{pc or 0} / {pa}", pd_,
                   None if pd_ is None else f"{pd_:+d} 个班"))
    d, dt = _delta_pp(ot_now, ot_before)
    out.append(Kpi("on_track", "干部履职正常率", "Cadres on track", ot_now, _pct(ot_now), d, dt))
    d, dt = _delta_pp(f2f_now, f2f_before)
    out.append(Kpi("f2f", "本周面对面达标率", "Face-to-face this week", f2f_now, _pct(f2f_now), d, dt,
                   f"教学周 {week_label}，与上一教学周相比", f"teaching week {week_label}, against the week before"))
    return out


def _coverage_by_college(inputs: Inputs, comp: Computed, college: str | None) -> pd.DataFrame:
    classes = _classes_in_view(inputs, college)
    covered = classes["class_id"].isin(set(comp.active["class_id"]))
    bucket = np.where(covered, np.where(classes["priority"], "已覆盖·重点班", "已覆盖"),
                      np.where(classes["priority"], "未覆盖·重点班", "未覆盖"))
    order = {"已覆盖·重点班": 0, "已覆盖": 1, "未覆盖·重点班": 2, "未覆盖": 3}
    df = pd.DataFrame({"college": classes["college"].to_numpy(dtype=object), "bucket": bucket})
    g = df.groupby(["college", "bucket"]).size().rename("classes").reset_index()
    g["bucket_order"] = g["bucket"].map(order)
    return g.sort_values(["college", "bucket_order"]).reset_index(drop=True)


def _heat_college(status: pd.DataFrame, comp: Computed, f: Filters, cadre_ids: list[str]) -> tuple[pd.DataFrame, str]:
    rule = f.rule or (F2F if F2F in comp.inputs.rules.ids else comp.inputs.rules.ids[0])
    rows = _filter_rows(comp.ev.status, comp.inputs, replace(f, rule=rule), cadre_ids)
    cc = comp.cadre_college if f.college is None else comp.cadre_college.loc[comp.cadre_college["college"] == f.college]
    rows = rows.merge(cc, on="cadre_id", how="inner")
    rows = rows.loc[rows["status"] != "exempt"]
    g = rows.assign(_met=rows["status"] == "met").groupby(["college", "period"], sort=False).agg(
        start=("period_start", "first"), met=("_met", "sum"), counted=("_met", "size")).reset_index()
    g["rate"] = g["met"] / g["counted"]
    return g.sort_values(["start", "college"]).reset_index(drop=True), rule


def _heat_cadre(status: pd.DataFrame, comp: Computed, limit: int) -> tuple[pd.DataFrame, int]:
    s = status.loc[status["status"].isin(["met", "missed"])]
    if s.empty:
        return pd.DataFrame(columns=["cadre", "cadre_id", "rule", "rate", "met", "counted"]), 0
    g = s.assign(_met=s["status"] == "met").groupby(["cadre_id", "rule"], sort=False).agg(
        met=("_met", "sum"), counted=("_met", "size")).reset_index()
    g["rate"] = g["met"] / g["counted"]
    overall = g.groupby("cadre_id")[["met", "counted"]].sum()
    overall = (overall["met"] / overall["counted"]).sort_values(kind="stable")
    worst = list(overall.index[:limit])
    g = g.loc[g["cadre_id"].isin(worst)].copy()
    names = comp.ev.names
    g["cadre"] = [f"{names.get(c, '') or c}（{c}）" for c in g["cadre_id"]]
    rule_names = {r.id: r.name_zh for r in comp.inputs.rules}
    g["rule"] = g["rule"].map(rule_names)
    g["_o"] = g["cadre_id"].map({c: i for i, c in enumerate(worst)})
    return g.sort_values("_o").drop(columns="_o").reset_index(drop=True), len(overall)


def _venues(comp: Computed, cadre_ids: list[str]) -> tuple[pd.DataFrame, int]:
    v = comp.venues
    if v.empty:
        return pd.DataFrame({"venue": list(VENUES), "cadres": 0, "share": 0.0}), 0
    latest = v["period"].iloc[-1] if len(v) else None
    years = list(comp.ev.cal.periods["year"].labels)
    started = [y for y in years if y in set(v["period"])]
    latest = started[-1] if started else latest
    v = v.loc[(v["period"] == latest) & v["cadre_id"].isin(cadre_ids)]
    n = len(v)
    counts = pd.Series([x for t in v["venues"] for x in t], dtype=object).value_counts()
    out = pd.DataFrame({"venue": list(VENUES)})
    out["cadres"] = out["venue"].map(counts).fillna(0).astype(int)
    out["share"] = out["cadres"] / n if n else 0.0
    return out, n


def _preferences(comp: Computed, f: Filters) -> pd.DataFrame:
    a = comp.active
    if f.college is not None:
        col = a["class_id"].map(comp.inputs.classes.set_index("class_id")["college"]).fillna(a["college"])
        a = a.loc[col == f.college]
    if f.level is not None:
        lv = comp.inputs.cadres.set_index("cadre_id")["level"]
        a = a.loc[a["cadre_id"].map(lv) == f.level]
    rank = a["preference_rank"]
    labels = [("第1志愿", 1), ("第2志愿", 2), ("第3志愿", 3)]
    rows = [(lab, i, int((rank == k).sum())) for i, (lab, k) in enumerate(labels)]
    rows.append(("第4志愿及以后", 3, int((rank > 3).sum())))
    rows.append(("未对应志愿", 4, int(rank.isna().sum())))
    df = pd.DataFrame(rows, columns=["label", "order", "pairs"])
    total = int(df["pairs"].sum())
    df["share"] = df["pairs"] / total if total else 0.0
    return df


def _cadre_table(comp: Computed, status: pd.DataFrame, ot: pd.DataFrame, cadre_ids: list[str],
                 f: Filters) -> pd.DataFrame:
    inputs = comp.inputs
    cad = inputs.cadres.set_index("cadre_id")
    cc = comp.cadre_college
    if f.college is not None:
        cc = cc.loc[cc["college"] == f.college]
    colleges = cc.sort_values("college").groupby("cadre_id")["college"].agg("、".join)
    cls_names = inputs.classes.set_index("class_id")["name"]
    act = comp.active.assign(_n=comp.active["class_id"].map(cls_names).fillna(comp.active["class_name"]))
    classes = act.sort_values("_n").groupby("cadre_id")["_n"].agg("、".join)
    counts = (status.groupby(["cadre_id", "status"]).size().unstack(fill_value=0) if len(status)
              else pd.DataFrame())
    out = pd.DataFrame({"cadre_id": pd.Series(cadre_ids, dtype=object)})
    ids = out["cadre_id"]
    names = pd.Series(comp.ev.names, dtype=object)
    out["name"] = ids.map(names).fillna("").where(lambda x: x != "", ids.map(cad["name"])).fillna("")
    out["level"] = ids.map(cad["level"]).map(LEVEL_ZH).fillna("")
    out["college"] = ids.map(colleges).fillna("")
    out["classes"] = ids.map(classes).fillna("")
    for s_ in ("met", "missed", "pending"):
        out[s_] = ids.map(counts[s_]).fillna(0).astype(int) if s_ in counts else 0
    den = out["met"] + out["missed"]
    out["rate"] = np.where(den > 0, out["met"] / den.where(den > 0, 1), np.nan)
    if len(ot):
        o = ot.set_index("cadre_id")
        out["on_track"] = ids.map(o["on_track"]).fillna(True).astype(bool)
        out["act_this_week"] = ids.map(o["act_this_week"]).fillna(0).astype(int)
    else:
        out["on_track"], out["act_this_week"] = True, 0
    ven = comp.venues
    # nine_venues_coverage rows are cadre × started year in time order: the last is the current year
    reached = ven.drop_duplicates("cadre_id", keep="last").set_index("cadre_id")["reached"] if len(ven) else None
    out["venues"] = ids.map(reached).fillna(0).astype(int) if reached is not None else 0
    return out


def view(comp: Computed, f: Filters, prev: Computed | None = None, restrict_college: str | None = None,
         heat_limit: int = 30) -> View:
    """Everything the coverage page draws for filters `f`. `restrict_college` (a college user's own
    college) overrides `f.college`, so such a user can never widen the view. The result is memoised on
    the (cached) evaluation, so the page's timed refresh costs almost nothing until the store changes;
    treat it as read-only."""
    if restrict_college is not None:
        f = replace(f, college=restrict_college)
    key = ("view", f, None if prev is None else prev.as_of, heat_limit)
    return comp.cached(key, lambda: _view(comp, f, prev, heat_limit))


def _view(comp: Computed, f: Filters, prev: Computed | None, heat_limit: int) -> View:
    inputs = comp.inputs
    cadre_ids = _cadres_in_view(comp, f)
    status = _filter_rows(comp.ev.status, inputs, f, cadre_ids)
    _, ot = _on_track_rate(comp, f, cadre_ids)
    heat_college, heat_rule = _heat_college(status, comp, f, cadre_ids)
    heat_cadre, heat_total = _heat_cadre(status, comp, heat_limit)
    trend = _f2f_weeks(comp, f, cadre_ids)
    trend["n"] = range(len(trend))
    target = float(inputs.rules[F2F].at_least) if F2F in inputs.rules.ids else 1.0
    venues, n_venue = _venues(comp, cadre_ids)
    rem = reminders(comp.ev, comp.fc)
    rem = rem.loc[rem["cadre_id"].isin(cadre_ids)]
    if f.rule is not None:
        rem = rem.loc[rem["rule"] == f.rule]
    cc = comp.cadre_college if f.college is None else comp.cadre_college.loc[comp.cadre_college["college"] == f.college]
    rem = rem.assign(college=rem["cadre_id"].map(cc.groupby("cadre_id")["college"].agg("、".join)).fillna(""))
    rem = rem.assign(rule_name=rem["rule"].map({r.id: r.name_zh for r in inputs.rules}))
    colleges = sorted(inputs.classes["college"].unique()) if f.college is None else [f.college]
    return View(
        filters=f, cadre_ids=cadre_ids, kpis=_kpis(comp, prev, f, cadre_ids),
        cadres=_cadre_table(comp, status, ot, cadre_ids, f),
        status=status, coverage_college=_coverage_by_college(inputs, comp, f.college),
        coverage=_coverage(comp, f.college),
        heat_college=heat_college, heat_rule=heat_rule, heat_cadre=heat_cadre, heat_cadre_total=heat_total,
        trend=trend, trend_target=target, venues=venues, venue_cadres=n_venue,
        preferences=_preferences(comp, f), reminders=rem.reset_index(drop=True), colleges=colleges)


def previous_as_of(inputs: Inputs, as_of: date) -> date | None:
    """The as-of date one week earlier, or None when that is before the calendar starts."""
    rng = calendar_range(inputs)
    d = as_of - timedelta(days=7)
    return d if rng is not None and d >= rng[0] else None


# ============================================================== drill-down and downloads

def scorecard(comp: Computed, cadre_id: str, term: str | None = None) -> dict:
    """One cadre: status rows (with Chinese names), activities, 九进 venues reached this year."""
    inputs = comp.inputs
    f = Filters(comp.as_of, term=term)
    st_rows = _filter_rows(comp.ev.status, inputs, f, [cadre_id]).copy()
    names = {r.id: r.name_zh for r in inputs.rules}
    st_rows.insert(2, "rule_name", st_rows["rule"].map(names))
    st_rows["status_zh"] = st_rows["status"].map(STATUS_ZH)
    st_rows["kind_zh"] = st_rows["period_kind"].map(KIND_ZH)
    led = inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id]
    if term is not None:
        s, e = term_span(inputs, term)
        led = led.loc[(led["date"] >= s) & (led["date"] <= e)]
    led = led.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)
    v = comp.venues.loc[comp.venues["cadre_id"] == cadre_id] if len(comp.venues) else comp.venues
    reached = tuple(v["venues"].iloc[-1]) if len(v) else ()
    fc = comp.fc.loc[(comp.fc["cadre_id"] == cadre_id) & comp.fc["must_act_this_week"]]
    return {"status": st_rows.reset_index(drop=True), "activities": led, "venues": reached,
            "venues_missing": tuple(x for x in VENUES if x not in reached), "must_act": fc.reset_index(drop=True),
            "name": comp.ev.names.get(cadre_id, "")}


REMINDER_HEADERS = {"cadre_id": "工号", "name": "姓名", "college": "学院", "rule_name": "规则", "period": "周期",
                    "period_end": "截止日期", "required": "要求", "done": "已完成", "missing": "还差",
                    "days_left": "剩余可用天数", "reason_zh": "提醒事项"}


def reminders_xlsx(rem: pd.DataFrame, as_of: date) -> bytes:
    """The reminder list (who must act this week) as an xlsx with Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "本周提醒"
    ws.append([f"本周需提醒的领导干部（截至 {as_of}）"])
    ws["A1"].font = Font(bold=True, size=13)
    cols = list(REMINDER_HEADERS)
    ws.append([REMINDER_HEADERS[c] for c in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rem[cols].itertuples(index=False):
        vals = []
        for c, v in zip(cols, row):
            if c == "period_end":
                v = pd.Timestamp(v).date()
            elif isinstance(v, (np.integer,)):
                v = int(v)
            vals.append(v)
        ws.append(vals)
        ws.cell(ws.max_row, cols.index("period_end") + 1).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJK", (12, 10, 16, 26, 14, 12, 6, 8, 6, 12, 60)):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def annual_report(inputs: Inputs, as_of: date, cadre_ids: list[str], year: str | None = None) -> bytes:
    """三个纳入 annual report (compliance.report) for the cadres in view only."""
    keep = set(cadre_ids)
    a = inputs.assignment.loc[inputs.assignment["cadre_id"].isin(keep)]
    led = inputs.ledger.loc[inputs.ledger["cadre_id"].isin(keep)]
    ex = inputs.exemptions.loc[inputs.exemptions["cadre_id"].isin(keep)]
    ev = Evaluation(inputs.calendar, a, led, ex, inputs.rules, as_of=as_of)
    return annual_report_xlsx(ev, year)


# ============================================================== the ledger page

@dataclass
class ActivityCheck:
    frame: pd.DataFrame | None
    problems_zh: list[str]
    problems_en: list[str]

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems_zh


def check_activity(form: dict, today: date | None = None) -> ActivityCheck:
    """Validate one activity from the ledger form exactly as an imported ledger row: the form's values
    become a one-row CSV read by `importer.read_file("ledger", ...)` against what the store holds
    (same column definitions, enums, venue rule, references). Also refuses a date after today."""
    import importer
    from importer.schema import SCHEMAS

    cols = [c.id for c in SCHEMAS["ledger"].columns]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    vals = []
    for c in cols:
        v = form.get(c)
        if isinstance(v, date):
            v = v.isoformat()
        vals.append("" if v is None else str(v))
    w.writerow(vals)
    with session_scope() as s:
        refs = store_data.refs(s)
    zh: list[str] = []
    en: list[str] = []
    frame = None
    try:
        frame = importer.read_file("ledger", buf.getvalue().encode("utf-8"), filename="台账录入.csv", refs=refs)
    except importer.ImportFailed as exc:
        for p in exc.problems:
            col = p.column or ""
            cid = col[col.find("(") + 1:-1] if col.endswith(")") and "(" in col else col
            zh_col = next((c.zh for c in SCHEMAS["ledger"].columns if c.id == cid), col)
            val_zh = f"（填写的是“{p.value}”）" if p.value not in (None, "") else ""
            val_en = f" (got '{p.value}')" if p.value not in (None, "") else ""
            zh.append(f"{zh_col}：{p.expected_zh}{val_zh}" if zh_col else p.expected_zh)
            en.append(f"{cid or col}: {p.expected_en}{val_en}" if (cid or col) else p.expected_en)
    d = form.get("date")
    today = today or date.today()
    if isinstance(d, date) and d > today:
        zh.append(f"日期：不能记录未来的活动（{d.isoformat()} 晚于今天 {today.isoformat()}）")
        en.append(f"date: an activity cannot be in the future ({d.isoformat()} is after today {today.isoformat()})")
    return ActivityCheck(frame if not zh else None, zh, en)


def record_activity(check: ActivityCheck, actor: str) -> str:
    """Store a checked activity (audit-logged); returns its activity_id. Raises store.errors.StoreError."""
    from services import data as data_service

    if not check.ok:
        raise ValueError("activity not checked / 活动未通过校验")
    row = check.frame.iloc[0].to_dict()
    row = {k: (None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) else v) for k, v in row.items()}
    return data_service.add_activity(row, actor)


def delete_own_activity(activity_id: str, cadre_id: str | None, actor: str) -> None:
    """Delete one activity; `cadre_id` (a cadre user's own id) must own it — admin passes None."""
    from store.errors import NotFound

    with session_scope() as s:
        owner = s.scalar(select(Activity.cadre_id).where(Activity.activity_id == activity_id))
        if owner is None or (cadre_id is not None and owner != cadre_id):
            # Same answer for "not yours" and "missing": never reveal another cadre's ids.
            raise NotFound(f"活动 {activity_id} 不存在或不属于您", f"activity {activity_id} does not exist or is not yours")
        store_data.delete_activity(s, activity_id, actor)


def cadre_ledger(inputs: Inputs, cadre_id: str) -> pd.DataFrame:
    led = inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id]
    return led.sort_values(["date", "activity_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cadre_classes(inputs: Inputs, cadre_id: str) -> pd.DataFrame:
    """The cadre's assignment rows (class_id, class name, college, start, end), newest first."""
    a = inputs.assignment.loc[inputs.assignment["cadre_id"] == cadre_id, ["class_id", "class_name", "college",
                                                                         "start", "end"]]
    return a.sort_values("start", ascending=False, na_position="last").reset_index(drop=True)


def cadre_progress(inputs: Inputs, cadre_id: str, as_of: date) -> dict:
    """One cadre's own scorecard: the current period of each rule, rates, 九进, what to do this week.
    Evaluates only this cadre's rows (cheap; identical to the cadre's rows of a full evaluation)."""
    a = inputs.assignment.loc[inputs.assignment["cadre_id"] == cadre_id]
    if a.empty or inputs.calendar is None:
        return {"assigned": False}
    sub = replace(inputs, assignment=a, ledger=inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id],
                  exemptions=inputs.exemptions.loc[inputs.exemptions["cadre_id"] == cadre_id])
    comp = compute(sub, as_of)
    st = comp.ev.status
    names = {r.id: (r.name_zh, r.name_en) for r in inputs.rules}
    current = st.loc[st["status"] != "exempt"].groupby("rule", sort=False).tail(1)
    cur = pd.DataFrame({
        "rule": current["rule"], "rule_zh": current["rule"].map(lambda r: names[r][0]),
        "rule_en": current["rule"].map(lambda r: names[r][1]), "period": current["period"],
        "required": current["required"], "done": current["done"], "status": current["status"],
        "status_zh": current["status"].map(STATUS_ZH), "period_end": current["period_end"],
    }).reset_index(drop=True)
    rates = st.loc[st["status"].isin(["met", "missed"])]
    rate = rates.assign(_m=rates["status"] == "met").groupby("rule", sort=False)["_m"].agg(["sum", "size"])
    cur["met_periods"] = cur["rule"].map(rate["sum"]).fillna(0).astype(int)
    cur["closed_periods"] = cur["rule"].map(rate["size"]).fillna(0).astype(int)
    card = scorecard(comp, cadre_id)
    return {"assigned": True, "current": cur, "status": card["status"], "venues": card["venues"],
            "venues_missing": card["venues_missing"], "must_act": card["must_act"],
            "on_track": bool(on_track(comp.fc)["on_track"].iloc[0]) if len(comp.fc) else True,
            "missed": int((st["status"] == "missed").sum())}
