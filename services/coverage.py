"""What the Coverage page calls, for the acting user: the dashboard view, a cadre's drill-down and
the annual report.

Who may: admin and leader see every college; a college user sees only their own college, applied
to every row (`Filters.college` is forced to it, and a cadre who moved in from another college shows
only the periods and activities of their time here); every other role is refused (the page table
in ui/nav.py gives Coverage to exactly `ROLES`).

Views are memoised on the (cached) evaluation, so the page's timed refresh costs almost nothing
until the store changes; treat what they return as read-only.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from common import vocabulary
from compliance.forecast import reminders
from compliance.rules import VENUES
from services import access
from services.compliance_view import (
    F2F,
    Computed,
    Inputs,
    activities_in_college,
    rule_names,
    term_span,
    venues_this_year,
)
from services.coverage_parts import (
    Filters,
    Kpi,
    cadre_table,
    cadres_in_view,
    coverage_by_college,
    coverage_rows,
    f2f_weeks,
    filter_rows,
    heat_by_cadre,
    heat_by_college,
    kpis,
    on_track_rate,
    preference_counts,
    venue_reach,
)
from store.auth import UserInfo

ROLES = ("admin", "leader", "college")
STATUS_ZH = vocabulary.labels(vocabulary.COMPLIANCE_STATUSES)
KIND_ZH = vocabulary.labels(vocabulary.PERIOD_KINDS)

__all__ = ["ROLES", "Filters", "Kpi", "View", "annual_report", "scorecard", "view", "viewer_college"]


@dataclass
class View:
    filters: Filters
    cadre_ids: list[str]
    kpis: list[Kpi]
    cadres: pd.DataFrame            # one row per cadre in view
    status: pd.DataFrame            # status rows of the cadres, rule and term in view
    coverage_college: pd.DataFrame  # college, bucket, bucket_order, classes
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
    memo: dict = field(default_factory=dict, repr=False, compare=False)   # what pages draw from this view (charts)
    comp: Computed | None = field(default=None, repr=False, compare=False)

    @property
    def coverage(self) -> pd.DataFrame:
        """class_coverage() rows for the classes in view (every dimension; computed on first use, the
        page draws none of them: the KPIs count theirs directly)."""
        return coverage_rows(self.comp, self.filters.college)


def viewer_college(user: UserInfo) -> str | None:
    """The one college `user` may see on the Coverage page (None = every college); refuses other
    roles and a college account without a college."""
    access.require(user, *ROLES, action="coverage.open")
    return access.college_scope(user)


def view(user: UserInfo, comp: Computed, f: Filters, prev: Computed | None = None, heat_limit: int = 30) -> View:
    """Everything the coverage page draws for filters `f`, as `user` may see it: a college user's
    own college overrides `f.college`, so such a user can never widen the view."""
    scope = viewer_college(user)
    if scope is not None:
        f = replace(f, college=scope)
    key = ("view", f, None if prev is None else prev.as_of, heat_limit)
    return comp.cached(key, lambda: _view(comp, f, prev, heat_limit))


def _reminder_rows(comp: Computed, f: Filters, cadre_ids: list[str]) -> pd.DataFrame:
    rem = reminders(comp.ev, comp.fc)
    rem = rem.loc[rem["cadre_id"].isin(cadre_ids)]
    if f.rule is not None:
        rem = rem.loc[rem["rule"] == f.rule]
    cc = comp.cadre_college if f.college is None else comp.cadre_college.loc[comp.cadre_college["college"] == f.college]
    rem = rem.assign(college=rem["cadre_id"].map(cc.groupby("cadre_id")["college"].agg("、".join)).fillna(""))
    return rem.assign(rule_name=rem["rule"].map(rule_names(comp.inputs))).reset_index(drop=True)


def _view(comp: Computed, f: Filters, prev: Computed | None, heat_limit: int) -> View:
    inputs = comp.inputs
    cadre_ids = cadres_in_view(comp, f)
    status = filter_rows(comp, "status", f, cadre_ids)
    _, ot = on_track_rate(comp, f, cadre_ids)
    heat_college, heat_rule = heat_by_college(status, comp, f, cadre_ids)
    heat_cadre, heat_total = heat_by_cadre(status, comp, heat_limit)
    trend = f2f_weeks(comp, f, cadre_ids).assign(n=lambda t: range(len(t)))
    target = float(inputs.rules[F2F].at_least) if F2F in inputs.rules.ids else 1.0
    venues, n_venue = venue_reach(comp, cadre_ids, f.college)
    colleges = sorted(inputs.classes["college"].unique()) if f.college is None else [f.college]
    return View(
        filters=f, cadre_ids=cadre_ids, kpis=kpis(comp, prev, f, cadre_ids),
        cadres=cadre_table(comp, status, ot, cadre_ids, f),
        status=status, coverage_college=coverage_by_college(inputs, comp, f.college),
        heat_college=heat_college, heat_rule=heat_rule, heat_cadre=heat_cadre, heat_cadre_total=heat_total,
        trend=trend, trend_target=target, venues=venues, venue_cadres=n_venue,
        preferences=preference_counts(comp, f), reminders=_reminder_rows(comp, f, cadre_ids), colleges=colleges,
        comp=comp)


# ============================================================== drill-down and report

def _require_cadre_in_scope(user: UserInfo, comp: Computed, cadre_id: str) -> str | None:
    """The viewer's college scope, after refusing a cadre outside it (a forged drill-down)."""
    scope = viewer_college(user)
    if scope is not None:
        cc = comp.cadre_college
        colleges = sorted(cc.loc[cc["cadre_id"] == cadre_id, "college"])
        access.require_college(user, scope if scope in colleges else (colleges[0] if colleges else ""),
                               action="coverage.scorecard")
    return scope


def scorecard(user: UserInfo, comp: Computed, cadre_id: str, term: str | None = None) -> dict:
    """One cadre for the drill-down: status rows, activities (newest first), 九进 venues reached this
    year, what is due this week. For a college user, only what belongs to their college."""
    scope = _require_cadre_in_scope(user, comp, cadre_id)
    return cadre_card(comp, cadre_id, term, scope)


def cadre_card(comp: Computed, cadre_id: str, term: str | None = None, college: str | None = None) -> dict:
    """The scorecard without the access check (also the cadre's own progress, services.ledger)."""
    inputs = comp.inputs
    f = Filters(comp.as_of, term=term, college=college)
    st_rows = filter_rows(comp, "status", f, [cadre_id]).copy()
    st_rows.insert(2, "rule_name", st_rows["rule"].map(rule_names(inputs)))
    st_rows["status_zh"] = st_rows["status"].map(STATUS_ZH)
    st_rows["kind_zh"] = st_rows["period_kind"].map(KIND_ZH)
    led = inputs.ledger.loc[inputs.ledger["cadre_id"] == cadre_id]
    if term is not None:
        s, e = term_span(inputs, term)
        led = led.loc[(led["date"] >= s) & (led["date"] <= e)]
    if college is not None:
        led = activities_in_college(led, inputs, college)
    led = led.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)
    reached = tuple(venues_this_year(comp, college).get(cadre_id, ()))
    fc = filter_rows(comp, "fc", Filters(comp.as_of, college=college), [cadre_id])
    fc = fc.loc[fc["must_act_this_week"]]
    return {"status": st_rows.reset_index(drop=True), "activities": led, "venues": reached,
            "venues_missing": tuple(x for x in VENUES if x not in reached), "must_act": fc.reset_index(drop=True),
            "name": comp.ev.names.get(cadre_id, "")}


def annual_report(user: UserInfo, inputs: Inputs, as_of: date, cadre_ids: list[str],
                  year: str | None = None, fmt: str = "xlsx") -> bytes:
    """三个纳入 annual report for the cadres in view (services.annual_report): for a college user only
    their college's cadres, evaluated on their time and activities in that college."""
    from services.annual_report import report_bytes
    viewer_college(user)
    return report_bytes(user, inputs, as_of, cadre_ids, year, fmt)
