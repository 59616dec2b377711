"""Every page refuses to render without login, even when run directly (deep link on a fresh server)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from ui.nav import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def test_every_page_file_is_registered():
    registered = {p.path for p in PAGES}
    assert PAGE_FILES, "no page files found"
    assert set(PAGE_FILES) <= registered


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_refuses_without_login(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["请先登录。"]
    # Nothing else of the page was drawn: no tables, metrics, charts, inputs or buttons.
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and len(at.button) == 0
    assert len(at.text_input) == 0 and len(at.selectbox) == 0 and len(at.get("arrow_vega_lite_chart")) == 0


ALL_ROLES = ("admin", "leader", "planner", "college", "cadre")
RESTRICTED = [p.path for p in PAGES if (ROOT / p.path).exists() and set(ALL_ROLES) - set(p.roles)]


@pytest.mark.parametrize("page", RESTRICTED)
def test_page_refuses_wrong_role(demo_db, as_role, page):
    allowed = next(p.roles for p in PAGES if p.path == page)
    others = [r for r in ALL_ROLES if r not in allowed]
    at = as_role(AppTest.from_file(str(ROOT / page), default_timeout=30), others[0])
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"]
    assert len(at.dataframe) == 0 and len(at.button) == 0


def test_a_user_object_without_a_session_opens_nothing(demo_db):
    """Only a server-side session counts: a user put into session_state by itself is not a login."""
    at = AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=30)
    at.session_state["user"] = SimpleNamespace(id=1, username="admin", display_name="X", role="admin",
                                               college=None, cadre_id=None, must_change_password=False)
    at.run()
    assert [w.value for w in at.warning] == ["请先登录。"] and len(at.button) == 0
    assert "user" not in at.session_state


def test_deactivation_and_role_change_apply_on_the_next_click(demo_db, as_role):
    from services.db import session_scope
    from store import accounts
    from store.auth import set_active

    at = as_role(AppTest.from_file(str(ROOT / "pages/data.py"), default_timeout=30), "admin").run()
    assert not at.error and not at.warning
    with session_scope() as s:
        accounts.update_user(s, "admin", "test", role="leader")
    at.run()
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"]
    assert at.session_state["user"].role == "leader"
    with session_scope() as s:
        set_active(s, "admin", False, "test")
    at.run()
    assert [w.value for w in at.warning] == ["请先登录。"]
    assert "session_token" not in at.session_state and "user" not in at.session_state


def test_a_reset_password_forces_the_change_first(demo_db, as_role):
    from services.db import session_scope
    from store import accounts
    from tests.fixtures_app import open_session

    with session_scope() as s:
        accounts.reset_password(s, "planner", "admin")
    at = AppTest.from_file(str(ROOT / "pages/scenarios.py"), default_timeout=30)
    at.session_state["session_token"] = open_session("planner")
    at.run()
    assert [w.value for w in at.warning] == ["请先修改初始密码。"] and len(at.button) == 0
