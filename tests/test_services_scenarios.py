"""Scenarios and sweeps: edits, isolation from rounds/published rows, sweep points = individual solves,
the minimum-cadres answer verified at n−1, promotion to a draft round (admin only)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import text

from services import round_lifecycle, round_solve
from services import scenario_edits as edits
from services import scenario_metrics as sm
from services import scenarios as sc
from services import sweeps as sw
from services.access import AccessDenied
from store import frames as store_frames
from tests.demo_facts import DEMO
from tests.fixtures_app import demo_user


def pairs(a: pd.DataFrame) -> set:
    return set(zip(a["cadre_id"], a["class_id"], strict=True))


# ------------------------------------------------------------------ edits (pure)

def test_hypothetical_cadres_get_fresh_ids_and_solve(demo_frames):
    fr = edits.apply_edit(demo_frames, {"op": "add_hypothetical", "count": 3, "level": "deputy",
                                     "expertise": ["就业指导"], "capacity": 1})
    fr = edits.apply_edit(fr, {"op": "add_hypothetical", "count": 2, "level": "head"})
    new = fr["cadres"].loc[fr["cadres"]["cadre_id"].str.startswith(edits.HYPO_PREFIX)]
    assert list(new["cadre_id"]) == ["H-001", "H-002", "H-003", "H-004", "H-005"]
    assert new["expertise"].iloc[0] == ("就业指导",) and new["level"].iloc[4] == "head"
    assert len(demo_frames["cadres"]) == 123  # the source frames are not modified
    res = sc.solve_frames(fr, sc.default_params())
    assert res.status == "optimal"
    assert len(res.assignment) == int(fr["cadres"]["capacity"].sum())


def test_remove_classes_of_a_grade_drops_dangling_wishes_and_rules(demo_frames):
    fr = edits.apply_edit(demo_frames, {"op": "remove_classes", "grade": 2022})
    assert not (fr["classes"]["grade"] == 2022).any()
    assert not ((fr["preferences"]["kind"] == "grade") & (fr["preferences"]["value"] == "2022")).any()
    gone = set(demo_frames["classes"].loc[demo_frames["classes"]["grade"] == 2022, "class_id"])
    assert not set(fr["constraints"]["class_id"]) & gone
    assert not set(fr["previous"]["class_id"]) & gone
    assert sc.solve_frames(fr, sc.default_params()).status == "optimal"


def test_remove_cadres_and_set_capacity(demo_frames):
    cid = demo_frames["preferences"]["cadre_id"].iloc[0]
    fr = edits.apply_edit(demo_frames, {"op": "remove_cadres", "cadre_ids": [cid]})
    assert cid not in set(fr["cadres"]["cadre_id"]) and cid not in set(fr["preferences"]["cadre_id"])
    fr = edits.apply_edit(fr, {"op": "set_capacity", "level": "deputy", "capacity": 2})
    assert (fr["cadres"].loc[fr["cadres"]["level"] == "deputy", "capacity"] == 2).all()


@pytest.mark.parametrize("edit, words", [
    ({"op": "remove_cadres", "cadre_ids": ["NOPE"]}, "NOPE"),
    ({"op": "add_hypothetical", "count": 2, "level": "boss"}, "boss"),
    ({"op": "add_hypothetical", "count": 0, "level": "head"}, "1–500"),
    ({"op": "set_capacity", "level": "deputy", "capacity": -1}, "负"),
    ({"op": "frobnicate"}, "frobnicate"),
])
def test_bad_edits_are_refused_with_a_clear_message(demo_frames, edit, words):
    with pytest.raises(sc.ScenarioError) as e:
        edits.apply_edit(demo_frames, edit)
    assert words in str(e.value)


def test_added_classes_must_not_reuse_ids(demo_frames):
    row = store_frames.records("classes", demo_frames["classes"].head(1))[0]
    with pytest.raises(sc.ScenarioError, match=row["class_id"]):
        edits.apply_edit(demo_frames, {"op": "add_classes", "rows": [store_frames.jsonable(row)]})
    new = dict(row, class_id="2026NEW01", grade=2026, tags=("新生班",), priority=True)
    fr = edits.apply_edit(demo_frames, {"op": "add_classes", "rows": [store_frames.jsonable(new)]})
    assert "2026NEW01" in set(fr["classes"]["class_id"])


def test_fairness_bound_holds_for_every_counted_cadre(demo_frames):
    res = sc.solve_frames(demo_frames, sc.default_params() | {"worst_rank_max": 4})
    assert res.status == "optimal"
    locked = sm.locked_cadres(demo_frames)
    wishers = set(demo_frames["preferences"]["cadre_id"]) - locked
    a = res.assignment.loc[res.assignment["cadre_id"].isin(wishers)]
    assert a["preference_rank"].notna().all() and a["preference_rank"].max() <= 4
    assert sm.worst_rank(res.assignment, demo_frames) <= 4
    free = sc.solve_frames(demo_frames, sc.default_params())
    assert math.isinf(sm.worst_rank(free.assignment, demo_frames))
    assert free.report["total_fit"] >= res.report["total_fit"]


def test_metrics_table_and_moves(demo_frames):
    res = sc.solve_frames(demo_frames, sc.default_params())
    prev = demo_frames["previous"]
    pub = res.assignment.head(0)
    m = sm.metrics(res.report, res.assignment, demo_frames, prev)
    n_priority = int(demo_frames["classes"]["priority"].astype(bool).sum())   # the demo's 重点关注班级
    assert m["priority_covered"] == m["priority_classes"] == n_priority > 0
    assert m["changed_from_published"] == len(pairs(res.assignment) - pairs(prev))
    t = sm.metrics_table([("A", m), ("B", {"status": "infeasible"})])
    assert "覆盖率·新生班" in set(t["指标"]) and (t["B"].iloc[1:] == "—").all()
    mv = sm.moves(res.assignment, res.assignment.iloc[1:])
    assert len(mv) == 1 and mv["to"].iloc[0] == "（无）"
    assert pub.empty


# ------------------------------------------------------------------ sweeps: points are real solves

def test_capacity_sweep_points_equal_individual_solves(demo_frames):
    params = sc.default_params()
    out = sw.capacity_sweep(demo_frames, params, order="level", sizes=[20, 60, 115], find_minimum=False)
    ids = sw.cadre_order(demo_frames, "level")
    locked = sm.locked_cadres(demo_frames)
    assert locked and set(ids[:len(locked)]) == set(locked)   # locked cadres first (by level, then id)
    for p in out.points:
        sub = sw.restrict(demo_frames, ids[:p.n])
        res = sc.solve_frames(sub, sw.lexicographic_coverage_params(sub, params))
        assert res.status == p.status == "optimal"
        assert res.report["coverage"]["priority_covered"] == p.priority_covered
        assert res.report["total_fit"] == p.total_fit
        assert pairs(res.assignment) == pairs(p.result.assignment)
        assert len(res.assignment) == int(sub["cadres"]["capacity"].sum())
    # with fewer cadres than priority classes, coverage is as high as the slots allow
    assert out.points[0].priority_covered <= 20


def test_minimum_cadres_is_verified_by_a_solve_at_n_minus_1(demo_frames):
    params = sc.default_params()
    out = sw.capacity_sweep(demo_frames, params, sizes=[], find_minimum=True)
    n = out.minimum
    assert n is not None and n >= out.lower_bound
    ids = sw.cadre_order(demo_frames, "level")
    # independent check with priority as a hard rule: n covers, n−1 cannot
    hard = params | {"priority": "hard"}
    assert sc.solve_frames(sw.restrict(demo_frames, ids[:n]), hard).status == "optimal"
    assert sc.solve_frames(sw.restrict(demo_frames, ids[:n - 1]), hard).status == "infeasible"
    v = out.verification
    assert v.n == n - 1 and not v.covers_all
    assert v.status == "infeasible" or v.priority_covered < out.priority_total


def test_trade_off_points_equal_individual_solves(demo_frames):
    params = sc.default_params()
    pts, cancelled = sw.change_curve(demo_frames, params, points=4)
    assert not cancelled and len(pts) >= 3
    fits = [p.total_fit for p in pts]
    assert fits == sorted(fits)  # a larger change budget never lowers the best total fit
    for p in pts[:2]:
        res = sc.solve_frames(demo_frames, p.params)
        assert res.status == p.status and res.report["total_fit"] == p.total_fit
        assert res.report["changes"]["changed"] == p.changes <= p.bound
    fair, _ = sw.fairness_curve(demo_frames, params, bounds=[1, 4, None])
    assert [p.bound for p in fair] == [1, 4, None]
    assert fair[0].status == "infeasible"          # not every cadre can have the first 意向 (classes are shared)
    assert fair[1].status == "optimal" and fair[1].worst_rank <= 4
    assert math.isinf(fair[2].worst_rank) and fair[2].total_fit >= fair[1].total_fit
    again = sc.solve_frames(demo_frames, fair[1].params)
    assert again.report["total_fit"] == fair[1].total_fit and pairs(again.assignment) == pairs(fair[1].result.assignment)


def test_sweep_cancel_returns_what_was_done(demo_frames):
    import threading
    ev = threading.Event()
    seen = []

    def progress(f, msg):
        seen.append(f)
        if len(seen) > 3:
            ev.set()
    out = sw.capacity_sweep(demo_frames, sc.default_params(), sizes=[30, 60, 90, 120], progress=progress, cancel=ev)
    assert out.cancelled and len(out.points) < 4
    assert seen and all(0.0 <= f <= 1.0 for f in seen)


# ------------------------------------------------------------------ store: isolation and promotion

def _snapshot(engine) -> dict:
    with engine.connect() as c:
        return {t: [tuple(r) for r in c.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
                for t in ("assignment_rounds", "assignments")}


def _engine():
    from services.db import get_engine
    return get_engine()


def test_scenario_edits_and_solves_never_touch_rounds_or_published(demo_db):
    planner = demo_user("planner")
    before = _snapshot(_engine())
    pub_before = sc.published_assignment()
    sid = sc.create(planner, "副职全部带班")
    sc.add_edit(planner, sid, {"op": "set_capacity", "level": "deputy", "capacity": 1})
    sc.add_edit(planner, sid, {"op": "add_hypothetical", "count": 4, "level": "deputy",
                               "expertise": ["心理健康"]})
    sc.add_edit(planner, sid, {"op": "remove_classes", "grade": 2022})
    sc.set_params(planner, sid, sc.default_params() | {"objective": "fair", "weights": {"discipline": "3.5"}})
    opened = sc.solve_scenario(planner, sid)
    assert opened.report["status"] == "optimal" and len(opened.assignment) > 0
    copy = sc.create(planner, "副本", base_scenario=sid)
    assert sc.get(planner, copy).edits == opened.edits and sc.get(planner, copy).report is None
    again = sc.get(planner, sid)
    pts, _ = sw.change_curve(again.frames, again.params, points=2)
    sc.save_solution(planner, "曲线点", opened.frames, pts[0].params, pts[0].result,
                     {"kind": "scenario", "id": sid})
    sc.delete(planner, copy)
    assert _snapshot(_engine()) == before
    pd.testing.assert_frame_equal(sc.published_assignment(), pub_before)
    names = [s.name for s in sc.list_scenarios(planner)]
    assert names[:2] == ["曲线点", "副职全部带班"] and "副本" not in names


def test_only_owner_or_admin_deletes(demo_db):
    sid = sc.create(demo_user("planner"), "别人的情景")
    other = SimpleNamespace(id=99, username="someone-else", display_name="X", role="planner", college=None,
                            cadre_id=None)
    with pytest.raises(AccessDenied, match="创建人"):
        sc.delete(other, sid)
    sc.delete(demo_user("admin"), sid)
    assert sc.list_scenarios(demo_user("planner")) == []


def test_bad_params_are_refused(demo_db):
    sid = sc.create(demo_user("planner"), "x")
    with pytest.raises(sc.ScenarioError, match="weights"):
        sc.set_params(demo_user("planner"), sid, {"weights": {"discipline": "abc"}})
    with pytest.raises(sc.ScenarioError):
        sc.set_params(demo_user("planner"), sid, {"objective": "best"})


def test_promote_is_admin_only_and_makes_a_draft(demo_db):
    sid = sc.create(demo_user("planner"), "推演A")
    sc.set_params(demo_user("planner"), sid, sc.default_params() | {"worst_rank_max": 4})
    with pytest.raises(sc.ScenarioError, match="求解"):
        sc.promote(demo_user("admin"), sid)
    opened = sc.solve_scenario(demo_user("planner"), sid)
    with pytest.raises(AccessDenied, match="管理员"):
        sc.promote(demo_user("planner"), sid)
    before = _snapshot(_engine())
    rid = sc.promote(demo_user("admin"), sid)
    info = round_lifecycle.get_round(demo_user("admin"), rid)
    assert info.status == "draft" and info.kind == "scenario"
    assert pairs(info.assignment) == pairs(opened.assignment)
    after = _snapshot(_engine())
    assert after["assignments"][:len(before["assignments"])] == before["assignments"]
    assert after["assignment_rounds"][:len(before["assignment_rounds"])] == before["assignment_rounds"]
    # the round re-solves to the same pairs (the fairness bound went into its rules)
    assert round_solve.reproduce(demo_user("admin"), rid).same


def test_next_years_freshman_classes_from_a_file(demo_frames):
    import importer
    cls = demo_frames["classes"]
    this, nxt = DEMO.freshman, DEMO.freshman + 1       # this year's freshman grade, next year's
    new = cls.loc[cls["grade"] == this].head(6).copy()
    new["class_id"] = [f"{nxt}{k:06d}" for k in range(len(new))]
    new["name"] = [n.replace(f"{this}级", f"{nxt}级") for n in new["name"]]
    new["grade"] = nxt
    edit, problems = edits.read_classes_file(importer.write_xlsx("classes", new), f"{nxt}新生班.xlsx")
    assert problems == [] and edit["source"] == f"{nxt}新生班.xlsx" and len(edit["rows"]) == 6
    fr = edits.apply_edit(demo_frames, edit)
    assert (fr["classes"]["grade"] == nxt).sum() == 6
    assert edits.describe_edit(edit)[0].startswith("新增 6 个班级")
    bad = new.copy()
    bad.loc[bad.index[2], "size"] = 0
    edit, problems = edits.read_classes_file(importer.write_csv("classes", bad), "坏.csv")
    assert edit is None and len(problems) == 1 and problems[0].row is not None
