"""Who may call the cadre services of issue 14 (wishes, acknowledge, evidence, review, home.my_class,
ledger withdraw/resubmit/status): every entry point as the demo user of every role."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures_app import demo_user

ROLES = ("admin", "leader", "planner", "college", "cadre")


def _png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(buf, "PNG")
    return buf.getvalue()


def _calls(role: str) -> dict:
    from services import acknowledge, evidence, home, ledger, review, wishes
    from services import compliance_view as cv

    admin, me = demo_user("admin"), demo_user("cadre")
    inputs = cv.load_inputs()
    mine = inputs.ledger.loc[inputs.ledger["cadre_id"] == me.cadre_id, "activity_id"].tolist()
    col = wishes.open_collection(admin, "m", datetime.now(UTC) + timedelta(days=1), 2)
    att = evidence.attach(admin, mine[0], "a.png", _png())
    row = inputs.ledger.set_index("activity_id").loc[mine[1]]
    check = ledger.check_activity(me, {"cadre_id": me.cadre_id, "date": row["date"].date(), "type": row["type"],
                                       "venue": row["venue"] or "班级", "class_id": row["class_id"], "summary": "矩阵"})
    college_ids = review.entries(demo_user("college"), inputs)["activity_id"].tolist()
    adm, cad, rev = ("admin",), ("cadre",), ("college", "admin")
    return {
        "wishes.open_collection": (adm, lambda u: wishes.open_collection(u, "x", datetime.now(UTC) + timedelta(days=1), 2)),
        "wishes.set_deadline": (adm, lambda u: wishes.set_deadline(u, col.id, col.deadline)),
        "wishes.current": (("admin", "cadre", "planner"), lambda u: wishes.current(u)),
        "wishes.choices": (("admin", "cadre"), lambda u: wishes.choices(u)),
        "wishes.my_answer": (cad, lambda u: wishes.my_answer(u, col.id)),
        "wishes.save_answer": (cad, lambda u: wishes.save_answer(u, col.id, [], [])),
        "wishes.answers": (adm, lambda u: wishes.answers(u, col.id)),
        "wishes.reminder_list": (adm, lambda u: wishes.reminder_list(u, col.id)),
        "wishes.reminder_xlsx": (adm, lambda u: wishes.reminder_xlsx(u, col.id)),
        "wishes.wishes_as_inputs": (("admin", "planner"), lambda u: wishes.wishes_as_inputs(u)),
        "acknowledge.my_status": (cad, lambda u: acknowledge.my_status(u)),
        "acknowledge.acknowledge": (cad, lambda u: acknowledge.acknowledge(u)),
        "acknowledge.overview": (adm, lambda u: acknowledge.overview(u)),
        "home.my_class": (cad, lambda u: home.my_class(u)),
        "evidence.attach": (("admin", "cadre"), lambda u: evidence.attach(u, mine[2], f"{u.role}.png",
                                                                            _png() + u.role.encode())),
        "evidence.list_attachments": (("admin", "cadre", "college"), lambda u: evidence.list_attachments(u, mine, inputs)),
        "evidence.open_attachment": (("admin", "cadre"), lambda u: evidence.open_attachment(u, att, inputs)),
        "review.entries": (rev, lambda u: review.entries(u, inputs)),
        "review.confirm": (rev, lambda u: review.confirm(u, inputs, college_ids[:1])),
        "review.return_entry": (rev, lambda u: review.return_entry(u, inputs, college_ids[1], "矩阵")),
        "ledger.entry_status": (("admin", "cadre"), lambda u: ledger.entry_status(u, me.cadre_id)),
        "ledger.resubmit_activity": (("admin", "cadre"), lambda u: ledger.resubmit_activity(u, mine[1], check)),
        "ledger.withdraw_activity": (("admin", "cadre"), lambda u: ledger.withdraw_activity(u, mine[3], "矩阵")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_cadre_entry_point_as_every_role(demo_db, role):
    from services.access import AccessDenied
    from store.errors import NotFound

    user = demo_user(role)
    outcome = {}
    calls = _calls(role)
    for name, (allowed, call) in calls.items():
        try:
            call(user)
            outcome[name] = True
        except (AccessDenied, NotFound):
            outcome[name] = False
    expected = {name: role in allowed for name, (allowed, _) in calls.items()}
    assert outcome == expected
