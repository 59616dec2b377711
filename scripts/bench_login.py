"""Login figures: time of a failed login for an unknown user vs a wrong password (they should
match), and peak memory of 30 concurrent logins with the argon2 bound (2) and without it (30).

    .venv/bin/python scripts/bench_login.py
Each measurement runs in a fresh process on a temp SQLite database with production argon2id.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(tmp: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["YIXIAN_DB_PATH"] = f"{tmp}/bench.sqlite3"
    os.environ["YIXIAN_LOGIN_MAX_FAILURES"] = "1000000"      # measure the hash, not the lockout
    sys.path.insert(0, str(ROOT))
    from services.db import session_scope
    from store.auth import create_user

    with session_scope() as s:
        for i in range(31):
            create_user(s, f"user{i}", "bench-password-1", "leader", f"U{i}", "bench")


def timing(n: int = 15) -> dict:
    from services.auth import login

    out = {}
    for label, name, pw in (("unknown user", "ghost", "whatever-pass"), ("wrong password", "user0", "wrong-pass-1"),
                            ("right password", "user0", "bench-password-1")):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            login(name, pw)
            times.append(time.perf_counter() - t)
        out[label] = statistics.median(times)
    return out


def burst(k: int = 30) -> dict:
    from services.auth import login

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    threads = [threading.Thread(target=login, args=(f"user{i}", "bench-password-1")) for i in range(k)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"rss_before_mb": before, "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "seconds": time.perf_counter() - t}


def worker(mode: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        print(json.dumps(timing() if mode == "timing" else burst()))


def run(mode: str, concurrency: int) -> dict:
    env = dict(os.environ, YIXIAN_ARGON2_CONCURRENCY=str(concurrency), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, __file__, "--worker", mode], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    t = run("timing", 2)
    print("median time of one login (production argon2id):")
    for k, v in t.items():
        print(f"  {k:15s} {v * 1000:7.1f} ms")
    print(f"  unknown / wrong ratio: {t['unknown user'] / t['wrong password']:.2f}")
    print("30 concurrent logins in one process:")
    for c in (2, 30):
        b = run("burst", c)
        print(f"  argon2 bound {c:2d}: RSS {b['rss_before_mb']:.0f} MB -> peak {b['rss_peak_mb']:.0f} MB "
              f"(+{b['rss_peak_mb'] - b['rss_before_mb']:.0f} MB), {b['seconds']:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
