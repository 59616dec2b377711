"""Real browser: login per role shows exactly that role's pages; a deep link without login is refused."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from ui.nav import PAGES, ROOT, pages_for

pytestmark = pytest.mark.e2e


def test_deep_link_without_login_is_refused(app_server, page):
    base, _ = app_server
    page.goto(f"{base}/data")
    # Refused either by app.py (only the login page is registered, so the login form is shown)
    # or by the page's own guard; either way none of the Data page is drawn.
    page.get_by_label("用户名").or_(page.get_by_text("请先登录").first).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("导入将整体替换").count() == 0
    assert page.get_by_text("模板下载").count() == 0
    assert page.get_by_role("button", name="退出登录").count() == 0


@pytest.mark.parametrize("username", ["admin", "cadre"])
def test_login_shows_role_navigation(app_server, page, username):
    base, _ = app_server
    login(page, base, username)
    nav = page.get_by_test_id("stSidebarNav")
    visible = [p.title_zh for p in pages_for(username)]
    hidden = [p.title_zh for p in PAGES if (ROOT / p.path).exists() and p.title_zh not in visible]
    if len(visible) == 1:
        # Streamlit draws no navigation for a single page; the page itself is shown.
        page.get_by_text("一线 · 领导干部担任班主任").first.wait_for()
        assert nav.count() == 0
        return
    for title in visible:
        nav.get_by_text(title, exact=True).first.wait_for()
    for title in hidden:
        assert nav.get_by_text(title, exact=True).count() == 0


def test_logout_returns_to_login(app_server, page):
    base, _ = app_server
    login(page, base, "leader")
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    assert page.get_by_role("button", name="退出登录").count() == 0
