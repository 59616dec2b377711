"""Store: migrations, rosters/rules/ledger/calendar persistence, references, audit — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from store import audit, frames
from store import data as sd
from store.engine import current_revision, head_revision, make_engine, migrate
from store.errors import InvalidData, ReferenceConflict
from store.models import Base
from store.testing import sample_frames

TABLES = {"cadres", "classes", "preferences", "constraints", "exemptions", "calendar_terms", "calendar_holidays",
          "assignment_rounds", "assignments", "activities", "users", "scenarios", "audit_log", "alembic_version"}


def load_all(s: Session, f=None, actor="admin"):
    f = f or sample_frames()
    sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, actor)
    sd.upsert_ledger(s, f["ledger"], actor)
    s.commit()
    return f


def test_migrate_empty_database_to_head(db_url):
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert TABLES <= set(inspect(engine).get_table_names())
    migrate(engine)  # idempotent
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_downgrade_to_base_and_up_again(db_url):
    from store.engine import downgrade

    engine = make_engine(db_url)
    migrate(engine)
    downgrade(engine, "base", yes_i_have_a_backup=True)     # refused without it (test_harden_backup)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_match_migrations(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_database_url_from_environment(monkeypatch, tmp_path):
    from store.engine import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("YIXIAN_DB_PATH", str(tmp_path / "sub" / "y.sqlite3"))
    assert database_url() == f"sqlite:///{tmp_path / 'sub' / 'y.sqlite3'}"
    assert (tmp_path / "sub").is_dir()
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/d")
    assert database_url() == "postgresql+psycopg://u@h:5432/d"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/d")
    assert database_url() == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize("kind", sd.LOADABLE)
def test_round_trip_every_kind(db_session, kind):
    f = load_all(db_session)
    got = sd.load_kind(db_session, kind)
    want = frames.sort_frame(kind, f[kind])
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_constraints_keep_row_order(db_session):
    f = load_all(db_session)
    rev = f["constraints"].iloc[::-1].reset_index(drop=True)
    summary = sd.replace_kind(db_session, "constraints", rev, "admin")
    db_session.commit()
    pd.testing.assert_frame_equal(sd.load_kind(db_session, "constraints"), rev)
    assert summary.changed == len(rev)


def test_replace_reports_diff_and_audits_before_after(db_session):
    f = load_all(db_session)
    cad = f["cadres"].copy()
    cad.loc[cad.cadre_id == "C003", "capacity"] = 1                 # changed
    cad = pd.concat([cad, frames.from_records("cadres", [{
        "cadre_id": "C004", "name": "新人", "unit": "后勤处", "position": "", "level": "deputy",
        "expertise": (), "discipline": "", "capacity": 1}])], ignore_index=True)
    s = sd.replace_kind(db_session, "cadres", cad, "alice")
    db_session.commit()
    assert (s.added, s.changed, s.removed, s.unchanged, s.rows) == (1, 1, 0, 2, 4)
    row = audit.audit_rows(db_session, limit=1).iloc[0]
    assert (row.actor, row.action, row.entity) == ("alice", "replace", "cadres")
    # differences only (issue 18): ids added/removed, changed fields old -> new, counts and hashes
    assert row.before == {"rows": 3, "sha256": audit.digest(frames.json_records("cadres", f["cadres"]))}
    assert row.after["added"] == ["C004"] and row.after["removed"] == []
    assert row.after["changed"] == {"C003": {"capacity": [0, 1]}} and row.after["summary"]["added"] == 1
    assert row["at"].tzinfo is not None


def test_every_write_appends_an_audit_row(db_session):
    n0 = len(audit.audit_rows(db_session, limit=None))
    load_all(db_session)  # 5 replaces + 1 ledger upsert
    assert len(audit.audit_rows(db_session, limit=None)) == n0 + 6
    sd.save_calendar(db_session, [], "admin")
    sd.add_activity(db_session, {"cadre_id": "C001", "date": date(2025, 10, 9), "type": "face_to_face",
                              "venue": "宿舍", "summary": "谈心"}, "cadre1")
    db_session.commit()
    rows = audit.audit_rows(db_session, limit=2)
    assert list(rows.action) == ["upsert", "replace"] and rows.iloc[0].actor == "cadre1"
    assert list(rows.entity) == ["ledger", "calendar"]


def test_replace_is_all_or_nothing_on_failure_mid_way(db_session, monkeypatch):
    load_all(db_session)
    before = {k: sd.load_kind(db_session, k) for k in sd.LOADABLE}
    n_audit = len(audit.audit_rows(db_session, limit=None))
    new = sample_frames()
    new["cadres"] = new["cadres"].iloc[:2]
    new["preferences"] = new["preferences"][new["preferences"].cadre_id != "C003"]
    new["exemptions"] = new["exemptions"][new["exemptions"].cadre_id != "C003"]
    new["classes"].loc[0, "size"] = 99
    calls = []

    def failing_record(s, actor, action, entity, *a, **kw):  # after real writes were flushed
        calls.append(entity)
        if entity == "preferences":
            raise RuntimeError("disk full")
        return real_record(s, actor, action, entity, *a, **kw)

    real_record = audit.record
    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="disk full"):
        sd.replace_kinds(db_session, {k: new[k] for k in ("cadres", "classes", "preferences", "exemptions")},
                         "admin")
    assert calls[:2] == ["cadres", "classes"]       # the failure really came mid-way
    db_session.commit()  # even a caller that commits afterwards keeps the old data
    for k in sd.LOADABLE:
        pd.testing.assert_frame_equal(sd.load_kind(db_session, k), before[k])
    assert len(audit.audit_rows(db_session, limit=None)) == n_audit


def test_invalid_rows_rejected_with_every_problem(db_session):
    load_all(db_session)
    bad = sample_frames()["cadres"]
    bad.loc[1, "cadre_id"] = "C001"
    bad.loc[2, "level"] = "boss"
    with pytest.raises(InvalidData) as ei:
        sd.replace_kind(db_session, "cadres", bad, "admin")
    msg = str(ei.value)
    assert "'C001' 重复 duplicated" in msg and "'boss'" in msg
    assert len(ei.value.details) == 2
    with pytest.raises(InvalidData, match="cannot replace"):
        sd.replace_kind(db_session, "ledger", sample_frames()["ledger"], "admin")


def test_unknown_references_refused(db_session):
    load_all(db_session)
    prefs = sample_frames()["preferences"]
    prefs.loc[0, "value"] = "K-NONE"
    prefs.loc[1, "cadre_id"] = "C999"
    with pytest.raises(ReferenceConflict) as ei:
        sd.replace_kind(db_session, "preferences", prefs, "admin")
    assert any("K-NONE" in d for d in ei.value.details) and any("C999" in d for d in ei.value.details)
    pd.testing.assert_frame_equal(sd.load_kind(db_session, "preferences"),
                                  frames.sort_frame("preferences", sample_frames()["preferences"]))


def test_removing_a_referenced_cadre_is_refused_unless_dependants_go_too(db_session):
    load_all(db_session)
    cad = sample_frames()["cadres"].iloc[:2]   # drops C003, who has a preference and an exemption
    with pytest.raises(ReferenceConflict) as ei:
        sd.replace_kind(db_session, "cadres", cad, "admin")
    assert any("C003" in d for d in ei.value.details)
    assert len(sd.load_kind(db_session, "cadres")) == 3
    f = sample_frames()
    res = sd.replace_kinds(db_session, {
        "cadres": cad,
        "preferences": f["preferences"][f["preferences"].cadre_id != "C003"],
        "exemptions": f["exemptions"][f["exemptions"].cadre_id != "C003"]}, "admin")
    db_session.commit()
    assert res["cadres"].removed == 1 and res["exemptions"].removed == 1
    assert sorted(sd.load_kind(db_session, "cadres").cadre_id) == ["C001", "C002"]


def test_removing_a_cadre_with_a_published_assignment_is_refused(db_session):
    from store import rounds
    from store.testing import sample_assignment

    load_all(db_session)
    rid = rounds.create_round(db_session, "r", "initial", {}, {}, "admin")
    rounds.save_round_result(db_session, rid, sample_assignment([("C001", "K2025-01")]), {"status": "optimal"},
                             "admin")
    rounds.publish_round(db_session, rid, date(2025, 9, 1), "admin")
    db_session.commit()
    f = sample_frames()
    keep = {"cadres": f["cadres"][f["cadres"].cadre_id != "C001"],
            "preferences": f["preferences"][f["preferences"].cadre_id != "C001"],
            "constraints": f["constraints"][f["constraints"].cadre_id != "C001"],
            "exemptions": f["exemptions"][f["exemptions"].cadre_id != "C001"]}
    with pytest.raises(ReferenceConflict, match="published round"):
        sd.replace_kinds(db_session, keep, "admin")
    classes = f["classes"][f["classes"].class_id != "K2025-01"]
    p = f["preferences"][f["preferences"].value != "K2025-01"]
    with pytest.raises(ReferenceConflict, match="K2025-01"):
        sd.replace_kinds(db_session, {"classes": classes, "preferences": p}, "admin")


def test_ledger_upsert_never_duplicates(db_session):
    f = load_all(db_session)
    assert sd.upsert_ledger(db_session, f["ledger"], "admin") == (0, 0)   # same rows again: nothing
    led = f["ledger"].copy()
    led.loc[0, "minutes"] = 90
    extra = frames.from_records("ledger", [{"activity_id": "", "cadre_id": "C003", "date": date(2025, 10, 1),
                                            "type": "other", "venue": "网络", "class_id": "", "students": 3,
                                            "minutes": None, "summary": "线上答疑"}])
    both = pd.concat([led, extra], ignore_index=True)
    assert sd.upsert_ledger(db_session, both, "admin") == (1, 1)
    assert sd.upsert_ledger(db_session, both, "admin") == (0, 0)
    db_session.commit()
    got = sd.load_kind(db_session, "ledger")
    assert len(got) == 3 and got["activity_id"].is_unique
    assert got.set_index("activity_id").loc["A1", "minutes"] == 90
    new_id = got.activity_id[~got.activity_id.isin(["A1", "A2"])].item()
    assert new_id.startswith("A") and len(new_id) == 13
    last = audit.audit_rows(db_session, limit=1).iloc[0]
    assert last.before == {"A1": {"minutes": 45}}          # only the changed field's old value
    assert set(last.after) == {"A1", new_id}


def test_ledger_unknown_cadre_and_duplicate_ids_refused(db_session):
    f = load_all(db_session)
    led = f["ledger"].copy()
    led.loc[1, "cadre_id"] = "C404"
    with pytest.raises(ReferenceConflict, match="C404"):
        sd.upsert_ledger(db_session, led, "admin")
    dup = pd.concat([f["ledger"], f["ledger"].iloc[:1]], ignore_index=True)
    with pytest.raises(InvalidData, match="'A1' 重复"):
        sd.upsert_ledger(db_session, dup, "admin")
    with pytest.raises(InvalidData, match="already exists"):
        sd.add_activity(db_session, {"activity_id": "A1", "cadre_id": "C001", "date": date(2025, 9, 1),
                                  "type": "other", "venue": "课堂"}, "admin")
    assert len(sd.load_kind(db_session, "ledger")) == 2


def test_calendar_round_trip(db_session):
    from compliance.calendar import Term

    terms = [Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),)),
             Term("2026春", date(2026, 3, 2), 18, ((date(2026, 4, 4), date(2026, 4, 6)),
                                                   (date(2026, 5, 1), date(2026, 5, 5))))]
    assert sd.save_calendar(db_session, list(reversed(terms)), "admin") == 2
    db_session.commit()
    assert sd.load_calendar(db_session) == terms
    sd.save_calendar(db_session, terms[:1], "admin")
    db_session.commit()
    assert sd.load_calendar(db_session) == terms[:1]
    with pytest.raises(InvalidData, match="重复"):
        sd.save_calendar(db_session, [terms[0], terms[0]], "admin")


def test_refs_and_counts(db_session):
    load_all(db_session)
    r = sd.refs(db_session)
    assert r.cadre_ids == {"C001", "C002", "C003"}
    assert r.class_ids == {"K2025-01", "K2022-07", "K2024-03"}
    assert r.colleges == {"计算机学院", "外国语学院", "理学院"}
    assert r.majors == {"计算机科学与技术", "数学"}
    assert r.grades == {"2025", "2022", "2024"}
    c = sd.counts(db_session)
    assert (c["cadres"], c["classes"], c["preferences"], c["constraints"], c["exemptions"], c["ledger"]) == \
        (3, 3, 4, 4, 2, 2)


def test_two_engines_see_each_others_writes(db):
    """Two app processes: two independent engines (own pools) on the same database."""
    url = db.url.render_as_string(hide_password=False)
    e1, e2 = make_engine(url), make_engine(url)
    try:
        with Session(e1) as s1, s1.begin():
            load_all(s1)
        with Session(e2) as s2:
            assert len(sd.load_kind(s2, "cadres")) == 3
        with Session(e2) as s2, s2.begin():
            sd.add_activity(s2, {"cadre_id": "C002", "date": date(2025, 11, 3), "type": "lecture_visit",
                                 "venue": "课堂", "summary": "听课"}, "leader")
        with Session(e1) as s1:
            assert len(sd.load_kind(s1, "ledger")) == 3
    finally:
        e1.dispose()
        e2.dispose()


def test_removing_a_cadre_linked_to_an_active_account_is_refused(db_session):
    from store.auth import create_user, set_active

    load_all(db_session)
    create_user(db_session, "c3", "password-3", "cadre", "Zhang", "admin", cadre_id="C003")
    f = sample_frames()
    without = {"cadres": f["cadres"][f["cadres"].cadre_id != "C003"],
               "preferences": f["preferences"][f["preferences"].cadre_id != "C003"],
               "exemptions": f["exemptions"][f["exemptions"].cadre_id != "C003"]}
    with pytest.raises(ReferenceConflict, match="'c3'"):
        sd.replace_kinds(db_session, without, "admin")
    set_active(db_session, "c3", False, "admin")
    assert sd.replace_kinds(db_session, without, "admin")["cadres"].removed == 1


def test_add_activity_without_date_or_with_unknown_cadre_is_refused(db_session):
    load_all(db_session)
    with pytest.raises(InvalidData, match="date 为空 empty"):
        sd.add_activity(db_session, {"cadre_id": "C001", "type": "other", "venue": "课堂"}, "admin")
    with pytest.raises(ReferenceConflict, match="C999"):
        sd.add_activity(db_session, {"cadre_id": "C999", "date": date(2025, 9, 9), "type": "other",
                                     "venue": "课堂"}, "admin")
    assert len(sd.load_kind(db_session, "ledger")) == 2
