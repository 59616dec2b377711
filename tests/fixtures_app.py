"""Fixtures for app-level tests (AppTest, services): a database holding the demo university.

The demo is bootstrapped once per test session (through the importer, as `make run` does, for the
pinned day `demo_facts.TEST_DAY` instead of today) into a template SQLite file; each test gets its own copy, selected through YIXIAN_DB_PATH, so tests can
write freely. Registered for the whole suite by the repository's root conftest.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from store.bootstrap import bootstrap
    from store.engine import make_engine
    from tests.demo_facts import TEST_DAY

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    bootstrap(engine, demo=True, say=lambda *_: None, today=TEST_DAY)   # the whole school year, pinned
    engine.dispose()
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database; services.db / AppTest pages use it."""
    from services.db import reset_engines

    path = tmp_path / "yixian.sqlite3"
    shutil.copy(_demo_template, path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("YIXIAN_DB_PATH", str(path))
    reset_engines()
    yield path
    reset_engines()


def demo_user(role: str):
    """The demo account of a role, as the login would put it into session_state['user']."""
    from services.db import session_scope
    from store.auth import get_user

    with session_scope() as s:
        return get_user(s, role)


def open_session(username: str) -> str:
    """A server-side session for an existing account, as the login page would open (its token)."""
    from services.db import session_scope
    from store.auth import get_user
    from store.sessions import create_session

    with session_scope() as s:
        return create_session(s, get_user(s, username), "password", "test")


@pytest.fixture
def as_role():
    """as_role(at, "admin") logs the demo user of that role into an AppTest's session: a real
    server-side session, its token in session_state as after a login (the guard re-reads it)."""
    def put(at, role: str):
        at.session_state["session_token"] = open_session(role)
        at.session_state["user"] = demo_user(role)
        return at
    return put


def run_page(as_role, page: str, role: str, lang: str = "zh", state: dict | None = None,
             timeout: float = 120):
    """One AppTest run of `page` (a path from the repository root) as the demo user of `role`, in
    `lang`, with `state` put into the session first (AppTest's widget setters format options in
    Chinese: in English, what a click would pick goes into the state)."""
    from streamlit.testing.v1 import AppTest

    from ui.i18n import LANG_KEY
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    as_role(at, role)
    at.session_state[LANG_KEY] = lang
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


__all__ = ["SimpleNamespace", "as_role", "college_user", "demo_db", "demo_user", "open_session", "run_page"]


def college_user(college: str):
    """A college account for `college` (created once per database): the demo's own college user is
    the first class's college, which need not be the one a test's case lives in."""
    import zlib

    from services.db import session_scope
    from store.auth import create_user, get_user

    username = f"college-{zlib.crc32(college.encode()):08x}"
    with session_scope() as s:
        return get_user(s, username) or create_user(s, username, "yixian-college", "college",
                                                    f"{college}（测试）", "test", college=college,
                                                    check_rules=False)


@pytest.fixture(scope="module")
def demo_frames():
    """The demo's scenario inputs (cadres, classes, wishes, rules, previous pairs) read from data/demo."""
    import importer
    from services import scenario_edits as edits
    from store.bootstrap import DEMO_DIR
    files = {k: DEMO_DIR / f for k, f in {"cadres": "cadres.xlsx", "classes": "classes.xlsx",
                                           "preferences": "preferences.csv", "constraints": "constraints.xlsx",
                                           "previous": "previous.csv"}.items()}
    b = importer.read_bundle(files)
    return {k: b[k] for k in edits.INPUT_KINDS}
