"""Downloads of personal data are audit entries (issue 18): who, when, what (kind, round/year/cadre,
rows, format) — recorded when the download button is clicked — and the audit viewer says so in
words, in both languages. Each table that lost Streamlit's toolbar CSV has its own audited xlsx.
"""
from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from common import vocabulary
from tests.fixtures_app import demo_user, run_page
from ui.confirm.state import Keys as ConfirmKeys
from ui.coverage.state import Keys as CoverageKeys
from ui.coverage.state import Tabs as CoverageTabs
from ui.ledger.state import Keys as LedgerKeys
from ui.rounds.state import Keys as RoundKeys
from ui.wishes.state import Keys as WishKeys

ROOT = Path(__file__).resolve().parent.parent


def _downloads(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("select actor, action, entity, entity_id, after, at from audit_log "
                           "where action = 'download' order by id").fetchall()
    finally:
        con.close()
    return [{"actor": a, "action": b, "entity": c, "about": d, "after": json.loads(e or "{}"), "at": f}
            for a, b, c, d, e, f in rows]


def _page(page: str, role: str, as_role, state: dict | None = None, lang: str = "zh") -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()
    return run_page(as_role, f"pages/{page}", role, lang, state)


def _published_round(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        rid = con.execute("select id from assignment_rounds where status = 'published'").fetchone()[0]
        n = con.execute("select count(*) from assignments where round_id = ?", (rid,)).fetchone()[0]
        return rid, n
    finally:
        con.close()


def _click(at: AppTest, key: str) -> AppTest:
    at.download_button(key=key).click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize(("key", "kind"), [("export_official", "official_list"),
                                           ("export_publicity", "publicity_list"),
                                           ("export_assignment", "assignment_file")])
def test_official_and_publicity_lists_are_logged(demo_db, as_role, key, kind):
    rid, n = _published_round(demo_db)
    at = _page("rounds.py", "admin", as_role, {RoundKeys.PICK: rid, RoundKeys.SECTION: "publish"})
    assert _downloads(demo_db) == []                 # drawing the button is not a download
    _click(at, key)
    [entry] = _downloads(demo_db)
    assert (entry["actor"], entry["entity"], entry["about"]) == ("admin", kind, str(rid))
    assert entry["after"] == {"rows": n, "format": "xlsx", "draft": False} and entry["at"]


def test_the_review_table_is_our_own_audited_xlsx(demo_db, as_role):
    rid, n = _published_round(demo_db)
    at = _page("rounds.py", "planner", as_role, {RoundKeys.PICK: rid})
    _click(at, RoundKeys.REVIEW_DOWNLOAD)
    [entry] = _downloads(demo_db)
    assert (entry["actor"], entry["entity"], entry["about"], entry["after"]["rows"]) == ("planner", "review_table",
                                                                                          str(rid), n)


def test_the_round_trip_review_file_is_logged(demo_db, as_role):
    """The Excel round trip's review file holds every cadre's pair and reasons: its download is an audit
    entry like the review table's."""
    rid, n = _published_round(demo_db)
    at = _page("rounds.py", "planner", as_role, {RoundKeys.PICK: rid, RoundKeys.SECTION: "roundtrip"})
    assert _downloads(demo_db) == []                      # drawing the button is not a download
    _click(at, RoundKeys.ROUNDTRIP_DOWNLOAD)
    [entry] = _downloads(demo_db)
    assert (entry["actor"], entry["entity"], entry["about"], entry["after"]["rows"]) == ("planner", "review_table",
                                                                                          str(rid), n)


@pytest.mark.parametrize(("key", "kind", "fmt", "tab"),
                         [(CoverageKeys.DL_REMINDERS, "reminders", "xlsx", CoverageTabs.REMINDERS),
                          (CoverageKeys.DL_REPORT, "annual_report", "xlsx", CoverageTabs.REMINDERS),
                          (CoverageKeys.DL_REPORT_PDF, "annual_report", "pdf", CoverageTabs.REMINDERS),
                          (CoverageKeys.DL_CADRES, "coverage_cadres", "xlsx", CoverageTabs.CADRES),
                          (CoverageKeys.DL_ACTIVITIES, "cadre_activities", "xlsx", CoverageTabs.CADRES)])
def test_coverage_downloads_are_logged(demo_db, as_role, key, kind, fmt, tab):
    at = _page("coverage.py", "college", as_role, {CoverageKeys.TAB: tab[0]})
    _click(at, key)
    [entry] = _downloads(demo_db)
    assert (entry["actor"], entry["entity"], entry["after"]["format"]) == ("college", kind, fmt)
    assert entry["after"]["rows"] > 0 and entry["about"]
    if kind == "annual_report":
        assert entry["about"].endswith(("学年", "年度"))       # which year
    if kind == "cadre_activities":
        assert entry["about"] == at.session_state[CoverageKeys.CADRE]


def test_a_cadres_ledger_and_the_colleges_review_table_are_logged(demo_db, as_role):
    me = demo_user("cadre")
    _click(_page("ledger.py", "cadre", as_role), LedgerKeys.DOWNLOAD)
    _click(_page("confirm.py", "college", as_role), ConfirmKeys.DOWNLOAD)
    ledger, confirm = _downloads(demo_db)
    assert (ledger["actor"], ledger["entity"], ledger["about"]) == ("cadre", "ledger_table", me.cadre_id)
    assert (confirm["actor"], confirm["entity"], confirm["about"]) == ("college", "confirm_table",
                                                                       demo_user("college").college)
    assert ledger["after"]["rows"] > 0 and confirm["after"]["rows"] > 0


def test_wish_reminders_and_one_time_passwords_are_logged(demo_db, as_role):
    from services import wishes

    col = wishes.open_collection(demo_user("admin"), "意向征集", datetime.now(UTC) + timedelta(days=3), 3)
    _click(_page("wish_rounds.py", "admin", as_role), WishKeys.DL_REMINDERS)
    made = [{"username": "new1", "display_name": "新账号", "role": "cadre", "password": "x" * 16}]
    _click(_page("users.py", "admin", as_role, {"users_credentials": made}), "creds_download")
    wish, creds = _downloads(demo_db)
    assert (wish["entity"], wish["about"]) == ("wish_reminders", str(col.id)) and wish["after"]["rows"] > 0
    assert (creds["entity"], creds["after"]["rows"]) == ("initial_passwords", 1)
    assert "x" * 16 not in json.dumps(creds)                # the log names the download, never the passwords


def test_the_table_file_is_text_with_the_headers_shown():
    import pandas as pd

    from services import downloads

    data = downloads.table_xlsx(pd.DataFrame({"姓名": ["=1+1", "张三"], "次数": [1, 2]}), "台账")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == ["姓名", "次数"]
    assert ws["A2"].data_type == "s" and ws["B2"].value == 1


def test_unknown_kinds_are_refused(demo_db):
    from common.errors import YixianError
    from services import downloads

    with pytest.raises(YixianError):
        downloads.record(demo_user("admin"), "everything", rows=1)
    assert _downloads(demo_db) == []


@pytest.mark.parametrize(("lang", "words"), [("zh", "下载 公示名单"), ("en", "downloaded publicity list")])
def test_the_audit_viewer_says_it_in_words(demo_db, as_role, lang, words):
    rid, n = _published_round(demo_db)
    _click(_page("rounds.py", "admin", as_role, {RoundKeys.PICK: rid, RoundKeys.SECTION: "publish"}),
           "export_publicity")
    at = _page("audit.py", "admin", as_role, lang=lang)
    assert not at.exception
    what = "操作" if lang == "zh" else "What"
    table = next(d.value for d in at.dataframe if what in d.value.columns)
    row = table.loc[table[what].str.startswith(words)]
    assert len(row) == 1, list(table[what][:5])
    assert row[what].iloc[0] == f"{words} {rid}"
    assert str(n) in row["修改后" if lang == "zh" else "After"].iloc[0]
    assert vocabulary.label(vocabulary.AUDIT_ACTIONS, "download", lang) in words


def test_the_data_browser_download_is_logged(demo_db, as_role):
    from ui.data.state import Keys as DataKeys

    at = _page("data.py", "admin", as_role, {DataKeys.BROWSE_KIND: "cadres"})
    _click(at, DataKeys.BROWSE_DOWNLOAD)
    [entry] = _downloads(demo_db)
    con = sqlite3.connect(demo_db)
    n = con.execute("select count(*) from cadres").fetchone()[0]
    con.close()
    assert (entry["actor"], entry["entity"], entry["after"]["rows"]) == ("admin", "cadres", n)


def test_saving_an_evidence_file_is_logged(demo_db, as_role):
    from services import compliance_view as cv
    from services import evidence

    me = demo_user("cadre")
    inputs = cv.load_inputs()
    aid = inputs.ledger.loc[inputs.ledger["cadre_id"] == me.cadre_id, "activity_id"].iloc[0]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    att = evidence.attach(me, aid, "签到表.pdf", pdf)
    at = _page("ledger.py", "cadre", as_role, {LedgerKeys.ENTRY_PICK: aid})
    opener = next(b for b in at.button if b.key and b.key.endswith(f"_open_{att}"))
    opener.click().run()
    saver = next(b for b in at.get("download_button") if b.key and b.key.endswith(f"_dl_{att}"))
    _click(at, saver.key)
    [entry] = _downloads(demo_db)
    assert (entry["actor"], entry["entity"], entry["about"]) == ("cadre", "attachment", str(att))
