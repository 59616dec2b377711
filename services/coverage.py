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
from functools import cached_property

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
    """What the page draws for one set of filters. The KPIs and the overview are built at once; each
    other tab's frames on first use (the page draws only the open tab), then kept with the view."""
    filters: Filters
    cadre_ids: list[str]
    kpis: list[Kpi]
    coverage_college: pd.DataFrame  # college, bucket, bucket_order, classes
    trend_target: float
    preferences: pd.DataFrame       # label, order, pairs, share
    colleges: list[str] = field(default_factory=list)
    memo: dict = field(default_factory=dict, repr=False, compare=False)   # what pages draw from this view (charts)
    comp: Computed | None = field(default=None, repr=False, compare=False)
    heat_limit: int = 30

    @cached_property
    def status(self) -> pd.DataFrame:
        """Status rows of the cadres, rule and term in view."""
        return filter_rows(self.comp, "status", self.filters, self.cadre_ids)

    @cached_property
    def cadres(self) -> pd.DataFrame:
        """One row per cadre in view."""
        _, ot = on_track_rate(self.comp, self.filters, self.cadre_ids)
        return cadre_table(self.comp, self.status, ot, self.cadre_ids, self.filters)

    @cached_property
    def _heat_college(self) -> tuple[pd.DataFrame, str]:
        return heat_by_college(self.status, self.comp, self.filters, self.cadre_ids)

    @property
    def heat_college(self) -> pd.DataFrame:
        """college, period, start, rate, met, counted, state (pending: the period is not over)."""
        return self._heat_college[0]

    @property
    def heat_rule(self) -> str:
        return self._heat_college[1]

    @cached_property
    def _heat_cadre(self) -> tuple[pd.DataFrame, int]:
        return heat_by_cadre(self.status, self.comp, self.heat_limit)

    @property
    def heat_cadre(self) -> pd.DataFrame:
        """cadre, cadre_id, rule, rate, met, counted: the `heat_limit` cadres with the lowest rate."""
        return self._heat_cadre[0]

    @property
    def heat_cadre_total(self) -> int:
        """Cadres in view with at least one period met or missed."""
        return self._heat_cadre[1]

    @cached_property
    def trend(self) -> pd.DataFrame:
        """period, start, counted, met, mean_done, rate, n (order)."""
        return f2f_weeks(self.comp, self.filters, self.cadre_ids).assign(n=lambda t: range(len(t)))

    @cached_property
    def _venues(self) -> tuple[pd.DataFrame, int]:
        return venue_reach(self.comp, self.cadre_ids, self.filters.college)

    @property
    def venues(self) -> pd.DataFrame:
        """venue, cadres, share."""
        return self._venues[0]

    @property
    def venue_cadres(self) -> int:
        return self._venues[1]

    @cached_property
    def reminders(self) -> pd.DataFrame:
        """cadre_id, name, college, rule, period, ... (who must act this week)."""
        return _reminder_rows(self.comp, self.filters, self.cadre_ids)

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
    target = float(inputs.rules[F2F].at_least) if F2F in inputs.rules.ids else 1.0
    colleges = sorted(inputs.classes["college"].unique()) if f.college is None else [f.college]
    return View(filters=f, cadre_ids=cadre_ids, kpis=kpis(comp, prev, f, cadre_ids),
                coverage_college=coverage_by_college(inputs, comp, f.college), trend_target=target,
                preferences=preference_counts(comp, f), colleges=colleges, comp=comp, heat_limit=heat_limit)


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
