"""The one loader and evaluation behind the Coverage, Ledger and Home pages. No Streamlit here.

- `store_version()` is the store's change marker (store.version). Pages cache `load_inputs()` on it
  and `compute()` on the inputs' own `version`, so a ledger write shows on the next refresh without
  reloading the page.
- `load_inputs()` reads everything once per version; when only ledger rows were written since the
  last load of this process, it patches the previous ledger from the audit log instead, and when
  only writes that change no input were made (logins, accounts, scenarios…) it keeps the previous
  inputs, `version` and all (their `seen` moves on), so nothing cached on them is computed again.
- `compute(inputs, as_of)` runs `compliance` once for the whole university; the views
  (services.coverage, services.ledger, services.home) filter its rows for the acting user.
- College scope of rows (`tenure`, `activities_in_college`, `college_part`, `scoped_rows`): what
  belongs to a college is the time a cadre advised one of its classes and the activities for its
  classes. A cadre who moved in from another college (a "mover") is evaluated apart on exactly
  that, so their rows, counts and venues in the college's view are those of their time here.

These functions take no user: they are building blocks for the services that do.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.errors import YixianError
from compliance import Calendar, Evaluation, RuleSet
from compliance.forecast import forecast
from compliance.requirements import Requirements
from compliance.rollups import adviser_state, nine_venues_coverage
from services.db import session_scope
from services.requirements import in_force_from
from store import data as store_data
from store import frames, version
from store import ledger as store_ledger
from store.rounds import assignment_in_force

F2F = "face_to_face"


class NoCalendar(YixianError):
    """Compliance needs a calendar."""


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
    requirements: Requirements | None = None    # 工作要求 in force (versions, levels); None = `rules` only
    seen: str = ""      # the newest store version these inputs are known to be current for ("" = `version`)

    @property
    def criteria(self) -> Requirements | RuleSet:
        """What an Evaluation is given: the stored requirements, else the plain rules."""
        return self.requirements if self.requirements is not None else self.rules


def store_version() -> str:
    """The store's change marker (store.version): keys every page cache."""
    with session_scope() as s:
        return version.store_version(s)


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
    activities named in those audit entries are applied, instead of re-reading the whole ledger.
    The 工作要求 in force come from the store; when they count confirmed entries only, the ledger
    has its `confirmed` column and every change reloads (a review changes what counts)."""
    version = version or store_version()
    url = _parse_version(version)[0]
    if incremental:
        with _last_lock:
            previous = _last_inputs.get(url)
        if previous is not None:
            if version in (previous.version, previous.seen):
                return previous
            # counting confirmed entries only: a review changes what counts, so read everything again
            confirmed_only = previous.requirements is not None and previous.requirements.confirmed_only
            patched = None if confirmed_only else _patch_ledger(previous, version)
            if patched is not None:
                with _last_lock:
                    _last_inputs[url] = patched
                return patched
    with _bulk_read(), session_scope() as s:
        terms = tuple(store_data.load_calendar(s))
        cadres = store_data.load_kind(s, "cadres")
        classes = store_data.load_kind(s, "classes")
        exemptions = store_data.load_kind(s, "exemptions")
        assignment = assignment_in_force(s)
        req = in_force_from(s)
        ledger = store_ledger.load_ledger(s, confirmed=req.confirmed_only)
    cal = Calendar(list(terms)) if terms else None
    inputs = Inputs(version, terms, cal, req.headline(date.today()), cadres, classes, assignment, ledger, exemptions,
                    requirements=req)
    with _last_lock:
        _last_inputs[url] = inputs
    return inputs


@contextmanager
def _bulk_read():
    """The collector paused for a bulk read: the ledger alone allocates ~10⁵ row tuples, none part of
    a cycle, and the collector's passes over them (and over everything the process holds) are about a
    third of the read. Turned back on afterwards by whoever turned it off (threads may overlap)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


# audited writes that change nothing the Inputs hold (reviews, files, wishes, acknowledgements; logins,
# logouts, accounts and security events; scenarios, the fit model, the audit log's own export)
NOT_INPUTS = frozenset({"ledger_review", "attachment", "wishes", "wish_collection", "acknowledgement",
                        "session", "security", "user", "app_secret", "scenario", "fit_model", "audit_log",
                        "settings"})
# Entries that record a read, not a write: a download is named after the file's kind (even "ledger").
READ_ACTIONS = frozenset({"download", "export"})


def _ledger_changes(entries) -> tuple[dict[str, dict], set[str]] | None:
    """Upserted records and deleted ids named by audit entries; None when any is not a ledger write."""
    upserts: dict[str, dict] = {}
    deleted: set[str] = set()
    for e in entries:
        if e.entity in NOT_INPUTS or e.action in READ_ACTIONS:
            continue
        if e.entity != "ledger":
            return None
        if e.action == "upsert" and isinstance(e.after, dict):
            for aid, rec in e.after.items():
                upserts[aid] = rec
                deleted.discard(aid)
        elif e.action == "delete":
            deleted.add(e.entity_id)
            upserts.pop(e.entity_id, None)
        else:
            return None
    return upserts, deleted


def _patch_ledger(previous: Inputs, version: str) -> Inputs | None:
    """`previous` with the ledger writes audited after it applied, or None when anything else was
    written (or too much, or the result does not add up): the caller then reads everything. With
    no ledger write among them, `previous` itself, only marked as seen at `version`."""
    _, top0, _ = _parse_version(previous.seen or previous.version)
    _, top, n = _parse_version(version)
    if top < top0 or top - top0 > MAX_PATCH_ENTRIES:
        return None
    with session_scope() as s:
        entries = store_ledger.audit_entries_between(s, top0, top)
    if len(entries) != top - top0:      # ids are not contiguous (e.g. a rolled-back write): play safe
        return None
    changes = _ledger_changes(entries)
    if changes is None:
        return None
    upserts, deleted = changes
    if not upserts and not deleted:
        if len(previous.ledger) != n:       # a ledger write the audit log does not name: play safe
            return None
        return replace(previous, seen=version)     # same version, ledger and memo: every cache stays valid
    led = previous.ledger
    keep = led.loc[~led["activity_id"].isin(set(upserts) | deleted)]
    new = frames.from_records("ledger", list(upserts.values())) if upserts else None
    ledger = keep if new is None else pd.concat([keep, new], ignore_index=True)
    if len(ledger) != n:
        return None
    with _memo_lock:
        memo = dict(previous.memo)          # coverage and tenure depend on classes and assignment: still valid
    memo.pop(("engine_ledger",), None)      # ... the engine's copy of the ledger is not
    return replace(previous, version=version, seen="", ledger=ledger.reset_index(drop=True), memo=memo)


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


def previous_as_of(inputs: Inputs, as_of: date) -> date | None:
    """The as-of date one week earlier, or None when that is before the calendar starts."""
    rng = calendar_range(inputs)
    d = as_of - timedelta(days=7)
    return d if rng is not None and d >= rng[0] else None


def term_of(inputs: Inputs, day: date) -> str | None:
    for t in inputs.terms:
        if t.start <= day <= t.start + timedelta(days=7 * t.weeks - 1):
            return t.name
    return None


def term_span(inputs: Inputs, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    t = next(t for t in inputs.terms if t.name == name)
    return pd.Timestamp(t.start), pd.Timestamp(t.start + timedelta(days=7 * t.weeks - 1))


def rule_names(inputs: Inputs, lang: str = "zh") -> dict[str, str]:
    return {r.id: (r.name_zh if lang == "zh" else r.name_en) for r in inputs.rules}


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


def class_college(inputs: Inputs) -> pd.Series:
    """class_id → college: the class roster's, else (a class no longer on the roster) the assignment row's."""
    def run():
        a = inputs.assignment
        old = a.drop_duplicates("class_id", keep="last").set_index("class_id")["college"]
        return inputs.classes.set_index("class_id")["college"].combine_first(old)
    return inputs_memo(inputs, ("class_college",), run)


def inputs_memo(inputs: Inputs, key: tuple, fn):
    """`fn()` memoised on the inputs (roll-ups that depend on the inputs only; shared across threads)."""
    value = inputs.memo.get(key)
    if value is None:
        value = fn()
        with _memo_lock:
            inputs.memo[key] = value
    return value


def _unassigned_college(inputs: Inputs) -> pd.DataFrame:
    """cadre_id, college of the roster cadres without any assignment row whose unit is a college
    (of the class roster): that college's 未带班 cadres. Others belong to no college."""
    cad = inputs.cadres
    if cad is None or cad.empty or "unit" not in cad:
        return pd.DataFrame({"cadre_id": pd.Series(dtype=object), "college": pd.Series(dtype=object)})
    cad = cad.loc[~cad["cadre_id"].isin(set(inputs.assignment["cadre_id"]))
                  & cad["unit"].isin(set(inputs.classes["college"]))]
    return pd.DataFrame({"cadre_id": cad["cadre_id"].to_numpy(dtype=object),
                         "college": cad["unit"].to_numpy(dtype=object)}).drop_duplicates()


def _cadre_college(inputs: Inputs, day: pd.Timestamp) -> pd.DataFrame:
    """The college(s) a cadre answers to on `day`: of the classes in force that day; for a cadre with
    none in force, of the nearest row in time (the last ended, else the next starting); for a roster
    cadre who never had a class, their unit when it is a college."""
    a = inputs.assignment
    if a.empty:
        return _unassigned_college(inputs).reset_index(drop=True)

    def rows():
        """Per assignment row (independent of the day): cadre code, cadre id, college, start, end (days)."""
        college = a["class_id"].map(class_college(inputs)).fillna(a["college"]).astype(object)
        codes, _ = pd.factorize(a["cadre_id"])
        days = [a[c].to_numpy(dtype="datetime64[D]").astype(np.int64) for c in ("start", "end")]
        nat = np.datetime64("NaT", "D").astype(np.int64)
        start, end = (np.where(d == nat, fill, d) for d, fill in zip(days, (np.iinfo(np.int64).min,
                                                                            np.iinfo(np.int64).max)))
        return codes, a["cadre_id"].to_numpy(dtype=object), college.to_numpy(dtype=object), start, end
    codes, cadre_ids, college, start, end = inputs_memo(inputs, ("assignment_rows",), rows)
    d = np.datetime64(day.date(), "D").astype(np.int64)
    # 0 = in force; else distance in days to the row's span
    dist = np.where((start <= d) & (end >= d), 0, np.where(end < d, d - end, start - d))
    best = np.full(codes.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(best, codes, dist)
    keep = dist == best[codes]
    out = pd.DataFrame({"cadre_id": cadre_ids[keep], "college": college[keep]}).drop_duplicates()
    return pd.concat([out, _unassigned_college(inputs)], ignore_index=True)


def roster(inputs: Inputs) -> pd.DataFrame | None:
    """Every cadre on the roster (name, level for per-level 工作要求), as the annual report counts
    them: the assignment's cadres in its order, then the roster's others in roster order. A roster
    cadre with no class is 未带班 (missed for "advise a class" unless exempt); one with no duty at
    all is 免予考核 (compliance.engine). Memoised on the inputs: treat as read-only."""
    if inputs.cadres is None or inputs.cadres.empty:
        return None
    return inputs_memo(inputs, ("roster",), lambda: _roster(inputs))


def _roster(inputs: Inputs) -> pd.DataFrame:
    ros = inputs.cadres.drop_duplicates("cadre_id").set_index("cadre_id")
    ids = pd.unique(inputs.assignment["cadre_id"].astype(str)) if len(inputs.assignment) else []
    first = [c for c in ids if c in ros.index]
    seen = set(first)
    ros = ros.reindex(first + [c for c in ros.index if c not in seen])
    return ros.reset_index()[[c for c in ("cadre_id", "name", "level") if c == "cadre_id" or c in ros.columns]]


def adviser_states_on(inputs: Inputs, day: date) -> pd.DataFrame:
    """adviser_state of every roster cadre on `day` without evaluating the ledger (it does not
    depend on it): what Home counts, the same as the Coverage page's `adviser_states` that day."""
    def run():
        empty = inputs.ledger.iloc[0:0]
        ev = Evaluation(inputs.calendar, inputs.assignment, empty, inputs.exemptions, inputs.criteria, as_of=day,
                        cadres=roster(inputs))
        return adviser_state(ev).set_index("cadre_id")
    return inputs_memo(inputs, ("adviser_state", day), run)


def adviser_states(comp: Computed) -> pd.DataFrame:
    """compliance.rollups.adviser_state of the evaluation, indexed by cadre_id: on the as-of date
    `advising`, `unassigned` (未带班) or `exempt` (no duty that day)."""
    return comp.cached(("adviser_state",), lambda: adviser_state(comp.ev).set_index("cadre_id"))


# What the compliance engine reads of the ledger (compliance.engine.Evaluation; `confirmed` when present)
ENGINE_LEDGER_COLUMNS = ("cadre_id", "date", "type", "venue", "class_id", "confirmed")


def engine_ledger(inputs: Inputs) -> pd.DataFrame:
    """The ledger as every evaluation of these inputs reads it, built once: only the columns the
    engine reads, its text columns categorical (the engine factorises each column per evaluation:
    on categories that is a pass over integer codes, not a hash of ~10⁵ strings), and without
    `activity_id` when the ids are unique (as the store keeps them: the engine reads it only to
    count a re-imported id once). Same rows and values, so the same evaluation."""
    def run():
        led = inputs.ledger
        cols = {}
        if "activity_id" in led and not led["activity_id"].is_unique:
            cols["activity_id"] = led["activity_id"]
        for c in ENGINE_LEDGER_COLUMNS:
            if c not in led:
                continue
            if c in ("date", "confirmed") or led[c].dtype != object:
                cols[c] = led[c]
            else:
                codes, uniques = pd.factorize(led[c])
                cols[c] = pd.Categorical.from_codes(codes, categories=uniques)
        return pd.DataFrame(cols, index=led.index)
    return inputs_memo(inputs, ("engine_ledger",), run)


def compute(inputs: Inputs, as_of: date) -> Computed:
    if inputs.calendar is None:
        raise NoCalendar("校历为空：请先在“数据管理”中导入校历", "the calendar is empty: import one on the Data page")
    ev = Evaluation(inputs.calendar, inputs.assignment, engine_ledger(inputs), inputs.exemptions, inputs.criteria,
                    as_of=as_of, cadres=roster(inputs))
    fc = forecast(ev)
    day = pd.Timestamp(as_of)
    active = inputs.assignment.loc[_active_rows(inputs.assignment, day)] if len(inputs.assignment) else inputs.assignment
    return Computed(inputs, as_of, ev, fc, _cadre_college(inputs, day), active)


# ============================================================== what belongs to a college

def tenure(inputs: Inputs, college: str) -> tuple[pd.DataFrame, frozenset]:
    """cadre_id, start, end (NaT = open) of the assignment rows for the college's classes, and the
    `movers`: cadres who also advised a class elsewhere (only they need evaluating apart)."""
    def run():
        a = inputs.assignment
        here = a["class_id"].map(class_college(inputs)).fillna(a["college"]) == college
        rows = a.loc[here, ["cadre_id", "start", "end"]].reset_index(drop=True)
        return rows, frozenset(a.loc[~here, "cadre_id"]) & frozenset(rows["cadre_id"])
    return inputs_memo(inputs, ("tenure", college), run)


def activities_in_college(led: pd.DataFrame, inputs: Inputs, college: str) -> pd.DataFrame:
    """Ledger rows that belong to `college`: those naming one of its classes, and those naming no
    class recorded on a day the cadre advised a class there."""
    rows, _ = tenure(inputs, college)
    named = led["class_id"] != ""
    by_class = named & led["class_id"].map(class_college(inputs)).eq(college)
    unnamed = led.loc[~named, ["cadre_id", "date"]].assign(_pos=np.flatnonzero(~named.to_numpy()))
    m = unnamed.merge(rows, on="cadre_id")
    hit = (m["start"].isna() | (m["start"] <= m["date"])) & (m["end"].isna() | (m["end"] >= m["date"]))
    keep = by_class.to_numpy().copy()
    keep[m.loc[hit, "_pos"].to_numpy(dtype=np.int64)] = True
    return led.loc[keep]


@dataclass(eq=False)
class CollegePart:
    """The movers of one college evaluated on what belongs to it: their assignment rows for its
    classes and their activities for its classes (the same evaluation the annual report makes)."""
    movers: frozenset
    ev: Evaluation
    fc: pd.DataFrame
    venues: pd.DataFrame


def college_part(comp: Computed, college: str) -> CollegePart | None:
    """None when no cadre of `college` ever advised elsewhere (the university's rows are theirs)."""
    def run():
        inputs = comp.inputs
        _, movers = tenure(inputs, college)
        if not movers:
            return False
        a = inputs.assignment.loc[inputs.assignment["cadre_id"].isin(movers)]
        a = a.loc[a["class_id"].map(class_college(inputs)).fillna(a["college"]) == college]
        led = activities_in_college(inputs.ledger.loc[inputs.ledger["cadre_id"].isin(movers)], inputs, college)
        ex = inputs.exemptions.loc[inputs.exemptions["cadre_id"].isin(movers)]
        ev = Evaluation(inputs.calendar, a, led, ex, inputs.criteria, as_of=comp.as_of)
        venues = nine_venues_coverage(ev) if "nine_venues" in inputs.rules.ids else comp.venues.iloc[:0]
        return CollegePart(movers, ev, forecast(ev), venues)
    return comp.cached(("college_part", college), run) or None


def scoped_rows(comp: Computed, college: str | None, which: str = "status") -> pd.DataFrame:
    """The university's status (`which="status"`) or forecast (`"fc"`) rows, with the rows of the
    college's movers replaced by their rows in that college."""
    base = comp.ev.status if which == "status" else comp.fc
    part = None if college is None else college_part(comp, college)
    if part is None:
        return base

    def run():
        sub = part.ev.status if which == "status" else part.fc
        sub = _during(sub, tenure(comp.inputs, college)[0])      # not the periods before they came
        return pd.concat([base.loc[~base["cadre_id"].isin(part.movers)], sub], ignore_index=True)
    return comp.cached(("scoped_rows", college, which), run)


def _during(df: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Rows (cadre_id, period_start, period_end) whose period overlaps one of the cadre's spans
    (cadre_id, start, end; NaT = open)."""
    m = pd.DataFrame({"cadre_id": df["cadre_id"].to_numpy(), "ps": df["period_start"].to_numpy(),
                      "pe": df["period_end"].to_numpy(), "_pos": np.arange(len(df))}).merge(spans, on="cadre_id")
    hit = (m["start"].isna() | (m["start"] <= m["pe"])) & (m["end"].isna() | (m["end"] >= m["ps"]))
    keep = np.zeros(len(df), dtype=bool)
    keep[m.loc[hit, "_pos"].to_numpy(dtype=np.int64)] = True
    return df.loc[keep]


def venues_this_year(comp: Computed, college: str | None = None) -> pd.Series:
    """cadre_id → tuple of the 九进 venues reached in the current academic year (as the nine_venues
    rule counts them); with a college, a mover's venues only at that college's activities."""
    def latest(v: pd.DataFrame) -> pd.Series:
        # nine_venues_coverage rows are cadre × started year in time order: the last is the current year
        return v.drop_duplicates("cadre_id", keep="last").set_index("cadre_id")["venues"]

    def run():
        reached = latest(comp.venues) if len(comp.venues) else pd.Series(dtype=object)
        part = None if college is None else college_part(comp, college)
        if part is None or part.venues.empty:
            return reached
        return pd.concat([reached.loc[~reached.index.isin(part.movers)], latest(part.venues)])
    return comp.cached(("venues_this_year", college), run)
