"""AppTest: the login form, per role, through app.py (st.navigation built from the role)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.nav import pages_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PASSWORDS = {"admin": "yixian-admin", "leader": "yixian-leader", "planner": "yixian-planner",
             "college": "yixian-college", "cadre": "yixian-cadre"}


def _login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


@pytest.mark.parametrize("role", list(PASSWORDS))
def test_login_per_role(demo_db, role):
    at = _login(role, PASSWORDS[role])
    assert not at.exception
    user = at.session_state["user"]
    assert user.role == role and user.username == role
    # The home page is drawn for everyone; the sidebar shows who is logged in.
    assert any("一线" in t.value for t in at.title)
    assert any(user.display_name in m.value for m in at.sidebar.markdown)
    assert pages_for(role)[0].path == "pages/home.py"


def test_wrong_password_is_refused(demo_db):
    at = _login("admin", "wrong-password")
    assert not at.exception
    assert "user" not in at.session_state
    assert [e.value for e in at.error] == ["用户名或密码错误。"]


def test_unknown_user_is_refused(demo_db):
    at = _login("nobody", "yixian-admin")
    assert "user" not in at.session_state
    assert [e.value for e in at.error] == ["用户名或密码错误。"]


def test_english_toggle(demo_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="lang_radio").set_value("English").run()
    assert at.session_state["lang"] == "en"
    assert at.button[0].label == "Log in"


def test_logout(demo_db):
    at = _login("leader", PASSWORDS["leader"])
    at.sidebar.button(key="logout").click().run()
    assert "user" not in at.session_state
    assert not at.exception
    # Nothing of the logged-in app remains: no metrics or tables, only the login form or the guard's notice.
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    assert [t.label for t in at.text_input] == ["用户名", "密码"] or [w.value for w in at.warning] == ["请先登录。"]
