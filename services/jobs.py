"""Background work with progress and cancel: one class for every long job (a round's solve, an
adjustment's re-solve, a scenario's solve, a capacity sweep, a trade-off curve).

The page keeps the job in its session state and polls it (ui.jobs); nothing here touches Streamlit.
`work(progress, cancel)` is called in a daemon thread with `progress(fraction, message)` and a
`threading.Event`; its return value becomes `outcome`, an exception becomes `error`.
Work that produces its result piece by piece (a trade-off curve, point by point) hands what it has so
far to `publish(partial)`; the page shows `partial` while the job runs (streaming). `partial` is only
ever replaced as a whole, never changed in place, so a page reading it sees one consistent snapshot.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

Work = Callable[[Callable[[float, str], None], threading.Event], dict[str, Any]]


class BackgroundJob:
    """One piece of work in a background thread: progress, cancel, outcome."""

    def __init__(self, label_zh: str, label_en: str, work: Work):
        self.label_zh, self.label_en = label_zh, label_en
        self.cancel_event = threading.Event()
        self.fraction = 0.0
        self.message = "排队 / queued"
        self.started = time.monotonic()
        self.finished: float | None = None
        self.outcome: dict[str, Any] | None = None
        self.partial: dict[str, Any] | None = None   # what the work has published so far (streaming)
        self.error: Exception | None = None
        self._work = work
        self._thread = threading.Thread(target=self._run, name="yixian-job", daemon=True)

    def start(self) -> BackgroundJob:
        self._thread.start()
        return self

    def _progress(self, frac: float, msg: str) -> None:
        self.fraction = max(0.0, min(1.0, float(frac)))
        self.message = msg

    def _run(self) -> None:
        try:
            self.outcome = self._work(self._progress, self.cancel_event)
        except Exception as exc:  # noqa: BLE001 - shown to the user on the page
            self.error = exc
        finally:
            self.finished = time.monotonic()

    def publish(self, partial: dict[str, Any]) -> None:
        """Called by the work (in its thread): `partial` is the result so far; the page may draw it."""
        self.partial = partial

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return self.done
