"""App processes for the e2e tests and scripts/bench_browser.py: the session's demo server (one helper
both use) and extra processes for tests that need their own (restart, several behind nginx)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.demo_facts import TEST_DAY

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env: dict, port: int, log: Path, timeout: float = 60) -> subprocess.Popen:
    """`streamlit run server.py` on 127.0.0.1:port; returns once /_stcore/health answers."""
    out = open(log, "a")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError("streamlit did not become healthy: " + log.read_text()[-2000:])


def demo_env(workdir: Path) -> dict:
    """This process's environment with a fresh SQLite database in `workdir` bootstrapped with the demo."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["YIXIAN_DB_PATH"] = str(workdir / "yixian.sqlite3")
    env["YIXIAN_DEMO_TODAY"] = TEST_DAY.isoformat()      # the demo bootstrapped for a pinned day, not the clock
    subprocess.run([sys.executable, "-m", "store.bootstrap"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    return env


def demo_server(workdir: Path, timeout: float = 60) -> tuple[subprocess.Popen, str, dict]:
    """The demo app on a fresh database in `workdir` (log: workdir/streamlit.log): (process, base URL, env)."""
    env = demo_env(workdir)
    port = free_port()
    proc = start_app(env, port, workdir / "streamlit.log", timeout)
    return proc, f"http://127.0.0.1:{port}", env


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def copy_database(env: dict, workdir: Path) -> dict:
    """A private copy of the session server's SQLite database (env of the app_server fixture)."""
    src = Path(env["YIXIAN_DB_PATH"])
    dst = workdir / "copy.sqlite3"
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dict(env, YIXIAN_DB_PATH=str(dst))


def which(cmd: str) -> str | None:
    return shutil.which(cmd) or (f"/usr/sbin/{cmd}" if Path(f"/usr/sbin/{cmd}").exists() else None)
