"""Browser timings of the demo: login → home, page switches, Coverage first render and a filter change.

Starts `streamlit run server.py` (the app behind its login page) on 127.0.0.1 with a fresh demo
database through tests/e2e/apps.py `demo_server` (the e2e tests' own server start), drives Debian's
Chromium with Playwright (the flags of tests/e2e/conftest.py) and prints one table: each step's
median and worst time over --repeat runs against its goal (issue 17), and the server's time for the
page runs of the step (wall and CPU of the script thread, logged by the app with YIXIAN_TIMING=1, see
ui/timing.py). A step ends when the app's running indicator is gone and the step's own element is on
screen, so the figure is what a person waits, not a fixed pause.

    .venv/bin/python scripts/bench_browser.py [--repeat 3] [--role admin] [--same-browser]

The machine is shared: the script prints `uptime` first, read the figures with it.
"""
from __future__ import annotations

import argparse
import os
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
from ui import timing

# (step, goal in seconds)
GOALS = {"login → home": 2.0, "page switch": 1.0, "coverage first render": 1.0, "coverage filter change": 1.0}
VIEWPORT = {"width": 1440, "height": 1000}
SERVER_GOAL = 0.3     # server time per page run (issue 17)
PAGES = ["数据管理", "分配轮次", "情景推演", "首页"]


def idle(page) -> None:
    """The rerun finished: the running indicator is gone (checked twice, a rerun may start late)."""
    for _ in range(2):
        page.wait_for_timeout(100)
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


class ServerLog:
    """The server's page-run timings (ui/timing.py lines in its log) written since the last read."""

    def __init__(self, path: Path):
        self.path, self.pos = path, 0

    def new_runs(self) -> list[tuple[str, float, float]]:
        with open(self.path, encoding="utf-8", errors="replace") as f:
            f.seek(self.pos)
            text = f.read()
            self.pos = f.tell()
        return [r for r in map(timing.parse, text.splitlines()) if r is not None]


def timed(fn, log: ServerLog, step: str, out: dict) -> None:
    """Browser seconds of `fn`, and the server's wall and CPU seconds of the page runs it caused."""
    log.new_runs()
    t0 = time.perf_counter()
    fn()
    out[step].append(time.perf_counter() - t0)
    runs = log.new_runs()
    out[f"{step} server"].append(sum(r[1] for r in runs))
    out[f"{step} cpu"].append(sum(r[2] for r in runs))


def one_run(ctx, base: str, role: str, log: ServerLog, out: dict[str, list[float]]) -> None:
    ctx.clear_cookies()                    # logged out; the HTTP cache stays (a returning browser)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    page.goto(base)
    page.get_by_label("用户名").fill(role)
    page.get_by_label("密码").fill(DEMO_PASSWORDS[role])

    def login():
        page.get_by_role("button", name="登录").click()
        page.get_by_role("button", name="退出登录").wait_for()
        idle(page)
    timed(login, log, "login → home", out)
    nav = page.get_by_test_id("stSidebarNav")
    for title in PAGES:
        def switch(title=title):
            nav.get_by_text(title, exact=True).click()
            page.wait_for_timeout(50)
            idle(page)
        timed(switch, log, "page switch", out)

    def coverage():
        nav.get_by_text("覆盖与合规", exact=True).click()
        page.get_by_test_id("stMetric").filter(has_text="本周面对面达标率").wait_for()
        page.locator(".vega-embed").first.wait_for()
        idle(page)
    timed(coverage, log, "coverage first render", out)

    def filter_change():
        page.get_by_role("combobox", name="层级", exact=True).click()
        page.get_by_role("option", name="中层正职", exact=True).click()
        page.wait_for_timeout(50)
        idle(page)
    timed(filter_change, log, "coverage filter change", out)
    page.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--role", default="admin", choices=["admin"])   # the one role that sees every page timed
    ap.add_argument("--same-browser", action="store_true",
                    help="one browser profile for every run (logged out in between): after the first run the app's "
                         "files come from the browser cache, as for a returning user; default: a fresh profile a run")
    args = ap.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())
    print("browser profile:", "one for all runs (returning browser)" if args.same_browser else "fresh each run (first visit)")
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {f"{k}{part}": [] for k in GOALS for part in ("", " server", " cpu")}
    os.environ["YIXIAN_TIMING"] = "1"          # the server logs each page run's wall and CPU time
    with tempfile.TemporaryDirectory() as tmp:
        proc, base, _ = demo_server(Path(tmp), timeout=90)   # the e2e tests' server start
        log = ServerLog(Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                shared = browser.new_context(viewport=VIEWPORT, locale="zh-CN") if args.same_browser else None
                for _ in range(args.repeat):
                    ctx = shared or browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                    one_run(ctx, base, args.role, log, out)
                    if shared is None:
                        ctx.close()
                browser.close()
        finally:
            stop(proc)
    print("browser = click to settled page; server / cpu = the server's page runs in that step (wall / CPU of the")
    print(f"script thread; goal {SERVER_GOAL} s a page). Medians over the runs.")
    print(f"{'step':26} {'n':>3} {'browser s':>10} {'worst s':>8} {'goal s':>7} {'× goal':>7} {'server s':>9} "
          f"{'cpu s':>6}")
    for step, goal in GOALS.items():
        xs = out[step]
        med = statistics.median(xs)
        print(f"{step:26} {len(xs):3d} {med:10.2f} {max(xs):8.2f} {goal:7.1f} {med / goal:6.1f}x "
              f"{statistics.median(out[step + ' server']):9.3f} {statistics.median(out[step + ' cpu']):6.3f}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
