"""Who may call the Rounds and Scenarios services: every entry point, called as every role.

admin does rounds (create / solve / adjust / publish / discard); planner reads rounds and runs
scenarios; a planner changes or deletes only their own scenarios (admin any); only an admin promotes
a scenario to a draft round; leader, college and cadre are refused everywhere here. "Allowed" means
the call gets past the access check: it may still be refused for what it asks (a published round
cannot be solved), never with AccessDenied. Every refusal is audit-logged.
"""
from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest

from common.errors import YixianError
from services import round_adjust, round_inputs, round_lifecycle, round_review, round_solve, scenarios, sweeps
from services.access import AccessDenied
from services.db import session_scope
from services.solve_params import default_params
from store.audit import audit_rows
from tests.fixtures_app import demo_user

ROLES = ("admin", "leader", "planner", "college", "cadre")
PUBLISHED = 1          # the demo's imported, published round
ADMIN_ONLY = {"admin"}
READERS = {"admin", "planner"}


def _call(fn, user) -> str:
    """"allowed" when the access check let the call through, "refused" on AccessDenied."""
    try:
        out = fn(user)
    except AccessDenied:
        return "refused"
    except YixianError:
        return "allowed"          # past the gate, refused for what it asks
    if hasattr(out, "wait"):       # a background job: stop it, it only had to start
        out.cancel()
        out.wait(60)
    return "allowed"


def _matrix(fn) -> set[str]:
    return {role for role in ROLES if _call(fn, demo_user(role)) == "allowed"}


def _info():
    return round_lifecycle.get_round(demo_user("admin"), PUBLISHED)


ROUND_ENTRY_POINTS = {
    "new_round_inputs": (lambda u: round_inputs.new_round_inputs(u, "initial"), ADMIN_ONLY),
    "list_rounds": (lambda u: round_lifecycle.list_rounds(u), READERS),
    "get_round": (lambda u: round_lifecycle.get_round(u, PUBLISHED), READERS),
    "audit_trail": (lambda u: round_lifecycle.audit_trail(u, PUBLISHED), READERS),
    "create_round": (lambda u: round_lifecycle.create_round(u, "x", "initial", default_params()), ADMIN_ONLY),
    "revise": (lambda u: round_lifecycle.revise(u, PUBLISHED), ADMIN_ONLY),
    "start_revision_solve": (lambda u: round_lifecycle.start_revision_solve(u, PUBLISHED), ADMIN_ONLY),
    "publish": (lambda u: round_lifecycle.publish(u, PUBLISHED, date.today()), ADMIN_ONLY),
    "discard": (lambda u: round_lifecycle.discard(u, PUBLISHED), ADMIN_ONLY),
    "solve_round": (lambda u: round_solve.solve_round(u, PUBLISHED), ADMIN_ONLY),
    "start_solve": (lambda u: round_solve.start_solve(u, PUBLISHED), ADMIN_ONLY),
    "result_for": (lambda u: round_solve.result_for(u, PUBLISHED), READERS),
    "reproduce": (lambda u: round_solve.reproduce(u, PUBLISHED), READERS),
    "adjust": (lambda u: round_adjust.adjust(u, PUBLISHED, "lock", "x", "y"), ADMIN_ONLY),
    "start_adjust": (lambda u: round_adjust.start_adjust(u, PUBLISHED, "lock", "x", "y"), ADMIN_ONLY),
    "preview": (lambda u: round_adjust.preview(u, PUBLISHED, "move", "x", "y"), ADMIN_ONLY),
    "start_preview": (lambda u: round_adjust.start_preview(u, PUBLISHED, "move", "x", "y"), ADMIN_ONLY),
    "preview_swap": (lambda u: round_adjust.preview_swap(u, PUBLISHED, "x", "y"), ADMIN_ONLY),
    "apply": (lambda u: round_adjust.apply(u, round_adjust.Plan(PUBLISHED, "#1 v1", "#1 v2", "lock", "", "",
                                                                status="refused")), ADMIN_ONLY),
    "restore": (lambda u: round_adjust.restore(u, PUBLISHED, PUBLISHED), ADMIN_ONLY),
    "revisions": (lambda u: round_adjust.revisions(u, PUBLISHED), READERS),
    "against_previous": (lambda u: round_adjust.against_previous(u, PUBLISHED), READERS),
    "diff_against_published": (lambda u: round_review.diff_against_published(u, _info()), READERS),
}


@pytest.mark.parametrize("name", sorted(ROUND_ENTRY_POINTS))
def test_round_entry_points_by_role(demo_db, name):
    fn, allowed = ROUND_ENTRY_POINTS[name]
    assert _matrix(fn) == allowed


def _planner_scenario() -> int:
    return scenarios.create(demo_user("planner"), "规划的情景")


def _other_planner():
    return dataclasses.replace(demo_user("planner"), id=9999, username="planner-2", display_name="另一位规划人员")


def _cancelled() -> threading.Event:
    ev = threading.Event()
    ev.set()
    return ev


SCENARIO_ENTRY_POINTS = {
    # (call with the scenario id, roles allowed on a scenario the demo planner owns)
    "list_scenarios": (lambda u, sid: scenarios.list_scenarios(u), READERS),
    "get": (lambda u, sid: scenarios.get(u, sid), READERS),
    "create": (lambda u, sid: scenarios.create(u, "新情景"), READERS),
    "add_edit": (lambda u, sid: scenarios.add_edit(u, sid, {"op": "no_such_edit"}), READERS),
    "set_params": (lambda u, sid: scenarios.set_params(u, sid, {"objective": "best"}), READERS),
    "solve_scenario": (lambda u, sid: scenarios.solve_scenario(u, sid, cancel=_cancelled()), READERS),
    "start_solve": (lambda u, sid: scenarios.start_solve(u, sid), READERS),
    "promote": (lambda u, sid: scenarios.promote(u, sid), ADMIN_ONLY),
    "start_sweep": (lambda u, sid: sweeps.start_sweep(u, sid, "level", [5], False), READERS),
    "start_curve": (lambda u, sid: sweeps.start_curve(u, sid, "no_such_curve"), READERS),
}
# another planner may read and copy a scenario and run sweeps on it, not change it
NOT_FOR_OTHER_PLANNERS = {"add_edit", "set_params", "solve_scenario", "start_solve", "promote"}


@pytest.mark.parametrize("name", sorted(SCENARIO_ENTRY_POINTS))
def test_scenario_entry_points_by_role_and_owner(demo_db, name):
    fn, allowed = SCENARIO_ENTRY_POINTS[name]
    sid = _planner_scenario()
    assert _matrix(lambda u: fn(u, sid)) == allowed
    other = _call(lambda u: fn(u, sid), _other_planner())
    assert other == ("refused" if name in NOT_FOR_OTHER_PLANNERS else "allowed")


def test_delete_scenario_owner_or_admin(demo_db):
    sid = _planner_scenario()
    for role in ("leader", "college", "cadre"):
        assert _call(lambda u: scenarios.delete(u, sid), demo_user(role)) == "refused"
    assert _call(lambda u: scenarios.delete(u, sid), _other_planner()) == "refused"
    assert _call(lambda u: scenarios.delete(u, sid), demo_user("planner")) == "allowed"
    sid = _planner_scenario()
    assert _call(lambda u: scenarios.delete(u, sid), demo_user("admin")) == "allowed"
    assert scenarios.list_scenarios(demo_user("admin")) == []


def test_save_solution_by_role(demo_db):
    sid = _planner_scenario()
    opened = scenarios.get(demo_user("planner"), sid)
    res = scenarios.solve_frames(opened.frames, opened.params, cancel=_cancelled())

    def save(u):
        return scenarios.save_solution(u, "点", opened.frames, opened.params, res, {"kind": "scenario", "id": sid})
    assert _matrix(save) == READERS


def test_refusals_are_audit_logged_and_change_nothing(demo_db):
    before = len(round_lifecycle.list_rounds(demo_user("admin")))
    with pytest.raises(AccessDenied):
        round_lifecycle.create_round(demo_user("planner"), "规划人员不能建轮次", "initial", default_params())
    with pytest.raises(AccessDenied):
        round_lifecycle.publish(demo_user("leader"), PUBLISHED, date.today())
    assert len(round_lifecycle.list_rounds(demo_user("admin"))) == before
    with session_scope() as s:
        rows = audit_rows(s, limit=10)
    denied = rows[rows["action"] == "access_denied"]
    assert {"planner", "leader"} <= set(denied["actor"])


def test_nobody_logged_in_is_refused(demo_db):
    with pytest.raises(AccessDenied):
        round_lifecycle.list_rounds(None)
    with pytest.raises(AccessDenied):
        scenarios.list_scenarios(None)
