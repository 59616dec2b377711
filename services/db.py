"""One engine per process and database URL; migrated to head on first use."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.engine import database_url, make_engine, migrate

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def get_engine() -> Engine:
    """The engine for the current `DATABASE_URL` / `YIXIAN_DB_PATH` (read on every call, so a
    test that changes the environment gets a fresh, migrated engine)."""
    url = database_url()
    engine = _engines.get(url)
    if engine is None:
        with _lock:
            engine = _engines.get(url)
            if engine is None:
                engine = make_engine(url)
                migrate(engine)
                _engines[url] = engine
    return engine


def reset_engines() -> None:
    """Dispose every cached engine (tests; after a fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any exception."""
    with Session(get_engine(), expire_on_commit=False) as session, session.begin():
        yield session
