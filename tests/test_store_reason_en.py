"""reason_en is kept exactly like reason: in the canonical frame, its JSON snapshot and the store's
assignment rows (the parts column), on SQLite and PostgreSQL; a frame without it stays without it."""
from __future__ import annotations

from store import frames
from store import rounds as store_rounds
from store.testing import sample_assignment


def _with_reasons():
    a = sample_assignment()
    a["reason"] = ["专长「心理健康」对应标签「心理关注」+3", "匹配度为0，由规则「锁定」决定", ""]
    a["reason_en"] = ["expertise '心理健康' matches tag '心理关注' +3", "fit 0, forced by the rule 'lock'", ""]
    return a


def test_frame_and_snapshot_keep_both_languages():
    a = _with_reasons()
    canon = frames.canonical("assignment", a)
    assert [c for c, _ in frames.column_types("assignment", a)][-2:] == ["reason", "reason_en"]
    assert list(canon["reason_en"]) == list(a["reason_en"])
    back = frames.from_json("assignment", frames.to_json("assignment", canon))
    assert back.equals(canon)
    old = frames.canonical("assignment", a.drop(columns=["reason_en"]))
    assert "reason_en" not in old.columns and "reason" in old.columns


def test_store_keeps_both_languages(db_session):
    a = _with_reasons()
    rid = store_rounds.create_round(db_session, "理由", "initial", {}, {}, "tester")
    store_rounds.save_round_result(db_session, rid, a, {"status": "optimal"}, "tester")
    back = store_rounds.round_assignment(db_session, rid).set_index(["cadre_id", "class_id"])
    mine = a.set_index(["cadre_id", "class_id"])
    for col in ("reason", "reason_en"):
        assert back[col].to_dict() == mine[col].to_dict()
    rid2 = store_rounds.create_round(db_session, "旧", "initial", {}, {}, "tester")
    store_rounds.save_round_result(db_session, rid2, a.drop(columns=["reason_en"]), {"status": "optimal"}, "tester")
    assert "reason_en" not in store_rounds.round_assignment(db_session, rid2).columns
