"""Playwright against a real `streamlit run` on 127.0.0.1, with Debian's Chromium.

One server per test session on a fresh SQLite database bootstrapped with the demo university.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.apps import demo_server, stop

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# Screenshots go to a temp folder unless YIXIAN_SCREENSHOTS_DIR is set (e.g. docs/screenshots to
# refresh the committed ones), so a test run never dirties the work tree.
SHOTS = Path(os.environ.get("YIXIAN_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "yixian-screenshots").resolve()
SHOTS.mkdir(parents=True, exist_ok=True)
DEMO_PASSWORDS = {"admin": "yixian-admin", "leader": "yixian-leader", "planner": "yixian-planner",
                  "college": "yixian-college", "cadre": "yixian-cadre"}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """Yields (base_url, env) of a running app; env points at its database for direct store writes."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: run `make test` (installs Debian chromium)")
    try:
        proc, base, env = demo_server(tmp_path_factory.mktemp("e2e"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield base, env
    stop(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def login(page, base_url: str, username: str, password: str | None = None) -> None:
    """Log in through the real login page (an HTTP form that sets the session cookie) and wait
    for the app with the role's navigation to appear."""
    page.goto(base_url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or DEMO_PASSWORDS[username])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出登录").wait_for()


def settled(page) -> None:
    """The rerun finished: Streamlit's running indicator is gone (twice: a rerun may start late)."""
    for _ in range(2):
        page.wait_for_timeout(300)
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)


def use_language(page, lang: str) -> None:
    """Switch a logged-in page to English with the sidebar toggle (Chinese is the default)."""
    settled(page)
    if lang == "en":
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        page.get_by_role("button", name="Log out").wait_for()
        settled(page)


def confirm_publish(page) -> None:
    """On the Rounds page's 发布与导出 section: tick the confirmations (the warnings' only when one applies
    to the date) and press 发布."""
    page.get_by_text("我确认发布").wait_for()
    warnings_ok = page.get_by_text("我已了解以上提醒")
    if warnings_ok.count():
        warnings_ok.click()
    page.get_by_text("我确认发布").click()
    page.get_by_role("button", name="发布", exact=True).click()

