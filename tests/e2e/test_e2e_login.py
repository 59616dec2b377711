"""Real browser: login page and session cookie, deep links, refresh, restart, lockout, logout,
role navigation, and no request leaving 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.e2e.apps import copy_database, free_port, start_app, stop
from tests.e2e.conftest import DEMO_PASSWORDS, login
from ui.nav import PAGES, ROOT, pages_for

pytestmark = pytest.mark.e2e


def _fill(page, username, password):
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_deep_link_without_login_goes_to_login_then_lands_on_the_page(app_server, page):
    base, _ = app_server
    page.goto(f"{base}/coverage")
    page.get_by_label("用户名").wait_for()
    assert "/auth/login?next=/coverage" in page.url
    assert page.get_by_text("班级覆盖率").count() == 0
    _fill(page, "leader", DEMO_PASSWORDS["leader"])
    page.get_by_text("班级覆盖率").first.wait_for(timeout=60_000)
    assert page.url == f"{base}/coverage"
    cookie = next(c for c in page.context.cookies() if c["name"] == "yixian_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("yixian_session") == -1     # invisible to scripts


@pytest.mark.parametrize("username", ["admin", "cadre"])
def test_login_shows_role_navigation(app_server, page, username):
    base, _ = app_server
    login(page, base, username)
    nav = page.get_by_test_id("stSidebarNav")
    visible = [p.title_zh for p in pages_for(username)]
    hidden = [p.title_zh for p in PAGES if (ROOT / p.path).exists() and p.title_zh not in visible]
    for title in visible:
        nav.get_by_text(title, exact=True).first.wait_for()
    for title in hidden:
        assert nav.get_by_text(title, exact=True).count() == 0


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_refresh_keeps_the_session_and_page_not_found_never_shows(app_server, browser, locale):
    base, _ = app_server
    ctx = browser.new_context(locale=locale)
    page = ctx.new_page()
    login(page, base, "cadre")
    for path in ("/ledger", "/data", "/no-such-page", "/rounds"):
        page.goto(base + path)
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.get_by_text("Page not found").count() == 0 and page.get_by_text("找不到").count() == 0
        if path in ("/data", "/rounds"):
            assert page.get_by_text("您的角色无权访问此页面").count() == 1
    page.reload()
    page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
    ctx.close()


def test_every_request_stays_on_127_0_0_1(app_server, page):
    base, _ = app_server
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, base, "admin")
    for p in pages_for("admin"):
        page.goto(f"{base}/{'' if p.path == 'pages/home.py' else p.path[6:-3]}")
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
    outside = sorted({u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))})
    assert len(requests) > 20 and outside == []


def test_five_wrong_passwords_lock_the_account(app_server, page):
    base, env = app_server
    import os

    from sqlalchemy.orm import Session

    from store.auth import create_user
    from store.engine import make_engine

    engine = make_engine(f"sqlite:///{env['YIXIAN_DB_PATH']}")
    with Session(engine) as s, s.begin():
        create_user(s, "lock-e2e", "right-password-1", "leader", "Lock test", "test")
    engine.dispose()
    assert os.environ.get("YIXIAN_LOGIN_MAX_FAILURES", "5") == "5"
    page.goto(base)
    for i in range(5):
        _fill(page, "lock-e2e", f"wrong-{i}")
        page.get_by_text("用户名或密码错误").wait_for()
    _fill(page, "lock-e2e", "right-password-1")
    page.get_by_text("连续 5 次错误后账号将被锁定 15 分钟").wait_for()
    assert page.get_by_role("button", name="退出登录").count() == 0 and "/auth/login" in page.url


def test_logout_ends_the_session_everywhere(app_server, browser, page):
    base, _ = app_server
    login(page, base, "leader")
    other = browser.new_context(storage_state=page.context.storage_state())
    tab2 = other.new_page()
    tab2.goto(f"{base}/coverage")
    tab2.get_by_role("button", name="退出登录").wait_for(timeout=60_000)    # same cookie, second tab
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("您已退出登录").wait_for(timeout=30_000)
    assert not any(c["name"] == "yixian_session" for c in page.context.cookies())
    tab2.get_by_text("English", exact=True).click()               # the next click in the other tab …
    tab2.get_by_label("用户名").wait_for(timeout=60_000)          # … lands on the login page
    other.close()


@pytest.mark.slow
def test_session_survives_an_app_process_restart(app_server, browser, tmp_path):
    _, env = app_server
    env = copy_database(env, tmp_path)
    port = free_port()
    proc = start_app(env, port, tmp_path / "restart.log")
    base = f"http://127.0.0.1:{port}"
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    try:
        login(page, base, "planner")
        stop(proc)
        proc = start_app(env, port, tmp_path / "restart.log")
        page.goto(f"{base}/scenarios")
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        assert "/auth/login" not in page.url
    finally:
        ctx.close()
        stop(proc)


@pytest.mark.slow
def test_an_idle_session_ends_and_the_next_click_asks_for_login(app_server, browser, tmp_path):
    """With a 6-second idle limit (YIXIAN_SESSION_IDLE_MINUTES=0.1): a click after 8 s idle lands on
    the login page, and logging in again returns to the page."""
    _, env = app_server
    env = dict(copy_database(env, tmp_path), YIXIAN_SESSION_IDLE_MINUTES="0.1")
    port = free_port()
    proc = start_app(env, port, tmp_path / "idle.log")
    base = f"http://127.0.0.1:{port}"
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    try:
        login(page, base, "leader")
        page.goto(f"{base}/coverage")
        page.get_by_text("班级覆盖率").first.wait_for(timeout=60_000)
        page.wait_for_timeout(8000)
        page.get_by_text("English", exact=True).click()
        page.get_by_label("用户名").wait_for(timeout=60_000)
        assert "next=/coverage" in page.url
        _fill(page, "leader", DEMO_PASSWORDS["leader"])
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        assert page.url == f"{base}/coverage"
    finally:
        ctx.close()
        stop(proc)
