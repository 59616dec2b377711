"""Minimal manual moves (issue 12, 2): a move keeps every pair it can, a swap needs no solve, each is
previewed before it is saved, and any earlier revision can be restored — all reproducible."""
from __future__ import annotations

import pytest

from services import round_adjust as adjusting
from services import round_lifecycle as lifecycle
from services import round_solve as solving
from services.round_rules import RoundsError
from services.solve_params import default_params
from tests.fixtures_app import demo_user


def admin():
    return demo_user("admin")


def _solved() -> int:
    rid = lifecycle.create_round(admin(), "测试轮", "initial", default_params())
    assert solving.solve_round(admin(), rid).status == "optimal"
    return rid


def _pairs(a) -> set[tuple[str, str]]:
    return set(zip(a["cadre_id"], a["class_id"]))


def _one_class(info) -> list[str]:
    """Unlocked cadres holding exactly one class, in id order."""
    a = info.assignment
    once = a["cadre_id"].value_counts()
    return sorted(c for c in a.loc[~a["locked"], "cadre_id"] if once[c] == 1)


def _holder_move(info) -> tuple[str, str, str]:
    """(mover, target class, its holder): a deputy into a non-priority class another unlocked cadre holds,
    the first such move the rules allow (checked as the page does)."""
    a, cls = info.assignment, info.inputs["classes"].set_index("class_id")
    deputies = set(info.inputs["cadres"].query("level == 'deputy'")["cadre_id"])
    cands = _one_class(info)
    holder = dict(zip(a["class_id"], a["cadre_id"]))
    for mover in (c for c in cands if c in deputies):
        for k in sorted(holder):
            if holder[k] in cands and holder[k] != mover and not cls.loc[k, "priority"]:
                try:
                    adjusting.adjust(admin(), info.id, "move", mover, k)
                except RoundsError:
                    continue
                return mover, k, holder[k]
    raise AssertionError("the demo has no allowed move into a held class")


def test_a_move_changes_only_the_moved_cadre_and_whoever_must_yield(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    mover, target, holder = _holder_move(info)
    plan = adjusting.preview(admin(), rid, "move", mover, target)
    assert plan.ready and plan.solved
    assert set(plan.changes["cadre_id"]) == {mover, holder}, plan.changes
    row = plan.changes.set_index("cadre_id").loc[mover]
    assert row["to_id"] == target and row["from_id"] == info.assignment.set_index("cadre_id").loc[mover, "class_id"]
    assert plan.total_cost == pytest.approx(float(plan.changes["fit_before"].fillna(0).sum()
                                                  - plan.changes["fit_after"].fillna(0).sum()))
    # nothing is written by a preview
    assert lifecycle.get_round(admin(), rid).status == "draft" and len(lifecycle.list_rounds(admin())) == 2


def test_the_preview_lists_exactly_the_pairs_that_change_when_applied(demo_db):
    rid = _solved()
    before = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(before)
    plan = adjusting.preview(admin(), rid, "move", mover, target)
    new = adjusting.apply(admin(), plan)
    rev = lifecycle.get_round(admin(), new)
    gone, came = _pairs(before.assignment) - _pairs(rev.assignment), _pairs(rev.assignment) - _pairs(before.assignment)
    listed_gone = {(c, k) for c, k in zip(plan.changes["cadre_id"], plan.changes["from_id"]) if k}
    listed_came = {(c, k) for c, k in zip(plan.changes["cadre_id"], plan.changes["to_id"]) if k}
    assert (listed_gone, listed_came) == (gone, came)
    # the revision records how it was made: re-running it from its own rules gives the same pairs
    assert rev.parameters["anchor"]["of"] == rid and "手动调整" in rev.parameters["revision_note"]
    solving.forget_results()
    rep = solving.reproduce(admin(), new)
    assert rep.same, rep.differences


def test_a_swap_needs_no_solve_and_reproduces(demo_db, monkeypatch):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    cands = _one_class(info)
    calls, solve_inputs = [], adjusting.solve_inputs
    monkeypatch.setattr(adjusting, "solve_inputs", lambda *a, **k: calls.append(a))
    plan = None
    for a, b in ((a, b) for a in cands[:12] for b in cands[:12] if a < b):
        try:
            plan = adjusting.preview_swap(admin(), rid, a, b)
            break
        except RoundsError:
            continue
    assert plan is not None and plan.ready and not plan.solved and calls == []
    assert sorted(plan.changes["cadre_id"]) == sorted([a, b]) and len(plan.changes) == 2
    new = adjusting.apply(admin(), plan)
    monkeypatch.setattr(adjusting, "solve_inputs", solve_inputs)
    rev = lifecycle.get_round(admin(), new)
    assert len(_pairs(info.assignment) - _pairs(rev.assignment)) == 2
    assert rev.parameters["revision_note"].startswith("对调")
    assert rev.result.get("hand_made")                      # recorded as made by hand, with its two locks
    solving.forget_results()
    rep = solving.reproduce(admin(), new)
    assert rep.same and rep.hand_made
    # and a solve of what the revision records (the two locks, the other pairs kept first) agrees
    again = solving.solve_inputs(rev.inputs, rev.parameters)
    assert _pairs(again.assignment) == _pairs(rev.assignment)


def test_a_swap_that_breaks_a_rule_is_refused_naming_it(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    con = info.inputs["constraints"]
    lock = con[con["type"] == "lock"].iloc[0]
    other = _one_class(info)[0]
    with pytest.raises(RoundsError) as e:
        adjusting.preview_swap(admin(), rid, lock.cadre_id, other, class_a=lock.class_id)
    assert "违反规则" in e.value.message_zh
    assert any(r.startswith("违反规则") and lock.reason in r for r in e.value.details), e.value.details


def test_a_plan_is_not_applied_to_a_draft_that_changed(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(info)
    plan = adjusting.preview(admin(), rid, "move", mover, target)
    adjusting.apply(admin(), plan)
    with pytest.raises(RoundsError) as e:
        adjusting.apply(admin(), plan)                 # the draft it was made from is archived now
    assert "重新预览" in e.value.message_zh and f"#{rid} v1" in e.value.message_zh


def test_undo_to_an_earlier_revision(demo_db):
    rid = _solved()
    v1 = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(v1)
    v2 = adjusting.apply(admin(), adjusting.preview(admin(), rid, "move", mover, target))
    assert [r.id for r in adjusting.revisions(admin(), v2)] == [v2, rid]
    v3 = adjusting.restore(admin(), v2, rid)
    back = lifecycle.get_round(admin(), v3)
    assert _pairs(back.assignment) == _pairs(v1.assignment)
    assert back.inputs["constraints"].equals(v1.inputs["constraints"]) and not back.parameters.get("anchor")
    assert back.parameters["revision_note"] == f"恢复到 #{rid} v1" and back.parameters["revision"] == 2
    assert lifecycle.get_round(admin(), v2).status == "archived"
    trail = lifecycle.audit_trail(admin(), v3)
    assert {"create", "save_result"} <= set(trail["action"])
    solving.forget_results()
    assert solving.reproduce(admin(), v3).same
    with pytest.raises(RoundsError):
        adjusting.restore(admin(), v3, v3)


def test_a_rules_edit_after_a_move_solves_without_the_old_anchor(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(info)
    v2 = adjusting.apply(admin(), adjusting.preview(admin(), rid, "move", mover, target))
    v3 = lifecycle.revise(admin(), v2, params={"seed": 1}, note="改种子")
    assert "anchor" not in lifecycle.get_round(admin(), v3).parameters


def test_the_history_names_the_revision_a_move_came_from_by_number_and_version(demo_db):
    from services import round_history
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(info)
    v2 = adjusting.apply(admin(), adjusting.preview(admin(), rid, "move", mover, target))
    v3 = adjusting.restore(admin(), v2, rid)
    made = round_history.history_in_words(admin(), v3)
    assert f"由 #{rid} v2 修改而来：恢复到 #{rid} v1" in set(made["what"]), made
    en = round_history.history_in_words(admin(), v3, "en")
    assert f"revision of #{rid} v2: back to #{rid} v1" in set(en["what"])


def test_a_failure_while_saving_a_move_or_a_restore_writes_nothing(demo_db, monkeypatch):
    """Applying a previewed move and restoring an earlier revision each write the revision and its result in
    one transaction: a store failure in between leaves no draft without a result and the old draft in place."""
    from store import rounds as store_rounds

    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    mover, target, _ = _holder_move(info)
    plan = adjusting.preview(admin(), rid, "move", mover, target)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full (test)")

    def listed():
        return [(r.id, r.status, r.n_assignments) for r in lifecycle.list_rounds(admin())]
    before = listed()
    with monkeypatch.context() as m:
        m.setattr(store_rounds, "save_round_result", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            adjusting.apply(admin(), plan)
    assert listed() == before and lifecycle.get_round(admin(), rid).status == "draft"
    v2 = adjusting.apply(admin(), plan)                  # the store works again: saved whole
    before = listed()
    with monkeypatch.context() as m:
        m.setattr(store_rounds, "save_round_result", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            adjusting.restore(admin(), v2, rid)
    assert listed() == before and lifecycle.get_round(admin(), v2).status == "draft"
