"""The store side of issue 14 on SQLite and PostgreSQL: attachments keep their bytes and refuse the
same content twice on one activity; wish answers replace, never duplicate; reviews and
acknowledgements round-trip; load_ledger(confirmed=True) adds one bool column after the canonical ones."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def filled(db_session):
    from store import data as store_data
    from store.testing import sample_frames

    f = sample_frames()
    store_data.replace_kinds(db_session, {k: f[k] for k in ("cadres", "classes")}, "t")
    store_data.upsert_ledger(db_session, f["ledger"], "t")
    db_session.commit()
    return db_session


def test_attachment_bytes_round_trip_and_duplicates_are_refused(filled):
    from store import evidence
    from store.errors import InvalidData

    blob = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    digest = hashlib.sha256(blob).hexdigest()
    aid = evidence.add(filled, "A1", "C001", "x.png", "image/png", blob, digest, b"\xff\xd8\xffthumb", "t")
    filled.commit()
    got = evidence.get(filled, aid)
    assert got["content"] == blob and got["sha256"] == digest and got["size"] == len(blob)
    with pytest.raises(InvalidData, match="相同的文件"):
        evidence.add(filled, "A1", "C001", "y.png", "image/png", blob, digest, None, "t")
    filled.rollback()
    evidence.add(filled, "A2", "C002", "x.png", "image/png", blob, digest, None, "t")   # another activity: fine
    filled.commit()
    assert [m["activity_id"] for m in evidence.for_activities(filled, ["A1", "A2"])] == ["A1", "A2"]


def test_wish_answers_replace_and_reviews_round_trip(filled):
    from store import ledger as store_ledger
    from store import wishes as store_wishes

    cid = store_wishes.open_collection(filled, "w", datetime.now(UTC) + timedelta(days=1), 3, "admin")
    store_wishes.save_answer(filled, cid, "C001", [{"rank": 1, "kind": "class", "value": "K2025-01"}],
                             [{"class_id": "", "college": "外国语学院", "reason": "亲属"}], "C001")
    store_wishes.save_answer(filled, cid, "C001", [{"rank": 1, "kind": "grade", "value": "2024"},
                                                   {"rank": 2, "kind": "major", "value": "数学"}], [], "C001")
    filled.commit()
    w = store_wishes.wishes(filled, cid)
    assert w[["rank", "kind", "value"]].values.tolist() == [[1, "grade", "2024"], [2, "major", "数学"]]
    assert store_wishes.conflicts(filled, cid).empty and set(store_wishes.answered(filled, cid)) == {"C001"}

    store_ledger.set_review(filled, "A1", "C001", "confirmed", "", "college")
    store_ledger.set_review(filled, "A2", "C002", "returned", "缺照片", "college")
    filled.commit()
    led = store_ledger.load_ledger(filled, confirmed=True)
    assert list(led.columns)[-1] == "confirmed" and led["confirmed"].dtype == bool
    assert dict(zip(led["activity_id"], led["confirmed"])) == {"A1": True, "A2": False}
    assert list(store_ledger.load_ledger(filled).columns) == list(led.columns[:-1])
    store_ledger.clear_review(filled, "A2", "C002")
    filled.commit()
    assert store_ledger.reviews(filled)["activity_id"].tolist() == ["A1"]
