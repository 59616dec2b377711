"""Store: assignment rounds, publishing, the assignment in force, scenarios — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from store import audit, frames, rounds, scenarios
from store import data as sd
from store.errors import InvalidData, InvalidState, NotFound
from store.models import Assignment, AssignmentRound
from store.testing import sample_assignment, sample_frames


def iso(col) -> list:
    return [None if pd.isna(x) else x.date().isoformat() for x in col]


def _load(s):
    f = sample_frames()
    sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, "admin")
    s.commit()
    return f


def _round(s, pairs, name="r", parent=None, publish=None, report=None):
    f = sample_frames()
    inputs = {k: f[k] for k in ("cadres", "classes", "preferences", "constraints")}
    rid = rounds.create_round(s, name, "initial" if parent is None else "topup", inputs,
                              {"weights": {"expertise": 1.5}, "objective": "total", "seed": 7,
                               "time_limit_s": 60.0, "change_budget": None}, "admin", parent_id=parent)
    rounds.save_round_result(s, rid, sample_assignment(pairs), report or {"status": "optimal", "objective": 1.5},
                             "admin")
    if publish is not None:
        rounds.publish_round(s, rid, publish, "admin")
    s.commit()
    return rid


def test_create_round_keeps_exact_snapshot_and_parameters(db_session):
    _load(db_session)
    rid = _round(db_session, [("C001", "K2025-01")])
    r = rounds.get_round(db_session, rid)
    assert (r.status, r.kind, r.seed, r.created_by) == ("draft", "initial", 7, "admin")
    assert r.parameters["weights"] == {"expertise": 1.5} and r.parameters["change_budget"] is None
    f = sample_frames()
    for k in ("cadres", "classes", "preferences", "constraints"):
        pd.testing.assert_frame_equal(r.inputs[k], f[k], check_exact=True)
    pd.testing.assert_frame_equal(r.assignment, sample_assignment([("C001", "K2025-01")]), check_exact=True)
    assert r.result == {"status": "optimal", "objective": 1.5}
    assert [x.id for x in rounds.list_rounds(db_session)] == [rid]
    with pytest.raises(InvalidData, match="JSON"):
        rounds.create_round(db_session, "x", "initial", {}, {"bad": object()}, "admin")
    with pytest.raises(InvalidData, match="round kind"):
        rounds.create_round(db_session, "x", "final", {}, {}, "admin")
    with pytest.raises(NotFound):
        rounds.get_round(db_session, 999)


def test_publish_sets_dates_and_archives_previous(db_session):
    _load(db_session)
    r1 = _round(db_session, [("C001", "K2025-01"), ("C002", "K2022-07")], publish=date(2025, 9, 1))
    a1 = rounds.get_round(db_session, r1).assignment
    assert (a1.start == pd.Timestamp("2025-09-01")).all() and a1.end.isna().all()
    r2 = _round(db_session, [("C002", "K2022-07"), ("C003", "K2024-03")], name="补充轮", parent=r1)
    with pytest.raises(InvalidState, match="effective date must be after"):
        rounds.publish_round(db_session, r2, date(2025, 9, 1), "admin")
    rounds.publish_round(db_session, r2, date(2026, 3, 1), "planner1")
    db_session.commit()
    old, new = rounds.get_round(db_session, r1), rounds.get_round(db_session, r2)
    assert old.status == "archived" and old.archived_by == "planner1"
    assert new.status == "published" and new.effective_date == date(2026, 3, 1) and new.parent_id == r1
    assert (old.assignment.end == pd.Timestamp("2026-02-28")).all()
    assert (new.assignment.start == pd.Timestamp("2026-03-01")).all() and new.assignment.end.isna().all()
    pub = audit.audit_rows(db_session, limit=2)
    assert list(pub.action) == ["publish", "archive"] and pub.iloc[0].actor == "planner1"
    assert pub.iloc[0].before["status"] == "draft" and pub.iloc[0].after["status"] == "published"
    assert {(c["cadre_id"], c["end_before"], c["end_after"]) for c in pub.iloc[0].after["closed"]} == \
        {("C001", None, "2026-02-28"), ("C002", None, "2026-02-28")}
    with pytest.raises(InvalidState, match="only a draft"):
        rounds.publish_round(db_session, r2, date(2026, 4, 1), "admin")
    with pytest.raises(InvalidState, match="only a draft's result"):
        rounds.save_round_result(db_session, r1, sample_assignment([]), {}, "admin")


def test_assignment_in_force_by_date(db_session):
    _load(db_session)
    r1 = _round(db_session, [("C001", "K2025-01"), ("C002", "K2022-07")], publish=date(2025, 9, 1))
    _round(db_session, [("C002", "K2022-07"), ("C003", "K2024-03")], parent=r1, publish=date(2026, 3, 1))
    _round(db_session, [("C001", "K2024-03")], name="draft only")          # never published
    pairs = lambda df: sorted(zip(df.cadre_id, df.class_id))
    assert pairs(rounds.assignment_in_force(db_session, date(2025, 8, 31))) == []
    assert pairs(rounds.assignment_in_force(db_session, date(2025, 9, 1))) == [("C001", "K2025-01"),
                                                                               ("C002", "K2022-07")]
    assert pairs(rounds.assignment_in_force(db_session, "2026-02-28")) == [("C001", "K2025-01"),
                                                                           ("C002", "K2022-07")]
    assert pairs(rounds.assignment_in_force(db_session, pd.Timestamp("2026-03-01"))) == [
        ("C002", "K2022-07"), ("C003", "K2024-03")]
    history = rounds.assignment_in_force(db_session)
    assert len(history) == 4 and list(history.columns) == [c for c, _ in frames.COLUMNS["assignment"]]
    assert history.start.dtype == "datetime64[ns]" and history.preference_rank.dtype == "Int64"
    # C002 keeps the class across rounds: two rows that meet without a gap or overlap
    c2 = history[history.cadre_id == "C002"].sort_values("start")
    assert iso(c2.end) == ["2026-02-28", None] and iso(c2.start) == [
        "2025-09-01", "2026-03-01"]
    assert sd.load_kind(db_session, "assignment").equals(history)


def test_publish_keeps_later_start_dates_and_refuses_rows_ending_early(db_session):
    _load(db_session)
    rid = rounds.create_round(db_session, "demo", "initial", {}, {}, "admin")
    df = sample_assignment([("C001", "K2025-01"), ("C003", "K2024-03")])
    df.loc[1, "start"] = pd.Timestamp("2026-03-02")
    df.loc[0, "end"] = pd.Timestamp("2026-03-01")
    rounds.save_round_result(db_session, rid, df, {"status": "imported"}, "admin")
    rounds.publish_round(db_session, rid, date(2025, 9, 8), "admin")
    got = rounds.get_round(db_session, rid).assignment.set_index("cadre_id")
    assert got.loc["C001", "start"] == pd.Timestamp("2025-09-08") and got.loc["C001", "end"] == pd.Timestamp(
        "2026-03-01")
    assert got.loc["C003", "start"] == pd.Timestamp("2026-03-02")
    r2 = rounds.create_round(db_session, "x", "topup", {}, {}, "admin")
    bad = sample_assignment([("C002", "K2022-07")], end=pd.Timestamp("2025-01-01"))
    rounds.save_round_result(db_session, r2, bad, {}, "admin")
    with pytest.raises(InvalidState, match="end before"):
        rounds.publish_round(db_session, r2, date(2026, 9, 1), "admin")
    r3 = rounds.create_round(db_session, "no result", "topup", {}, {}, "admin")
    with pytest.raises(InvalidState, match="no saved result"):
        rounds.publish_round(db_session, r3, date(2026, 9, 1), "admin")


def test_archive_round(db_session):
    _load(db_session)
    draft = _round(db_session, [("C001", "K2025-01")])
    rounds.archive_round(db_session, draft, "admin")
    assert rounds.get_round(db_session, draft).status == "archived"
    assert rounds.assignment_in_force(db_session).empty          # a discarded draft never counts
    pub = _round(db_session, [("C002", "K2022-07")], publish=date(2025, 9, 1))
    with pytest.raises(InvalidData, match="end date"):
        rounds.archive_round(db_session, pub, "admin")
    rounds.archive_round(db_session, pub, "admin", end_date=date(2025, 12, 31))
    db_session.commit()
    hist = rounds.assignment_in_force(db_session)
    assert iso(hist.end) == ["2025-12-31"]             # history kept, now closed
    assert rounds.assignment_in_force(db_session, date(2026, 1, 1)).empty
    with pytest.raises(InvalidState, match="already archived"):
        rounds.archive_round(db_session, pub, "admin")


def _published_bytes(s):
    rows = s.execute(select(Assignment.__table__).order_by(Assignment.id)).all()
    rnds = s.execute(select(AssignmentRound.__table__).order_by(AssignmentRound.id)).all()
    return repr(rows).encode(), repr(rnds).encode()


def test_scenarios_round_trip_and_never_touch_rounds(db_session):
    f = _load(db_session)
    _round(db_session, [("C001", "K2025-01"), ("C002", "K2022-07")], publish=date(2025, 9, 1))
    before = _published_bytes(db_session)
    in_force = rounds.assignment_in_force(db_session)
    inputs = {k: f[k] for k in ("cadres", "classes", "preferences", "constraints", "scores", "previous")}
    edits = [{"op": "set_capacity", "cadre_id": "C003", "capacity": 1}, {"op": "remove_class", "class_id": "x"}]
    sid = scenarios.save_scenario(db_session, "少一名校领导", "planner1", {"kind": "published"}, edits, inputs,
                                  {"objective": "fair", "seed": 3}, "planner1")
    sid2 = scenarios.save_scenario(db_session, "b", "planner2", {"kind": "scenario", "id": sid}, [], {}, {},
                                   "planner2", result={"status": "optimal", "objective": 2.0},
                                   assignment=sample_assignment([("C003", "K2024-03")]))
    scenarios.save_scenario(db_session, "少一名校领导 v2", "planner1", {"kind": "published"}, edits[:1], inputs,
                            {"objective": "fair", "seed": 3}, "planner1", result={"status": "infeasible"},
                            scenario_id=sid)
    db_session.commit()
    got = scenarios.get_scenario(db_session, sid)
    assert got.name == "少一名校领导 v2" and got.edits == edits[:1] and got.result == {"status": "infeasible"}
    for k, df in inputs.items():
        pd.testing.assert_frame_equal(got.inputs[k], df, check_exact=True)
    g2 = scenarios.get_scenario(db_session, sid2)
    pd.testing.assert_frame_equal(g2.assignment, sample_assignment([("C003", "K2024-03")]), check_exact=True)
    assert g2.base == {"kind": "scenario", "id": sid}
    assert [s.id for s in scenarios.list_scenarios(db_session, owner="planner1")] == [sid]
    assert {s.id for s in scenarios.list_scenarios(db_session)} == {sid, sid2}
    scenarios.delete_scenario(db_session, sid, "planner1")
    db_session.commit()
    with pytest.raises(NotFound):
        scenarios.get_scenario(db_session, sid)
    assert _published_bytes(db_session) == before            # byte-identical rounds and assignments
    pd.testing.assert_frame_equal(rounds.assignment_in_force(db_session), in_force)
    acts = audit.audit_rows(db_session, entity="scenario")
    assert list(acts.action) == ["delete", "update", "create", "create"]
    with pytest.raises(InvalidData, match="base"):
        scenarios.save_scenario(db_session, "x", "p", {"kind": "nope"}, [], {}, {}, "p")


def test_concurrent_publishes_leave_exactly_one_round_published(db):
    """Two app processes publishing at the same moment (two engines, two threads)."""
    import threading

    from sqlalchemy.orm import Session

    from store.engine import make_engine

    with Session(db) as s:
        _load(s)
        ids = [_round(s, [("C001", "K2025-01")], name=f"r{i}") for i in range(2)]
    url = db.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in ids]
    barrier, errors = threading.Barrier(2), []

    def publish(engine, rid, day):
        try:
            with Session(engine) as s, s.begin():
                barrier.wait(timeout=10)
                rounds.publish_round(s, rid, day, f"admin{rid}")
        except InvalidState as exc:     # the later effective date may legitimately be refused
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(e, rid, date(2025, 9 + i, 1)))
               for i, (e, rid) in enumerate(zip(engines, ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for e in engines:
        e.dispose()
    with Session(db) as s:
        statuses = sorted(r.status for r in rounds.list_rounds(s))
        assert statuses.count("published") == 1
        assert statuses in (["archived", "published"], ["draft", "published"])
        assert len(errors) == (1 if "draft" in statuses else 0)
        # whatever the order, no two rows of the same class overlap in time
        assert len(rounds.assignment_in_force(s, date(2025, 9, 15))) == (0 if errors else 1)
        assert len(rounds.assignment_in_force(s, date(2025, 10, 15))) == 1
