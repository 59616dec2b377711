"""Backup and restore (issue 18): `python -m store.backup` / `python -m store.restore` on SQLite
and PostgreSQL, a restore into an empty database that compares equal, refusals that change
nothing, and a downgrade that refuses without --yes-i-have-a-backup."""
from __future__ import annotations

import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from store import audit, rounds
from store import data as sd
from store.backup import BackupError, backup, restore, snapshot
from store.engine import DowngradeRefused, current_revision, downgrade, head_revision, make_engine, migrate
from store.testing import sample_assignment, sample_frames


def populate(engine) -> None:
    """Every kind of row: rosters, rules, ledger, calendar, a published round, a user, audit."""
    from compliance import Term
    from store import auth

    f = sample_frames()
    with Session(engine) as s:
        sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, "admin")
        sd.upsert_ledger(s, f["ledger"], "admin")
        sd.save_calendar(s, [Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),))],
                         "admin")
        inputs = {k: f[k] for k in ("cadres", "classes", "preferences", "constraints")}
        rid = rounds.create_round(s, "第一轮", "initial", inputs, {"seed": 7, "time_limit_s": 60.0}, "admin")
        rounds.save_round_result(s, rid, sample_assignment(), {"status": "optimal", "objective": 1.5}, "admin")
        rounds.publish_round(s, rid, date(2025, 9, 1), "admin")
        auth.create_user(s, "leader1", "a long enough password", "leader", "领导一", actor="admin")
        s.commit()


def non_empty(snap: dict) -> int:
    return sum(1 for n, _ in snap.values() if n)


def test_cli_backup_then_restore_into_an_empty_database_compares_equal(db, db_url, tmp_path, monkeypatch, capsys):
    from store.backup import main as backup_main
    from store.restore import main as restore_main

    populate(db)
    before = snapshot(db)
    assert non_empty(before) >= 8
    out = tmp_path / "backups" / "yixian.bak"
    if db.dialect.name == "sqlite":
        monkeypatch.delenv("DATABASE_URL")
        monkeypatch.setenv("YIXIAN_DB_PATH", db.url.database)
    assert backup_main(["--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if db.dialect.name == "sqlite":
        assert out.read_bytes()[:16] == b"SQLite format 3\x00"        # SQLite's online backup API
        monkeypatch.setenv("YIXIAN_DB_PATH", str(tmp_path / "restored.sqlite3"))
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        assert zipfile.is_zipfile(out) and "manifest.json" in zipfile.ZipFile(out).namelist()
        monkeypatch.setenv("DATABASE_URL", db_url)                    # a new, empty schema
        target_url = db_url
    assert restore_main([str(out)]) == 0, capsys.readouterr().err
    restored = make_engine(target_url)
    assert snapshot(restored) == before
    assert current_revision(restored) == head_revision()
    restored.dispose()
    assert restore_main([str(out)]) == 2                              # not into a database with data
    assert "not empty" in capsys.readouterr().err


def test_postgres_backup_restores_into_an_empty_schema(db, db_url, tmp_path):
    if db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    populate(db)
    before = snapshot(db)
    out = tmp_path / "yixian.zip"
    manifest = backup(db, out)
    assert manifest["alembic_revision"] == head_revision() and manifest["source"] == "postgresql"
    target = make_engine(db_url)                       # a fresh, empty schema
    restore(target, out)
    assert snapshot(target) == before
    with Session(target) as s:                         # sequences follow the restored ids
        n = len(audit.audit_rows(s, limit=None))
        sd.save_calendar(s, [], "admin")
        s.commit()
        assert len(audit.audit_rows(s, limit=None)) == n + 1
    target.dispose()


def test_portable_backup_restores_into_sqlite_from_either_backend(db, tmp_path):
    # SQLite -> portable zip -> SQLite, and PostgreSQL -> zip -> SQLite: the same rows
    populate(db)
    before = snapshot(db)
    out = tmp_path / "portable.zip"
    backup(db, out, portable=True)
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    restore(other, out)
    assert snapshot(other) == before
    other.dispose()


def test_restore_refuses_a_database_with_data_and_changes_nothing(db, tmp_path):
    populate(db)
    out = tmp_path / "b.zip"
    backup(db, out, portable=True)
    before = snapshot(db)
    with pytest.raises(BackupError, match="not empty"):
        restore(db, out)
    assert snapshot(db) == before
    with pytest.raises(BackupError, match="not a Yixian backup"):
        bad = tmp_path / "x.bak"
        bad.write_bytes(b"hello")
        restore(make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}"), bad)


# ---------------------------------------------------------------- downgrade guard

def test_downgrade_refuses_without_a_backup_and_changes_nothing(db_url, monkeypatch):
    monkeypatch.delenv("YIXIAN_YES_I_HAVE_A_BACKUP", raising=False)
    engine = make_engine(db_url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    with pytest.raises(DowngradeRefused, match="yes-i-have-a-backup"):
        downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == tables and current_revision(engine) == head_revision()
    monkeypatch.setenv("YIXIAN_YES_I_HAVE_A_BACKUP", "1")       # the environment variable equivalent
    downgrade(engine, "base")
    assert current_revision(engine) is None
    engine.dispose()


def test_store_engine_cli_downgrade_needs_the_flag(db_url, monkeypatch, capsys):
    from store.engine import main

    monkeypatch.delenv("YIXIAN_YES_I_HAVE_A_BACKUP", raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = make_engine(db_url)
    migrate(engine)
    assert main(["downgrade", "base"]) == 2
    assert "--yes-i-have-a-backup" in capsys.readouterr().err
    assert current_revision(engine) == head_revision()
    assert main(["downgrade", "base", "--yes-i-have-a-backup"]) == 0
    assert current_revision(engine) is None
    engine.dispose()


def test_alembic_cli_downgrade_needs_x_argument(tmp_path, monkeypatch):
    from alembic.config import main as alembic_main

    from store.engine import MIGRATIONS

    monkeypatch.delenv("YIXIAN_YES_I_HAVE_A_BACKUP", raising=False)
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {MIGRATIONS}\nsqlalchemy.url = {url}\npath_separator = os\n")
    engine = make_engine(url)
    migrate(engine)
    with pytest.raises(DowngradeRefused):
        alembic_main(["-c", str(ini), "downgrade", "base"])
    assert current_revision(engine) == head_revision()
    alembic_main(["-c", str(ini), "-x", "yes-i-have-a-backup=1", "downgrade", "base"])
    assert current_revision(engine) is None
    engine.dispose()


def test_backup_file_is_private_and_atomic(db, tmp_path):
    populate(db)
    out = tmp_path / "b.zip"
    backup(db, out, portable=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not any(p.name.endswith(".partial") for p in Path(tmp_path).iterdir())
