"""Download file names follow the page's language and never carry an internal round id (issue 17):
in English mode every file offered for download has an English name; a round's files name it by its
number and version (#N vK → round2-v2 / 第2轮v2)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.elements.widgets import button
from streamlit.testing.v1 import AppTest

from services import round_lifecycle as lifecycle
from services import round_solve as solving
from tests.fixtures_app import demo_user, run_page
from tests.test_app_rounds import solved_round
from ui.rounds.state import Keys as RoundKeys

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def names(monkeypatch) -> list[str]:
    """Every file name a download button offers while a page runs."""
    seen: list[str] = []
    real = button.marshall_file

    def spy(coordinates, data, proto, mimetype, file_name=None, **kw):
        seen.append(file_name)
        return real(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(button, "marshall_file", spy)
    return seen


def _page(page: str, role: str, as_role, lang: str, **state) -> AppTest:
    st.cache_data.clear()
    at = run_page(as_role, f"pages/{page}", role, lang, state)
    assert not at.exception, at.exception
    return at


@pytest.fixture
def revised(demo_db) -> int:
    """Round #2 v2: a revision whose internal id (3) is neither its number nor its version."""
    admin = demo_user("admin")
    rid = solved_round()
    v2 = lifecycle.revise(admin, rid, result=solving.stored_result(solving.cached_result(rid)))
    assert v2 != 2 and lifecycle.round_label(lifecycle.get_round(admin, v2)) == "#2 v2"
    return v2


@pytest.mark.parametrize("section", ["review", "publish", "roundtrip"])
def test_round_files_are_named_by_number_and_version_in_the_page_language(revised, as_role, names, section):
    for lang, label in (("en", "round2-v2"), ("zh", "第2轮v2")):
        names.clear()
        _page("rounds.py", "admin", as_role, lang, **{RoundKeys.PICK: revised, RoundKeys.SECTION: section})
        assert names, f"{section}: no download offered"
        for n in names:
            assert label in n, (lang, n)
            assert not re.search(rf"(?<![\dv]){revised}(?!\d)", n.replace(label, "")), (lang, n)   # no internal id
            if lang == "en":
                assert not CJK.search(n), n


@pytest.mark.parametrize(("page", "role"), [("coverage.py", "college"), ("ledger.py", "cadre"),
                                            ("confirm.py", "college"), ("data.py", "admin"),
                                            ("wish_rounds.py", "admin")])
def test_every_download_has_an_english_name_in_english_mode(demo_db, as_role, names, page, role):
    if page == "wish_rounds.py":
        from services import wishes
        wishes.open_collection(demo_user("admin"), "意向征集", datetime.now(UTC) + timedelta(days=3), 3)
    _page(page, role, as_role, "en")
    assert names, f"{page}: no download offered"
    chinese = [n for n in names if CJK.search(n or "")]
    assert not chinese, chinese
    names.clear()
    _page(page, role, as_role, "zh")
    assert all(n for n in names)


def test_the_audit_log_export_is_named_in_the_page_language(demo_db, as_role, names, monkeypatch):
    import ui.audit
    import ui.i18n

    for lang, word in (("zh", "审计日志_"), ("en", "audit-log_")):
        names.clear()
        # AppTest formats the filter boxes' options outside the script too: the language must agree there
        monkeypatch.setattr(ui.i18n, "lang", lambda lang=lang: lang)
        monkeypatch.setattr(ui.audit, "lang", lambda lang=lang: lang)
        at = _page("audit.py", "admin", as_role, lang)
        at.button(key="audit_prepare").click().run()
        assert not at.exception, at.exception
        assert names and all(n.startswith(word) and n.endswith(".xlsx") for n in names), names
        assert all(bool(CJK.search(n)) == (lang == "zh") for n in names), names
