"""AppTest: app.py with a server-side session per role (the login form itself is HTTP: test_accounts_http)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.nav import pages_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ROLES = ("admin", "leader", "planner", "college", "cadre")


def _app(as_role, role: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        as_role(at, role)
    return at.run()


@pytest.mark.parametrize("role", ROLES)
def test_session_per_role_opens_the_app(demo_db, as_role, role):
    at = _app(as_role, role)
    assert not at.exception
    user = at.session_state["user"]
    assert user.role == role and user.username == role
    # The home page is drawn for everyone; the sidebar shows who is logged in (as text, not Markdown).
    assert any("一线" in t.value for t in at.title)
    assert any(user.display_name in t.value for t in at.sidebar.text)
    assert pages_for(role)[0].path == "pages/home.py"
    assert ("pages/users.py" in [p.path for p in pages_for(role)]) == (role == "admin")
    assert any("演示模式" in i.value for i in at.info)                  # the home page names the mode


def test_without_a_session_only_the_login_link_shows(demo_db, as_role):
    at = _app(as_role, None)
    assert not at.exception
    assert [w.value for w in at.warning] == ["请先登录。"]
    bodies = [h.proto.body for h in at.get("html")]
    assert '<a href="/auth/login?next=/">前往登录</a>' in bodies
    assert '<script>window.location.replace("/auth/login?next=/");</script>' in bodies
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.sidebar.button) == 0


def test_home_says_production_mode(demo_db, as_role, monkeypatch):
    monkeypatch.setenv("YIXIAN_ENV", "production")
    at = _app(as_role, "leader")
    assert any("生产模式" in c.value for c in at.caption) and not any("演示模式" in i.value for i in at.info)


def test_english_labels(demo_db, as_role):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at = as_role(at, "leader").run()
    assert at.sidebar.button(key="logout").label == "Log out"
    assert at.sidebar.radio(key="lang_radio").value == "English"


def test_logout_ends_the_server_session_and_clears_the_whole_session_state(demo_db, as_role):
    from services.auth import resume

    at = _app(as_role, "admin")
    token = at.session_state["session_token"]
    at.session_state["data_upload_parsed"] = {"cadres": "parsed rows"}   # e.g. an admin's parsed upload
    at.sidebar.button(key="logout").click().run()
    assert not at.exception
    assert resume(token) is None
    assert "data_upload_parsed" not in at.session_state and "user" not in at.session_state
    assert "session_token" not in at.session_state and at.session_state["logged_out"] is True
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    assert [w.value for w in at.warning] == ["请先登录。"]
    assert '<script>window.location.replace("/auth/logout");</script>' in [h.proto.body for h in at.get("html")]


def test_a_forced_password_change_comes_first_then_the_app_opens(demo_db, as_role):
    from services.db import session_scope
    from store import accounts

    with session_scope() as s:
        one_time = accounts.reset_password(s, "leader", "admin")
    at = _app(as_role, "leader")
    assert not at.exception
    assert any(t.value == "我的账号" for t in at.title)
    at.text_input(key="pw_old").input(one_time)
    at.text_input(key="pw_new").input("password123")
    at.text_input(key="pw_again").input("password123")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["密码不符合要求"]
    assert any("常见密码" in t.value for t in at.text)            # the broken rule, in the details
    at.text_input(key="pw_old").input(one_time)
    at.text_input(key="pw_new").input("leader-own-secret")
    at.text_input(key="pw_again").input("leader-own-secret")
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["密码已修改。"]
    assert at.session_state["user"].must_change_password is False
    from services.auth import login
    assert login("leader", "leader-own-secret") is not None and login("leader", one_time) is None
