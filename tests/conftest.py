"""Shared fixtures.

`db` — a fresh, migrated database for one test, parametrised over SQLite (a temp file) and
PostgreSQL (`YIXIAN_TEST_PG_URL`, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
It yields a SQLAlchemy Engine and also points `DATABASE_URL` at the same database, so code that
goes through `services.db` (session_scope, login, …) sees it too.

On PostgreSQL every test gets its own schema (`yixian_t_<random>`, selected through the
connection's search_path and dropped afterwards), so store tests never clash with other test
files in the same pytest process or with a parallel run. The PG variant skips when the server
is unreachable — unless `YIXIAN_REQUIRE_PG=1` (CI), where it fails instead.
"""
from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("YIXIAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("YIXIAN_REQUIRE_PG", "") == "1"


@functools.cache
def pg_unreachable_reason() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per process)."""
    from sqlalchemy import create_engine, text

    from store.engine import normalise_url

    try:
        engine = create_engine(normalise_url(PG_URL), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any driver/network error means "not available here"
        return f"PostgreSQL at {PG_URL} unreachable: {type(exc).__name__}: {exc}"
    return None


def pg_schema_url(schema: str) -> str:
    from store.engine import normalise_url

    url = normalise_url(PG_URL)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote('-csearch_path=' + schema)}"


def _create_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from store.engine import normalise_url

    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from store.engine import normalise_url

    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def db_url(request, tmp_path) -> Iterator[str]:
    """URL of a fresh, empty database (not migrated); see module docstring."""
    backend = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'yixian-test.sqlite3'}"
        return
    reason = pg_unreachable_reason()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"{reason} (YIXIAN_REQUIRE_PG=1)")
        pytest.skip(reason)
    schema = f"yixian_t_{uuid.uuid4().hex[:12]}"
    _create_schema(schema)
    try:
        yield pg_schema_url(schema)
    finally:
        _drop_schema(schema)


BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.pg)]


def pytest_generate_tests(metafunc):
    # `db` and `db_url` run once per backend unless the test parametrises db_url itself
    if "db_url" in metafunc.fixturenames and not any(
            m.name == "parametrize" and "db_url" in m.args[0] for m in metafunc.definition.iter_markers()):
        metafunc.parametrize("db_url", BACKENDS, indirect=True)


@pytest.fixture
def db(db_url, monkeypatch):
    """A migrated Engine on a fresh database; DATABASE_URL points at it for services.db."""
    from services import db as services_db
    from store.engine import make_engine, migrate

    monkeypatch.setenv("DATABASE_URL", db_url)
    services_db.reset_engines()
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    services_db.reset_engines()
    engine.dispose()


@pytest.fixture
def db_session(db):
    """A Session on `db`; the test commits (or not) itself."""
    from sqlalchemy.orm import Session

    with Session(db, expire_on_commit=False) as s:
        yield s
