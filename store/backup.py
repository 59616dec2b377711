"""Backup and restore (README "Backup and restore").

    python -m store.backup --out FILE [--portable]     # the database of DATABASE_URL / YIXIAN_DB_PATH
    python -m store.restore FILE                       # into an EMPTY database (see store.restore)

- SQLite: a copy of the database file made with SQLite's online backup API (consistent while the
  app keeps writing); restored with the same API.
- PostgreSQL (or any database with --portable): a zip with manifest.json (schema revision, each
  table's columns, row count and sha256) and one JSON-lines file per table, read in one
  REPEATABLE READ snapshot. Portable across PostgreSQL versions (no pg_dump needed) and between
  SQLite and PostgreSQL.
A restore loads the rows at the backup's schema revision, then migrates to head, and checks
every table's row count and sha256 against the backup.
Backups hold personal data: they are written with mode 0600.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, func, insert, inspect, select, text
from sqlalchemy import types as sa_types

from store.engine import alembic_config, current_revision, downgrade, head_revision, make_engine, migrate
from store.errors import StoreError
from store.models import Base

FORMAT = "yixian-backup"
VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
_CHUNK = 1000


class BackupError(StoreError):
    pass


# ---------------------------------------------------------------- rows <-> JSON

def _enc(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return v


def _decoder(column: Any):
    kind = getattr(column.type, "impl", column.type)      # through TypeDecorators (UTCDateTime)
    if isinstance(kind, sa_types.DateTime):
        return datetime.fromisoformat
    if isinstance(kind, sa_types.Date):
        return date.fromisoformat
    return None


def tables() -> list[Table]:
    """Every table of the schema, parents before children (alembic_version aside)."""
    return list(Base.metadata.sorted_tables)


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def table_lines(conn: Connection, table: Table) -> Iterator[bytes]:
    """The table's rows as JSON lines (values in column order), ordered by primary key."""
    for row in conn.execute(select(*table.columns).order_by(*_order(table))):
        yield json.dumps([_enc(v) for v in row], ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def table_digest(conn: Connection, table: Table) -> tuple[int, str]:
    h, n = hashlib.sha256(), 0
    for line in table_lines(conn, table):
        h.update(line)
        n += 1
    return n, h.hexdigest()


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and sha256 of every table: two databases with equal snapshots hold the same data."""
    present = set(inspect(engine).get_table_names())
    with _snapshot_conn(engine) as conn:
        return {t.name: table_digest(conn, t) for t in tables() if t.name in present}


def _sqlite_reader(path: Path) -> Engine:
    """A plain engine on a SQLite file that is only read (make_engine would switch it to WAL)."""
    return create_engine(f"sqlite:///{path}")


def _snapshot_conn(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return conn


# ---------------------------------------------------------------- backup

def _private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def backup(engine: Engine, out: Path, portable: bool = False) -> dict[str, Any]:
    """Write a backup of `engine`'s database to `out` (replaced atomically). Returns the manifest."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")
    _private(tmp)
    try:
        if engine.dialect.name == "sqlite" and not portable:
            manifest = _backup_sqlite(engine, tmp)
        else:
            manifest = _backup_portable(engine, tmp)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _backup_sqlite(engine: Engine, tmp: Path) -> dict[str, Any]:
    src = sqlite3.connect(engine.url.database)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)                       # SQLite's online backup API: a consistent copy
    finally:
        dst.close()
        src.close()
    copy = _sqlite_reader(tmp)
    try:
        return {"format": "sqlite", "alembic_revision": current_revision(copy),
                "tables": {k: {"rows": n, "sha256": d} for k, (n, d) in snapshot(copy).items()}}
    finally:
        copy.dispose()


def _backup_portable(engine: Engine, tmp: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "source": engine.dialect.name,
                                "created_at": datetime.now(UTC).isoformat(), "tables": {}}
    with _snapshot_conn(engine) as conn, conn.begin(), \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        manifest["alembic_revision"] = MigrationContext.configure(conn).get_current_revision()
        for t in tables():
            h, n = hashlib.sha256(), 0
            with z.open(f"tables/{t.name}.jsonl", "w", force_zip64=True) as f:
                for line in table_lines(conn, t):
                    f.write(line)
                    h.update(line)
                    n += 1
            manifest["tables"][t.name] = {"columns": [c.name for c in t.columns], "rows": n,
                                          "sha256": h.hexdigest()}
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


# ---------------------------------------------------------------- restore

def is_empty(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return all(conn.execute(select(func.count()).select_from(t)).scalar_one() == 0
                   for t in tables() if t.name in names)


def restore(engine: Engine, src: Path) -> dict[str, Any]:
    """Load a backup into `engine`'s database, which must be empty; verify it; migrate to head."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"备份文件不存在：{src}", f"backup file not found: {src}")
    if not is_empty(engine):
        raise BackupError("目标数据库不是空的：恢复只写入空数据库，未做任何改动",
                          "the target database is not empty: a restore only goes into an empty database; "
                          "nothing was changed")
    with open(src, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return _restore_sqlite_file(engine, src)
    if not zipfile.is_zipfile(src):
        raise BackupError(f"不是 Yixian 备份文件：{src}", f"not a Yixian backup: {src}")
    with zipfile.ZipFile(src) as z:
        try:
            manifest = json.loads(z.read("manifest.json"))
        except (KeyError, ValueError):
            raise BackupError(f"备份文件缺少清单：{src}", f"the backup has no manifest: {src}") from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError("备份格式不受支持", f"unsupported backup format {manifest.get('format')!r}")

        def rows(name: str) -> Iterator[list[Any]]:
            with z.open(f"tables/{name}.jsonl") as f:
                for line in f:
                    yield json.loads(line)

        return _load(engine, manifest, rows)


def _restore_sqlite_file(engine: Engine, src: Path) -> dict[str, Any]:
    source = _sqlite_reader(src)
    try:
        manifest = {"format": "sqlite", "alembic_revision": current_revision(source),
                    "tables": {k: {"rows": n, "sha256": d, "columns": [c.name for c in _table(k).columns]}
                               for k, (n, d) in snapshot(source).items()}}
        if engine.dialect.name == "sqlite":
            engine.dispose()
            s, d = sqlite3.connect(src), sqlite3.connect(engine.url.database)
            try:
                s.backup(d)
            finally:
                d.close()
                s.close()
            return _finish(engine, manifest)

        def rows(name: str) -> Iterator[list[Any]]:
            with source.connect() as conn:
                for line in table_lines(conn, _table(name)):
                    yield json.loads(line)

        return _load(engine, manifest, rows)
    finally:
        source.dispose()


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _to_revision(engine: Engine, revision: str | None) -> None:
    """An empty database brought to exactly `revision` (down from a newer one: nothing to lose)."""
    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision is None or revision not in known:
        raise BackupError(f"备份的数据库版本 {revision} 不为本程序所知（当前最新为 {head_revision()}）",
                          f"the backup's schema revision {revision} is unknown to this code "
                          f"(head is {head_revision()}): restore with the version that made it")
    current = current_revision(engine)
    if current is not None and current != revision:
        downgrade(engine, "base", yes_i_have_a_backup=True)      # empty: checked by the caller
    migrate(engine, revision)


def _load(engine: Engine, manifest: dict[str, Any], rows) -> dict[str, Any]:
    _to_revision(engine, manifest.get("alembic_revision"))
    with engine.begin() as conn:
        for t in tables():
            info = manifest["tables"].get(t.name)
            if info is None:
                continue                       # a table newer than the backup: stays empty
            cols = info["columns"]
            unknown = set(cols) - set(t.columns.keys())
            if unknown:
                raise BackupError(f"备份中的列与数据库不符：{t.name}.{', '.join(sorted(unknown))}",
                                  f"columns in the backup unknown here: {t.name}.{', '.join(sorted(unknown))}")
            dec = {c: _decoder(t.columns[c]) for c in cols}
            for chunk in _chunks(rows(t.name)):
                conn.execute(insert(t), [{c: (dec[c](v) if dec[c] and v is not None else v)
                                          for c, v in zip(cols, r, strict=True)} for r in chunk])
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn)
    return _finish(engine, manifest)


def _chunks(it: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for x in it:
        chunk.append(x)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reset_sequences(conn: Connection) -> None:
    for t in tables():
        for c in t.primary_key.columns:
            if c.autoincrement is True or (c.autoincrement == "auto" and c.type.python_type is int
                                           and len(t.primary_key.columns) == 1):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({c.name}), 1), "
                                  f"MAX({c.name}) IS NOT NULL) FROM {t.name}"), {"t": t.name, "c": c.name})


def _finish(engine: Engine, manifest: dict[str, Any]) -> dict[str, Any]:
    """Verify every table against the backup, then migrate to head."""
    got = snapshot(engine)
    bad = [f"{name}: {got.get(name, (0, ''))[0]} / {info['rows']}" for name, info in manifest["tables"].items()
           if got.get(name) != (info["rows"], info["sha256"])]
    if bad:
        raise BackupError("恢复后的数据与备份不一致", "the restored data differs from the backup", bad)
    migrate(engine)
    return manifest


# ---------------------------------------------------------------- command line

def _summary(manifest: dict[str, Any]) -> str:
    n = sum(t["rows"] for t in manifest["tables"].values())
    return f"{len(manifest['tables'])} tables, {n} rows, schema {manifest.get('alembic_revision')}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m store.backup", description="备份数据库 / back up the database")
    ap.add_argument("--out", required=True, help="backup file to write (mode 0600)")
    ap.add_argument("--portable", action="store_true",
                    help="zip of JSON lines per table even for SQLite (restores into PostgreSQL too)")
    a = ap.parse_args(argv)
    engine = make_engine()
    try:
        manifest = backup(engine, Path(a.out), portable=a.portable)
    except (OSError, sqlite3.Error) as exc:
        print(f"备份失败 / backup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{a.out}: {_summary(manifest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
