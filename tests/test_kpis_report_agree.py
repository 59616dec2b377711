"""Every cadre counts, the same way on the dashboard and in the annual report (issue 13): for the
same as-of date the Coverage view and the report have the same cadres, the same status counts per
requirement, the same 免予考核 cadres and the same 未带班 cadres."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from compliance.report import UNASSIGNED
from compliance.requirements import EXEMPT_CONCLUSION
from tests.demo_facts import DEMO, autumn_day
from tests.test_compliance_view import LEADER


@pytest.fixture
def world(demo_db):
    from services import compliance_view as cv
    inputs = cv.load_inputs()
    return cv, inputs


@pytest.mark.parametrize("as_of", [autumn_day(11, 3), DEMO.spring[1] + timedelta(weeks=3, days=1)])
def test_dashboard_and_report_count_the_same_cadres_for_the_same_day(world, as_of):
    from services import coverage
    from services.annual_report import report_content

    cv, inputs = world
    comp = cv.compute(inputs, as_of)
    v = coverage.view(LEADER, comp, coverage.Filters(as_of))
    rep = report_content(LEADER, inputs, as_of, v.cadre_ids, DEMO.label)
    # the whole roster, cadres without a class included
    assert {cr.cadre_id for cr in rep.cadres} == set(v.cadre_ids) == set(inputs.cadres["cadre_id"])
    # the same status counts per requirement (the school year = the demo calendar)
    dash = Counter(zip(v.status["rule"], v.status["status"]))
    for rule, t in rep.totals().items():
        assert (t.met, t.missed, t.pending, t.exempt) == tuple(
            dash[(rule, s)] for s in ("met", "missed", "pending", "exempt")), rule
    state = dict(zip(v.cadres["cadre_id"], v.cadres["state"]))
    exempt = {cr.cadre_id for cr in rep.cadres if cr.conclusion == EXEMPT_CONCLUSION}
    assert exempt == {c for c, s in state.items() if s == "exempt"} and len(exempt) == 1
    # no class changed hands before these days: 未带班 in the report = 未带班 on the dashboard
    unassigned = {cr.cadre_id for cr in rep.cadres if cr.classes_text == UNASSIGNED} - exempt
    assert unassigned == {c for c, s in state.items() if s == "unassigned"} and len(unassigned) == 1
    # neither is on track, and the KPIs say so
    k = {x.key: x for x in v.kpis}
    assert k["unassigned"].value == 1 and "免予考核 1 人不计入" in k["on_track"].help_zh
    assessed = v.cadres.loc[v.cadres["state"] != "exempt", "on_track"]
    assert k["on_track"].value == pytest.approx(assessed.mean()) and not v.cadres.loc[
        v.cadres["cadre_id"].isin(exempt | unassigned), "on_track"].any()


def test_home_counts_the_cadres_without_a_class_as_the_dashboard_does(world):
    from services import coverage, home
    from services.ledger import progress_of

    cv, inputs = world
    day = cv.default_as_of(inputs)
    v = coverage.view(LEADER, cv.compute(inputs, day), coverage.Filters(day))
    kpi = next(k for k in v.kpis if k.key == "unassigned")
    got = {m.key: m.value for m in home.summary(LEADER).metrics}
    assert got["unassigned"] == kpi.value == int((v.cadres["state"] == "unassigned").sum()) >= 1
    # the cadres' own home: the one without a class is 未带班, the one on leave all year 免予考核
    idle = sorted(set(inputs.cadres["cadre_id"]) - set(inputs.assignment["cadre_id"]))
    state = dict(zip(v.cadres["cadre_id"], v.cadres["state"]))
    assert sorted(progress_of(inputs, c, day)["state"] for c in idle) == ["exempt", "unassigned"]
    assert all(progress_of(inputs, c, day)["state"] == state[c] for c in idle)
