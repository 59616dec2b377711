"""Database URL, engine and Alembic migrations (programmatic: no alembic.ini needed)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from store.errors import StoreError

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE = ROOT / "var" / "yixian.sqlite3"
# Any number: serialises concurrent migrations of several app processes on one PostgreSQL.
_PG_MIGRATION_LOCK = 0x59_49_58_49


def database_url() -> str:
    """`DATABASE_URL`, else SQLite at `YIXIAN_DB_PATH` or var/yixian.sqlite3 (folder created)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    path = Path(os.environ.get("YIXIAN_DB_PATH", "").strip() or DEFAULT_SQLITE)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def normalise_url(url: str) -> str:
    """Plain `postgresql://` / `postgres://` URLs are rewritten to the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def private_file(path: Path) -> None:
    """The database holds personal data: a new SQLite file is created 0600 (owner only; SQLite
    gives its -wal/-shm files the same mode), and an existing one readable by others is tightened."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        return
    except FileExistsError:
        pass
    except OSError:
        return                   # e.g. a read-only folder: SQLite reports it when it opens the file
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = p.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(p, mode & 0o700)
        except OSError:
            pass                 # missing, or not ours to change


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for `url` (default: `database_url()`); SQLite gets foreign keys, WAL and real
    transactions (so that savepoints work), PostgreSQL gets pre-ping for long-lived processes."""
    url = normalise_url(url or database_url())
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
            private_file(Path(u.database))
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (default head). Safe to call on every start."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        command.upgrade(alembic_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


BACKUP_ENV = "YIXIAN_YES_I_HAVE_A_BACKUP"


class DowngradeRefused(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "降级会删除数据表及其中的数据：请先备份（python -m store.backup --out 文件），"
            f"再加 --yes-i-have-a-backup（或设置 {BACKUP_ENV}=1）重新执行",
            "a downgrade drops tables and their data: make a backup first (python -m store.backup "
            f"--out FILE), then run it again with --yes-i-have-a-backup (or {BACKUP_ENV}=1)")


def downgrade(engine: Engine, revision: str, yes_i_have_a_backup: bool = False) -> None:
    """Refused (DowngradeRefused, nothing changed) unless the caller confirms a backup."""
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(conn)
        cfg.attributes["yes_i_have_a_backup"] = yes_i_have_a_backup
        command.downgrade(cfg, revision)


def new_revision(message: str) -> None:
    """Developers: autogenerate the next migration from store.models (checked in after review)."""
    import tempfile

    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/autogen.sqlite3")
        migrate(engine)
        with engine.begin() as conn:
            command.revision(alembic_config(conn), message=message, autogenerate=True)
        engine.dispose()


def main(argv: list[str]) -> int:
    usage = ('usage: python -m store.engine upgrade | downgrade REV --yes-i-have-a-backup | '
             'grant-runtime ROLE | revision "message"')
    if len(argv) == 2 and argv[0] == "revision":
        new_revision(argv[1])
    elif argv == ["upgrade"]:
        e = make_engine()
        migrate(e)
        print(f"{e.url.render_as_string(hide_password=True)}: at {current_revision(e)}")
    elif len(argv) in (2, 3) and argv[0] == "downgrade" and argv[2:] in ([], ["--yes-i-have-a-backup"]):
        e = make_engine()
        try:
            downgrade(e, argv[1], yes_i_have_a_backup=len(argv) == 3)
        except DowngradeRefused as exc:
            print(exc.message("zh") + "\n" + exc.message("en"), file=sys.stderr)
            return 2
        print(f"{e.url.render_as_string(hide_password=True)}: at {current_revision(e)}")
    elif len(argv) == 2 and argv[0] == "grant-runtime":
        from store.dbroles import grant_runtime_role

        e = make_engine()
        if e.dialect.name != "postgresql":
            print("grant-runtime: PostgreSQL only", file=sys.stderr)
            return 2
        with e.begin() as conn:
            grant_runtime_role(conn, argv[1])
        print(f"{argv[1]}: may read and write the data, and only append to audit_log")
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
