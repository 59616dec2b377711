"""Audit log (issue 18): entries keep differences, not copies; the log cannot be rewritten
(trigger on SQLite and PostgreSQL; the PostgreSQL runtime role may only insert); the SQLite
file is private (0600)."""
from __future__ import annotations

import json
import os
import stat
import uuid
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from store import audit, frames
from store import data as sd
from store.engine import make_engine, migrate
from store.testing import sample_frames


def load_all(s: Session):
    f = sample_frames()
    sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, "admin")
    sd.upsert_ledger(s, f["ledger"], "admin")
    s.commit()
    return f


def entry_text(s: Session, n: int = 1) -> str:
    rows = audit.audit_rows(s, limit=n)
    return json.dumps([[r.before, r.after] for r in rows.itertuples()], ensure_ascii=False)


def cadres(n: int, prefix: str = "张") -> pd.DataFrame:
    return frames.from_records("cadres", [
        {"cadre_id": f"T{i:04d}", "name": f"{prefix}{i}号", "unit": "计算机学院", "position": "院长", "level": "head",
         "expertise": (), "discipline": "工学", "capacity": 1} for i in range(n)])


# ---------------------------------------------------------------- differences, not copies

def test_removed_cadres_leave_only_their_id(db_session):
    f = load_all(db_session)
    keep = f["cadres"][f["cadres"].cadre_id != "C003"]
    prefs = f["preferences"][f["preferences"].cadre_id != "C003"]
    ex = f["exemptions"][f["exemptions"].cadre_id != "C003"]
    sd.replace_kinds(db_session, {"cadres": keep, "preferences": prefs, "exemptions": ex}, "admin")
    db_session.commit()
    row = audit.audit_rows(db_session, entity="cadres", limit=1).iloc[0]
    assert row.after["removed"] == ["C003"]
    written = entry_text(db_session, 3)          # this write's entries: cadres, preferences, exemptions
    assert "Zhang Wei" not in written and "外国语学院" not in written and "出国公差" not in written
    ex_row = audit.audit_rows(db_session, entity="exemptions", limit=1).iloc[0]
    assert [{k: v for k, v in r.items() if k != "sha256"} for r in ex_row.after["removed"]] == [
        {"cadre_id": "C003", "start": "2025-11-01", "end": "2025-11-30"}]


def test_bulk_replace_keeps_counts_and_hashes_only(db_session):
    sd.replace_kind(db_session, "cadres", cadres(1000), "admin")
    sd.replace_kind(db_session, "cadres", cadres(1000, prefix="李"), "admin")
    db_session.commit()
    row = audit.audit_rows(db_session, entity="cadres", limit=1).iloc[0]
    assert row.after["summary"] == {"rows": 1000, "added": 0, "changed": 1000, "removed": 0, "unchanged": 0}
    assert row.before["rows"] == 1000 and len(row.before["sha256"]) == 64
    assert row.after["sha256"] == audit.digest(frames.json_records("cadres", cadres(1000, prefix="李")))
    assert "changed" not in row.after                        # over DETAIL_LIMIT: no names at all
    assert len(entry_text(db_session)) < 1000 and "李" not in entry_text(db_session)


def test_small_change_names_the_changed_fields(db_session):
    sd.replace_kind(db_session, "cadres", cadres(3), "admin")
    changed = cadres(3)
    changed.loc[1, "position"] = "副院长"
    sd.replace_kind(db_session, "cadres", changed, "admin")
    db_session.commit()
    after = audit.audit_rows(db_session, limit=1).iloc[0].after
    assert after["changed"] == {"T0001": {"position": ["院长", "副院长"]}}
    assert after["added"] == [] and after["removed"] == []


def test_bulk_ledger_import_is_counts_and_hash(db_session):
    load_all(db_session)
    big = frames.from_records("ledger", [
        {"activity_id": f"B{i}", "cadre_id": "C001", "date": date(2025, 9, 1 + i % 28), "type": "face_to_face",
         "venue": "宿舍", "class_id": "", "students": 3, "minutes": 30, "summary": f"谈心记录{i}，学生王某某"}
        for i in range(5000)])
    assert sd.upsert_ledger(db_session, big, "admin") == (5000, 0)
    db_session.commit()
    row = audit.audit_rows(db_session, limit=1).iloc[0]
    assert (row.action, row.entity) == ("import", "ledger")
    assert row.after["summary"] == {"inserted": 5000, "updated": 0}
    text_ = entry_text(db_session)
    assert len(text_) < 1000 and "王某某" not in text_


def test_deleted_activity_keeps_no_summary(db_session):
    load_all(db_session)
    sd.delete_activity(db_session, "A1", "admin")
    db_session.commit()
    row = audit.audit_rows(db_session, limit=1).iloc[0]
    assert row.action == "delete" and set(row.before) == {"cadre_id", "date", "type", "sha256"}
    assert "开学第一课" not in entry_text(db_session)


def test_oversized_payload_is_kept_as_size_and_hash(db_session):
    audit.record(db_session, "admin", "save_result", "round", 1, after={"report": "x" * 1_000_000})
    db_session.commit()
    after = audit.audit_rows(db_session, limit=1).iloc[0].after
    assert after["bytes"] > 1_000_000 and len(after["sha256"]) == 64 and "report" not in after


# ---------------------------------------------------------------- insert-only

def test_audit_log_rows_cannot_be_updated_or_deleted(db_session):
    load_all(db_session)
    n = len(audit.audit_rows(db_session, limit=None))
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="insert-only"), db_session.begin_nested():
            db_session.execute(text(sql))
    db_session.commit()
    rows = audit.audit_rows(db_session, limit=None)
    assert len(rows) == n and "mallory" not in set(rows.actor)
    # the SQLite write-lock no-op (store.locks) still works: it deletes no row
    sd.save_calendar(db_session, [], "admin")
    db_session.commit()


@pytest.fixture
def runtime_role(db_backend):
    if db_backend != "postgresql":
        pytest.skip("database roles are PostgreSQL only")
    from tests.conftest import PG_URL

    role = f"yixian_rt_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        yield role
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_postgres_runtime_role_may_only_insert_into_the_log(db_url, runtime_role, monkeypatch):
    monkeypatch.setenv("YIXIAN_DB_RUNTIME_ROLE", runtime_role)
    owner = make_engine(db_url)
    migrate(owner)                                   # migrations run as the owner (here: postgres)
    as_app = make_engine(make_url(db_url).set(username=runtime_role, password=None).render_as_string(False))
    migrate(as_app)                                  # what the app does at start: a no-op at head, allowed
    with Session(as_app) as s:
        assert s.execute(text("SELECT current_user")).scalar_one() == runtime_role
        load_all(s)                                  # the app's writes work as the runtime role
        sd.delete_activity(s, "A1", "app")
        s.commit()
        n = len(audit.audit_rows(s, limit=None))
        assert n >= 7
        for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_insert_only",
                    "UPDATE alembic_version SET version_num = 'x'"):
            with pytest.raises(DBAPIError) as exc, s.begin_nested():
                s.execute(text(sql))
            assert "permission denied" in str(exc.value) or "must be owner" in str(exc.value)
        assert len(audit.audit_rows(s, limit=None)) == n
    as_app.dispose()
    # even the owner is stopped by the trigger
    with owner.connect() as conn, pytest.raises(DBAPIError, match="insert-only"):
        conn.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    owner.dispose()


# ---------------------------------------------------------------- private SQLite file

def test_sqlite_file_is_created_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "var" / "yixian.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        with Session(engine) as s:
            load_all(s)
        for p in (path, path.parent / "yixian.sqlite3-wal", path.parent / "yixian.sqlite3-shm"):
            if p.exists():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        engine.dispose()
        loose = tmp_path / "old.sqlite3"
        loose.touch(mode=0o644)
        os.chmod(loose, 0o644)
        make_engine(f"sqlite:///{loose}").dispose()
        assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    finally:
        os.umask(old)
