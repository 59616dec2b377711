"""Issue 12 (1, 3) and issue 18 (publish race): nothing invented is published, drafts say so in the
file itself, publishing refuses an effective date the round in force cannot end on, warns before a
short-lived round or a date outside the calendar, and refuses a publish made on a stale view."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from services import exports
from services import round_lifecycle as lifecycle
from services import round_solve as solving
from services import scenarios as sc
from services.round_rules import RoundsError
from services.solve_params import default_params
from tests.demo_facts import publish_day
from tests.fixtures_app import demo_user


def admin():
    return demo_user("admin")


def _solved(name="测试轮") -> int:
    rid = lifecycle.create_round(admin(), name, "initial", default_params())
    assert solving.solve_round(admin(), rid).status == "optimal"
    return rid


def _hypothetical_scenario() -> int:
    sid = sc.create(demo_user("planner"), "假设干部推演")
    sc.add_edit(demo_user("planner"), sid, {"op": "add_hypothetical", "count": 3, "level": "deputy",
                                            "capacity": 1})
    opened = sc.solve_scenario(demo_user("planner"), sid)
    assert opened.assignment["cadre_id"].str.startswith("H-").any()
    return sid


def test_promotion_with_hypothetical_cadres_is_refused_with_the_list(demo_db):
    sid = _hypothetical_scenario()
    with pytest.raises(sc.ScenarioError) as err:
        sc.promote(admin(), sid)
    assert "假设" in err.value.headline("zh") and "hypothetical" in err.value.headline("en")
    lines = " ".join(err.value.detail_lines("zh"))
    assert "H-001" in lines and "假设干部1" in lines
    assert not [r for r in lifecycle.list_rounds(admin()) if r.kind == "scenario"]


def test_publishing_a_round_with_an_invented_cadre_is_refused(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    a = info.assignment.copy()
    a.loc[a.index[0], "cadre_id"] = "H-001"
    cad = info.inputs["cadres"].copy()
    row = cad.iloc[[0]].copy()
    row["cadre_id"], row["name"] = "H-001", "假设干部1"
    import pandas as pd

    from services.db import session_scope
    from store import rounds as store_rounds
    inputs = dict(info.inputs) | {"cadres": pd.concat([cad, row], ignore_index=True)}
    with session_scope() as s:
        bad = store_rounds.create_round(s, "带假设干部", "scenario", inputs, dict(info.parameters), "admin")
        store_rounds.save_round_result(s, bad, a, dict(info.result), "admin")
    with pytest.raises(RoundsError) as err:
        lifecycle.publish(admin(), bad, date.today() + timedelta(days=1), warnings_confirmed=True)
    assert "H-001" in " ".join(err.value.detail_lines("zh"))
    assert lifecycle.get_round(admin(), bad).status == "draft"


def test_draft_exports_say_draft_in_the_file(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    args = (info.assignment, info.inputs["cadres"], info.inputs["classes"], info.name, None)
    for make, word in ((exports.official_list_xlsx, "草稿"), (exports.publicity_list_xlsx, "征求意见稿")):
        ws = load_workbook(io.BytesIO(make(*args, draft=True))).active
        assert word in ws["A1"].value and word in ws.oddHeader.center.text
        final = load_workbook(io.BytesIO(make(*args))).active
        assert word not in final["A1"].value


def test_publish_on_a_stale_view_is_refused(demo_db):
    first, second = _solved("甲"), _solved("乙")
    eff = publish_day(7)     # after today and after the demo's scheduled mid-year changes
    seen = lifecycle.in_force_id(admin())            # both admins looked: the demo's round in force
    assert seen is not None and lifecycle.get_round(admin(), seen).status == "published"
    lifecycle.publish(admin(), first, eff, seen_in_force=seen, warnings_confirmed=True)
    with pytest.raises(RoundsError) as err:
        lifecycle.publish(admin(), second, eff + timedelta(days=40), seen_in_force=seen,
                          warnings_confirmed=True)
    assert "甲" in err.value.headline("zh") or f"#{first}" in err.value.headline("zh")
    assert lifecycle.get_round(admin(), second).status == "draft"
    assert lifecycle.get_round(admin(), first).status == "published"
    # with the fresh view, the same publish goes through
    lifecycle.publish(admin(), second, eff + timedelta(days=40), seen_in_force=lifecycle.in_force_id(admin()),
                      warnings_confirmed=True)
    assert lifecycle.get_round(admin(), second).status == "published"


def test_publish_dates_have_a_floor_and_warnings(demo_db):
    first, second = _solved("甲"), _solved("乙")
    eff = publish_day(7)     # after today and after the demo's scheduled mid-year changes
    demo_floor = lifecycle.earliest_effective_date(admin())   # the demo's round is in force
    assert demo_floor is not None and demo_floor <= eff
    lifecycle.publish(admin(), first, eff, warnings_confirmed=True)
    assert lifecycle.earliest_effective_date(admin()) == eff + timedelta(days=1)
    with pytest.raises(RoundsError) as err:
        lifecycle.publish(admin(), second, eff, warnings_confirmed=True)
    assert len(err.value.headline("zh")) < 80 and "\n" not in err.value.headline("zh")
    warns = lifecycle.publish_warnings(admin(), eff + timedelta(days=10))
    assert [w for w in warns if w.code == "short_in_force" and "10" in w.zh and "30" in w.zh]
    assert not [w for w in lifecycle.publish_warnings(admin(), eff + timedelta(days=60))
                if w.code == "short_in_force"]
    with pytest.raises(RoundsError, match="确认"):
        lifecycle.publish(admin(), second, eff + timedelta(days=10), seen_in_force=first)
    lifecycle.publish(admin(), second, eff + timedelta(days=10), seen_in_force=first, warnings_confirmed=True)
    assert lifecycle.get_round(admin(), second).status == "published"


def test_a_round_keeps_its_number_through_revisions(demo_db):
    """Issue 12 (6): revisions are v1, v2, v3 under one number (the round as created)."""
    rid = _solved("编号轮")
    params = lifecycle.get_round(admin(), rid).parameters
    assert (lifecycle.round_number(rid, params), lifecycle.version_number(params)) == (rid, 1)
    second = lifecycle.revise(admin(), rid, params={"seed": 1}, note="改种子")
    third = lifecycle.revise(admin(), second, params={"seed": 2}, note="再改种子")
    for r, v in ((second, 2), (third, 3)):
        p = lifecycle.get_round(admin(), r).parameters
        assert (lifecycle.round_number(r, p), lifecycle.version_number(p)) == (rid, v)
    from ui.rounds.listing import round_label
    labels = [round_label(r) for r in lifecycle.list_rounds(admin()) if r.id in (rid, second, third)]
    assert labels == [f"#{rid} 编号轮 · v3", f"#{rid} 编号轮 · v2", f"#{rid} 编号轮 · v1"]
