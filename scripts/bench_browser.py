"""Browser timings of the demo: login → home, page switches, Coverage first render and a filter change.

Starts `streamlit run server.py` (the app behind its login page) on 127.0.0.1 with a fresh demo
database through tests/e2e/apps.py `demo_server` (the e2e tests' own server start), drives Debian's
Chromium with Playwright (the flags of tests/e2e/conftest.py) and prints one table: each step's
median and worst time over --repeat runs against its goal (issue 17). A step ends when the app's running indicator is
gone and the step's own element is on screen, so the figure is what a person waits, not a fixed pause.

    .venv/bin/python scripts/bench_browser.py [--repeat 3] [--role admin]

The machine is shared: the script prints `uptime` first, read the figures with it.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.apps import demo_server, stop
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORDS

# (step, goal in seconds)
GOALS = {"login → home": 2.0, "page switch": 1.0, "coverage first render": 1.0, "coverage filter change": 1.0}
PAGES = ["数据管理", "分配轮次", "情景推演", "首页"]


def idle(page) -> None:
    """The rerun finished: the running indicator is gone (checked twice, a rerun may start late)."""
    for _ in range(2):
        page.wait_for_timeout(100)
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def one_run(browser, base: str, role: str, out: dict[str, list[float]]) -> None:
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    page.goto(base)
    page.get_by_label("用户名").fill(role)
    page.get_by_label("密码").fill(DEMO_PASSWORDS[role])

    def login():
        page.get_by_role("button", name="登录").click()
        page.get_by_role("button", name="退出登录").wait_for()
        idle(page)
    out["login → home"].append(timed(login))
    nav = page.get_by_test_id("stSidebarNav")
    for title in PAGES:
        def switch(title=title):
            nav.get_by_text(title, exact=True).click()
            page.wait_for_timeout(50)
            idle(page)
        out["page switch"].append(timed(switch))

    def coverage():
        nav.get_by_text("覆盖与合规", exact=True).click()
        page.get_by_test_id("stMetric").filter(has_text="本周面对面达标率").wait_for()
        page.locator(".vega-embed").first.wait_for()
        idle(page)
    out["coverage first render"].append(timed(coverage))

    def filter_change():
        page.get_by_role("combobox", name="层级", exact=True).click()
        page.get_by_role("option", name="中层正职", exact=True).click()
        page.wait_for_timeout(50)
        idle(page)
    out["coverage filter change"].append(timed(filter_change))
    ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--role", default="admin", choices=["admin"])   # the one role that sees every page timed
    args = ap.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {k: [] for k in GOALS}
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, _ = demo_server(Path(tmp), timeout=90)   # the e2e tests' server start
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                for _ in range(args.repeat):
                    one_run(browser, base, args.role, out)
                browser.close()
        finally:
            stop(proc)
    print(f"{'step':26} {'n':>3} {'median s':>9} {'worst s':>8} {'goal s':>7} {'median/goal':>12}")
    for step, goal in GOALS.items():
        xs = out[step]
        med = statistics.median(xs)
        print(f"{step:26} {len(xs):3d} {med:9.2f} {max(xs):8.2f} {goal:7.1f} {med / goal:11.1f}x")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
