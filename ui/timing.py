"""Server time of each page run, for scripts/bench_browser.py: with YIXIAN_TIMING=1 the app writes one
line per run to stderr (the server log), `YIXIAN_TIMING <page> wall=<s> cpu=<s>`, where cpu is the
script thread's own CPU time (what the run costs on an idle core; wall includes waiting for others)."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

PREFIX = "YIXIAN_TIMING"


def now() -> tuple[float, float]:
    """(wall, cpu) clock readings at the start of a run."""
    return time.perf_counter(), time.thread_time()


@contextmanager
def page_timer(name: str, since: tuple[float, float] | None = None) -> Iterator[None]:
    """Time the block (from `since`, e.g. the start of app.py's run, when given)."""
    if os.environ.get(PREFIX) != "1":
        yield
        return
    t, c = since or now()
    try:
        yield
    finally:   # also when the page stops or reruns (st.stop / st.rerun raise through here)
        print(f"{PREFIX} {name} wall={time.perf_counter() - t:.4f} cpu={time.thread_time() - c:.4f}",
              file=sys.stderr, flush=True)


def parse(line: str) -> tuple[str, float, float] | None:
    """(page, wall s, cpu s) of one timing line, else None."""
    parts = line.split()
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    return parts[1], float(parts[2].removeprefix("wall=")), float(parts[3].removeprefix("cpu="))
