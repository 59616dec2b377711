"""Shared fixtures.

`db` — a fresh, migrated database for one test, parametrised over SQLite (a temp file) and
PostgreSQL (`YIXIAN_TEST_PG_URL`, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
It yields a SQLAlchemy Engine and also points `DATABASE_URL` at the same database, so code that
goes through `services.db` (session_scope, login, …) sees it too. `db_session` is a Session on it;
`db_url` is a fresh *empty* database (for migration tests).

On PostgreSQL the tests of one pytest process share one schema of their own (`yixian_s_<random>`,
selected through the connection's search_path, emptied before each test, dropped at the end), so
they never clash with another pytest process or with what the app keeps in the database;
`db_url` gets a new schema per test. The PG variant skips when the server
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


BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.pg)]


def pytest_generate_tests(metafunc):
    # every test using `db`, `db_session` or `db_url` runs once per backend
    if "db_backend" in metafunc.fixturenames and not any(
            m.name == "parametrize" and "db_backend" in m.args[0] for m in metafunc.definition.iter_markers()):
        metafunc.parametrize("db_backend", BACKENDS, indirect=True)


@pytest.fixture
def db_backend(request) -> str:
    """"sqlite" or "postgresql"; PostgreSQL skips (or fails under YIXIAN_REQUIRE_PG=1) when down."""
    if request.param == "postgresql":
        reason = pg_unreachable_reason()
        if reason:
            if REQUIRE_PG:
                pytest.fail(f"{reason} (YIXIAN_REQUIRE_PG=1)")
            pytest.skip(reason)
    return request.param


@pytest.fixture
def db_url(db_backend, tmp_path) -> Iterator[str]:
    """URL of a fresh, EMPTY database (not migrated): a temp SQLite file or a new PG schema."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'yixian-empty.sqlite3'}"
        return
    schema = f"yixian_t_{uuid.uuid4().hex[:12]}"
    _create_schema(schema)
    try:
        yield pg_schema_url(schema)
    finally:
        _drop_schema(schema)


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Migrated once per session: a SQLite file copied for each test, and a PG schema that is
    emptied (TRUNCATE) before each test — much faster than running Alembic per test."""
    made: dict[str, str] = {}

    class Templates(dict):
        def __missing__(self, backend: str) -> str:
            from store.engine import make_engine, migrate

            if backend == "sqlite":
                path = tmp_path_factory.mktemp("yixian-template") / "template.sqlite3"
                url = f"sqlite:///{path}"
            else:
                schema = f"yixian_s_{uuid.uuid4().hex[:12]}"
                _create_schema(schema)
                made["schema"] = schema
                url = pg_schema_url(schema)
            engine = make_engine(url)
            migrate(engine)
            if backend == "sqlite":
                with engine.connect() as conn:  # fold the WAL into the file before copying it
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            self[backend] = path if backend == "sqlite" else url
            return self[backend]

    templates = Templates()
    yield templates
    if "schema" in made:
        _drop_schema(made["schema"])


@pytest.fixture
def db(db_backend, _migrated_templates, tmp_path, monkeypatch):
    """A migrated Engine on an empty database; DATABASE_URL points at it for services.db."""
    import shutil

    from sqlalchemy import text

    from services import db as services_db
    from store.engine import make_engine
    from store.models import Base

    if db_backend == "sqlite":
        path = tmp_path / "yixian-test.sqlite3"
        shutil.copyfile(_migrated_templates["sqlite"], path)
        url = f"sqlite:///{path}"
    else:
        url = _migrated_templates["postgresql"]
    services_db.reset_engines()
    engine = make_engine(url)
    if db_backend == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    monkeypatch.setenv("DATABASE_URL", url)
    yield engine
    services_db.reset_engines()
    engine.dispose()


@pytest.fixture
def db_session(db):
    """A Session on `db`; the test commits (or not) itself."""
    from sqlalchemy.orm import Session

    with Session(db, expire_on_commit=False) as s:
        yield s
