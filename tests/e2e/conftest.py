"""Playwright against a real `streamlit run` on 127.0.0.1, with Debian's Chromium.

One server per test session on a fresh SQLite database bootstrapped with the demo university.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.demo_facts import TEST_DAY

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """Yields (base_url, env) of a running app; env points at its database for direct store writes."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: run `make test` (installs Debian chromium)")
    workdir = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["YIXIAN_DB_PATH"] = str(workdir / "yixian.sqlite3")
    env["YIXIAN_DEMO_TODAY"] = TEST_DAY.isoformat()      # the demo bootstrapped for a pinned day, not the clock
    subprocess.run([sys.executable, "-m", "store.bootstrap"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    port = _free_port()
    log = open(workdir / "streamlit.log", "w")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not become healthy: " + (workdir / "streamlit.log").read_text()[-2000:])
    yield base, env
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


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
