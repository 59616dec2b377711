"""The cadre's ledger under review (issue 14): evidence files, confirmation and return by the college,
withdrawal instead of deletion, acknowledgement of the class — and a cadre never reads or changes
another cadre's entries or files, also when calling the services directly."""
from __future__ import annotations

import io
from datetime import date

import pytest

from tests.fixtures_app import demo_user

AS_OF = date(2026, 7, 5)


def png(color=(200, 30, 30), size=(64, 48)) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(demo_db):
    from services import compliance_view as cv
    inputs = cv.load_inputs()
    me = demo_user("cadre")
    led = inputs.ledger
    mine = led.loc[led["cadre_id"] == me.cadre_id, "activity_id"].tolist()
    college = demo_user("college").college
    from services.compliance_view import activities_in_college
    in_college = activities_in_college(led, inputs, college)
    return {"inputs": inputs, "me": me, "mine": mine, "theirs": led.loc[led["cadre_id"] != me.cadre_id,
                                                                       "activity_id"].tolist(),
            "college_ids": in_college["activity_id"].tolist(),
            "outside_ids": sorted(set(led["activity_id"]) - set(in_college["activity_id"]))}


def _n_attachments() -> int:
    from sqlalchemy import func, select

    from services.db import session_scope
    from store.data import counts  # noqa: F401 - same engine
    from store.models import Attachment
    with session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(Attachment)))


# ------------------------------------------------------------------ evidence

def test_attachments_checked_by_content_size_and_hash(world, monkeypatch):
    from services import evidence

    me, aid = world["me"], world["mine"][0]
    a1 = evidence.attach(me, aid, "现场.png", png())
    a2 = evidence.attach(me, aid, "签到表.pdf", PDF)
    files = evidence.list_attachments(me, [aid])
    assert [f["mime"] for f in files] == ["image/png", "application/pdf"]
    assert files[0]["thumbnail"][:3] == b"\xff\xd8\xff" and files[1]["thumbnail"] is None
    got = evidence.open_attachment(me, a1)
    import hashlib
    assert got["content"] == png() and got["sha256"] == hashlib.sha256(png()).hexdigest()
    cases = {
        "wrong type": ("photo.jpg", b"GIF89a not really a jpeg", "不是 JPEG、PNG 或 PDF"),
        "renamed text": ("scan.pdf", b"hello, I am text", "按文件内容判断"),
        "zero bytes": ("empty.png", b"", "0 字节"),
        "same file twice": ("again.png", png(), "相同的文件（现场.png）"),
    }
    for name, (fname, content, msg) in cases.items():
        with pytest.raises(evidence.EvidenceError) as err:
            evidence.attach(me, aid, fname, content)
        assert msg in err.value.message("zh"), name
        assert err.value.message("en"), name
    monkeypatch.setenv("YIXIAN_ATTACHMENT_MAX_BYTES", "1000")
    with pytest.raises(evidence.EvidenceError) as err:
        evidence.attach(me, aid, "big.png", png(size=(400, 400)) + b"\0" * 2000)
    assert "超过上限" in err.value.message("zh") and "over the limit" in err.value.message("en")
    assert _n_attachments() == 2            # nothing half-written
    evidence.remove_attachment(me, a2)
    assert [f["id"] for f in evidence.list_attachments(me, [aid])] == [a1]


def test_a_cadre_never_reaches_another_cadres_files(world):
    from services import evidence
    from store.errors import NotFound

    admin, me = demo_user("admin"), world["me"]
    theirs = world["theirs"][0]
    att = evidence.attach(admin, theirs, "theirs.png", png((1, 2, 3)))
    with pytest.raises(NotFound) as refused:
        evidence.attach(me, theirs, "mine.png", png())
    with pytest.raises(NotFound) as missing:
        evidence.attach(me, "NO-SUCH-ID", "mine.png", png())
    assert str(refused.value).replace(theirs, "X") == str(missing.value).replace("NO-SUCH-ID", "X")
    assert evidence.list_attachments(me, [theirs]) == []
    with pytest.raises(NotFound):
        evidence.open_attachment(me, att)
    with pytest.raises(NotFound):
        evidence.remove_attachment(me, att)
    assert [f["id"] for f in evidence.list_attachments(admin, [theirs])] == [att]


def test_college_sees_files_of_its_college_only(world):
    from services import evidence

    admin, col = demo_user("admin"), demo_user("college")
    inside, outside = world["college_ids"][0], world["outside_ids"][0]
    a_in = evidence.attach(admin, inside, "in.png", png())
    a_out = evidence.attach(admin, outside, "out.png", png())
    seen = [f["id"] for f in evidence.list_attachments(col, [inside, outside], world["inputs"])]
    assert seen == [a_in] and a_out not in seen


# ------------------------------------------------------------------ confirmation and return

def test_college_confirms_and_returns_within_its_college(world):
    from services import compliance_view as cv
    from services import review
    from services.data import audit_rows
    from store.errors import NotFound

    col, admin, inputs = demo_user("college"), demo_user("admin"), world["inputs"]
    ids = world["college_ids"][:3]
    assert review.confirm(col, inputs, ids) == 3
    assert review.confirm(col, inputs, ids) == 0          # idempotent
    with pytest.raises(NotFound):
        review.confirm(col, inputs, [ids[0], world["outside_ids"][0]])    # all or nothing
    rows = review.entries(col, inputs)
    assert set(rows["activity_id"]) == set(world["college_ids"])
    assert set(rows.loc[rows["activity_id"].isin(ids), "review_status"]) == {"confirmed"}
    with pytest.raises(review.ReviewError, match="原因"):
        review.return_entry(col, inputs, ids[0], "  ")
    review.return_entry(col, inputs, ids[0], "缺少照片")
    back = review.entries(col, inputs, status="returned")
    assert back["activity_id"].tolist() == [ids[0]] and back["review_reason"].iloc[0] == "缺少照片"
    acts = audit_rows(admin, limit=10, entity="ledger_review")
    assert {"confirmed", "returned"} <= set(acts["action"]) and set(acts["actor"]) == {col.username}
    # the compliance frame can count confirmed entries only
    from services.db import session_scope
    from store import ledger as store_ledger
    with session_scope() as s:
        frame = store_ledger.load_ledger(s, confirmed=True)
    assert set(frame.loc[frame["confirmed"], "activity_id"]) == set(ids[1:])
    assert list(frame.columns[:-1]) == list(cv.load_inputs().ledger.columns)
    from services.access import AccessDenied
    for role in ("cadre", "leader", "planner"):
        with pytest.raises(AccessDenied):
            review.confirm(demo_user(role), inputs, ids)


def test_returned_entry_goes_back_to_the_cadre_and_confirmed_ones_are_locked(world):
    from services import compliance_view as cv
    from services import evidence, ledger, review

    admin, me = demo_user("admin"), world["me"]
    inputs = world["inputs"]
    a, b = world["mine"][:2]
    review.confirm(admin, inputs, [a])
    review.return_entry(admin, inputs, b, "日期有误")
    status = ledger.entry_status(me, me.cadre_id).set_index("activity_id")
    assert status.at[b, "status"] == "returned" and status.at[b, "reason"] == "日期有误"
    row = inputs.ledger.set_index("activity_id").loc[b]
    fix = ledger.check_activity(me, {"cadre_id": me.cadre_id, "date": row["date"].date(), "type": row["type"],
                                     "venue": row["venue"] or "班级", "class_id": row["class_id"],
                                     "summary": "已补充说明"})
    ledger.resubmit_activity(me, b, fix)
    assert b not in set(ledger.entry_status(me, me.cadre_id)["activity_id"])     # pending again
    assert cv.load_inputs().ledger.set_index("activity_id").at[b, "summary"] == "已补充说明"
    with pytest.raises(ledger.LedgerError, match="已由学院确认"):
        ledger.withdraw_activity(me, a, "不想要了")
    with pytest.raises(ledger.LedgerError, match="已由学院确认"):
        ledger.resubmit_activity(me, a, fix)
    with pytest.raises(evidence.EvidenceError, match="已确认"):
        evidence.attach(me, a, "late.png", png())
    early = evidence.attach(admin, a, "by-admin.png", png())
    with pytest.raises(evidence.EvidenceError, match="已确认"):
        evidence.remove_attachment(me, early)
    assert a in set(cv.load_inputs().ledger["activity_id"])


# ------------------------------------------------------------------ withdrawal

def test_withdrawal_needs_a_reason_and_is_visible_to_the_college(world):
    from services import compliance_view as cv
    from services import ledger, review
    from store.auth import UserInfo

    col, inputs = demo_user("college"), world["inputs"]
    target = world["college_ids"][0]                # an activity of a cadre in the college's scope
    owner = inputs.ledger.set_index("activity_id").at[target, "cadre_id"]
    me = UserInfo(id=0, username="owner", display_name="owner", role="cadre", college=None, cadre_id=owner)
    with pytest.raises(ledger.LedgerError, match="原因"):
        ledger.withdraw_activity(me, target, "")
    assert target in set(cv.load_inputs().ledger["activity_id"])
    ledger.withdraw_activity(me, target, "重复录入")
    fresh = cv.load_inputs()
    assert target not in set(fresh.ledger["activity_id"])          # no longer counts
    seen = review.entries(col, fresh, status="withdrawn")
    assert seen["activity_id"].tolist() == [target] and seen["review_reason"].iloc[0] == "重复录入"
    from store.errors import NotFound
    with pytest.raises(NotFound, match="已撤回"):
        review.confirm(col, fresh, [target])                       # withdrawn: nothing to confirm


def test_a_cadre_never_changes_another_cadres_entries(world):
    from services import ledger
    from services.access import AccessDenied
    from store.errors import NotFound

    me, theirs = world["me"], world["theirs"][0]
    ok = ledger.check_activity(me, {"cadre_id": me.cadre_id, "date": AS_OF, "type": "face_to_face",
                                    "venue": "宿舍", "summary": "x"})
    with pytest.raises(NotFound):
        ledger.withdraw_activity(me, theirs, "x")
    with pytest.raises(NotFound):
        ledger.resubmit_activity(me, theirs, ok)
    other = world["inputs"].ledger.set_index("activity_id").at[theirs, "cadre_id"]
    for call in (lambda: ledger.entry_status(me, other), lambda: ledger.cadre_ledger(me, world["inputs"], other)):
        with pytest.raises(AccessDenied):
            call()


# ------------------------------------------------------------------ acknowledgement

def test_acknowledgement_of_the_published_class(world):
    from services import acknowledge
    from services.access import AccessDenied

    me, admin = world["me"], demo_user("admin")
    mine = acknowledge.my_status(me)
    assert mine["round_id"] is not None and len(mine["classes"]) >= 1 and mine["acknowledged_at"] is None
    before = acknowledge.overview(admin)
    assert not bool(before.set_index("cadre_id").at[me.cadre_id, "acknowledged"])
    assert acknowledge.acknowledge(me) is True and acknowledge.acknowledge(me) is False
    after = acknowledge.overview(admin).set_index("cadre_id")
    assert bool(after.at[me.cadre_id, "acknowledged"]) and int((~after["acknowledged"]).sum()) == len(before) - 1
    assert acknowledge.my_status(me)["acknowledged_at"] is not None
    for role in ("college", "leader", "planner", "cadre"):
        with pytest.raises(AccessDenied):
            acknowledge.overview(demo_user(role))
    from store.auth import UserInfo
    stranger = UserInfo(id=0, username="nobody", display_name="x", role="cadre", college=None, cadre_id="NO-CADRE")
    with pytest.raises(acknowledge.AcknowledgeError):
        acknowledge.acknowledge(stranger)


def test_recording_a_withdrawn_entry_again_makes_it_pending(world):
    from services import compliance_view as cv
    from services import ledger

    me = world["me"]
    form = {"cadre_id": me.cadre_id, "date": AS_OF, "type": "face_to_face", "venue": "食堂", "summary": "午餐交流"}
    aid = ledger.record_activity(me, ledger.check_activity(me, form))
    ledger.withdraw_activity(me, aid, "日期记错")
    assert ledger.entry_status(me, me.cadre_id).set_index("activity_id").at[aid, "status"] == "withdrawn"
    assert ledger.record_activity(me, ledger.check_activity(me, form)) == aid
    assert aid not in set(ledger.entry_status(me, me.cadre_id)["activity_id"])
    assert aid in set(cv.load_inputs().ledger["activity_id"])
