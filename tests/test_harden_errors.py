"""A database error while a page draws (issue 18): the user reads one sentence with an error id —
no traceback, no SQL, no bound parameters (personal data) — and the server log holds the whole
trace under the same id.

The pages are opened through app.py (as in production: its navigation runs every page inside
`ui.feedback.user_errors`), with one store function made to raise SQLAlchemy's OperationalError
whose message carries the SQL and a parameter.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SQL = "SELECT cadres.name, cadres.unit FROM cadres WHERE cadres.cadre_id = ?"
SECRET = "19860133-邱婷霞-身份证110101199001011234"
INCIDENT = re.compile(r"(?:错误编号|error id:?)\s*([0-9a-f]{8})")

# page, role, the store function the page's service calls while drawing
CASES = [("pages/rounds.py", "admin", "store.rounds", "list_rounds"),
         ("pages/audit.py", "admin", "store.audit", "audit_vocabulary"),
         ("pages/ledger.py", "cadre", "store.ledger", "reviews"),
         ("pages/home.py", "leader", "store.data", "counts")]


CALLS: list[str] = []


def _boom(*_a, **_k):
    CALLS.append("boom")
    raise OperationalError(SQL, (SECRET,), Exception("database is locked"))


def _texts(at: AppTest) -> list[str]:
    """Every text the page put on screen (element bodies, labels, values, exception traces)."""
    from streamlit.testing.v1.element_tree import Element

    out = []
    for node in at._tree:
        if isinstance(node, Element):
            out.append(str(node.proto))
    return out


@pytest.mark.parametrize(("page", "role", "module", "func"), CASES, ids=[c[0].split("/")[1][:-3] for c in CASES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_database_error_is_one_sentence_with_an_id(demo_db, as_role, monkeypatch, caplog, page, role, module,
                                                     func, lang):
    import importlib

    from streamlit.runtime.pages_manager import PagesManager

    # as server.py does: app.py's navigation only, never the v1 pages/ layout (AppTest resets the flag each run)
    init = PagesManager.__init__

    def init_v2(self, *a, **k):
        PagesManager.uses_pages_directory = False
        init(self, *a, **k)

    monkeypatch.setattr(PagesManager, "__init__", init_v2)
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(importlib.import_module(module), func, _boom)
    CALLS.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    as_role(at, role)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    with caplog.at_level(logging.ERROR, logger="yixian"):
        at.run()
    assert CALLS, f"{page} never called {module}.{func}: the test forced nothing"
    assert not at.exception, "a traceback reached the user"
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    ids = INCIDENT.findall(errors[0].replace("\\", ""))
    assert len(ids) == 1, errors[0]
    shown = "\n".join(_texts(at))
    for leak in (SECRET, "SELECT", "cadres.cadre_id", "Traceback", "OperationalError", "database is locked"):
        assert leak not in shown, f"{leak!r} shown to the user"
    traced = [r for r in caplog.records if ids[0] in r.getMessage()]
    assert len(traced) == 1 and traced[0].exc_info is not None, [r.getMessage() for r in caplog.records]
    assert traced[0].exc_info[0] is OperationalError
    assert SQL in caplog.text and "Traceback" in caplog.text          # the whole trace, for the administrator


def test_streamlit_itself_shows_no_trace_either():
    """An error outside our wrapper (a fragment's own rerun, a callback) falls back to Streamlit's
    exception display: with the repository's config it shows no message, no type and no trace."""
    import os
    import subprocess
    import sys

    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "from streamlit.elements.exception import _error_detail_visibility as v; "
            "r = v(True); print(r.show_message, r.show_trace, r.show_type)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HOME": str(ROOT / "var")}, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False False"


def test_the_coverage_dashboard_reports_its_own_errors(demo_db, as_role, monkeypatch, caplog):
    """The dashboard is a fragment that reruns on its own every few seconds, outside app.py's
    wrapper: an error there is still one sentence with an id (here the page is run alone, which
    is what such a rerun amounts to)."""
    from services import coverage

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(coverage, "view", _boom)
    CALLS.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "coverage.py"), default_timeout=90)
    as_role(at, "leader")
    with caplog.at_level(logging.ERROR, logger="yixian"):
        at.run()
    assert CALLS and not at.exception, "a traceback reached the user"
    ids = INCIDENT.findall(" ".join(e.value for e in at.error).replace("\\", ""))
    assert len(ids) == 1 and ids[0] in caplog.text and SQL in caplog.text
    assert SECRET not in "\n".join(_texts(at))
