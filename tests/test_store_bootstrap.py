"""`python -m store.bootstrap` on an empty database: demo data through the importer, a published
round, one user per role; idempotent. On SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from store import audit, frames, rounds
from store import data as sd
from store.bootstrap import DEMO_DIR, DEMO_FILES, DEMO_ROUND_NAME, DEMO_USERS, bootstrap
from store.engine import ROOT, make_engine

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "cadres.xlsx").is_file(),
                                reason="data/demo not generated (python -m data.generate_demo)")


def test_bootstrap_empty_database_loads_demo_through_importer(db, monkeypatch):
    from argon2 import PasswordHasher

    import importer
    from store import auth as sa_auth

    # production argon2 parameters are tested in test_store_auth; here they would only cost time
    monkeypatch.setattr(sa_auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))

    lines: list[str] = []
    info = bootstrap(db, say=lines.append)
    assert info["loaded"] is True
    bundle = importer.read_bundle({k: DEMO_DIR / f for k, f in DEMO_FILES.items()})
    with Session(db) as s:
        for kind in sd.LOADABLE:
            pd.testing.assert_frame_equal(sd.load_kind(s, kind), frames.sort_frame(kind, bundle[kind]),
                                          check_exact=True, obj=kind)
        assert sd.load_calendar(s) == importer.read_calendar(DEMO_DIR / "calendar.toml")
        (r,) = rounds.list_rounds(s)
        assert (r.name, r.status, r.effective_date) == (DEMO_ROUND_NAME, "published", date(2025, 9, 8))
        history = rounds.assignment_in_force(s)
        pd.testing.assert_frame_equal(history, frames.sort_frame("assignment", bundle["assignment"]),
                                      check_exact=True)
        # the demo's mid-year change: 思想政治教育2025级3班 changes adviser on 2026-04-01
        def adviser(day, cadre):
            df = rounds.assignment_in_force(s, day)
            return sorted(df[df.cadre_id == cadre].class_id)
        a = bundle["assignment"]
        moved = a[(a.cadre_id == "20020700")].sort_values("start")
        assert len(moved) == 2
        assert adviser(date(2026, 3, 31), "20020700") == [moved.class_id.iloc[0]]
        assert adviser(date(2026, 4, 1), "20020700") == [moved.class_id.iloc[1]]
        assert len(rounds.assignment_in_force(s, date(2025, 10, 10))) == 121
        n_audit = len(audit.audit_rows(s, limit=None))
        assert set(audit.audit_rows(s, limit=None).actor) == {"bootstrap"}
    from services.auth import login
    for username, password, role, _ in DEMO_USERS:
        u = login(username, password)
        assert u is not None and u.role == role, username
        assert login(username, password + "x") is None
    col, cad = login("college", "yixian-college"), login("cadre", "yixian-cadre")
    assert col.college == bundle["classes"].sort_values("class_id").college.iloc[0]
    assert cad.cadre_id == min(bundle["assignment"].cadre_id)
    # idempotent: a second run only migrates
    again = bootstrap(db, say=lines.append)
    assert again == {"loaded": False, "cadres": 123}
    with Session(db) as s:
        # the logins above added their own rows (login, login_failed); the second run added none
        rows = audit.audit_rows(s, limit=None)
        assert len(rows[~rows.action.isin(["login", "login_failed"])]) == n_audit
        assert len(rounds.list_rounds(s)) == 1
    assert any("skipped" in x for x in lines)


@pytest.mark.slow
def test_bootstrap_command_line(tmp_path):
    env = dict(os.environ, YIXIAN_DB_PATH=str(tmp_path / "new" / "y.sqlite3"), PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    out = subprocess.run(check=False, args=[sys.executable, "-m", "store.bootstrap"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "user admin / yixian-admin" in out.stdout and "published from 2025-09-08" in out.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'y.sqlite3'}")
    with Session(engine) as s:
        assert sd.counts(s)["cadres"] == 123
    engine.dispose()
    no_demo = dict(env, YIXIAN_DB_PATH=str(tmp_path / "bare.sqlite3"))
    out = subprocess.run(check=False, args=[sys.executable, "-m", "store.bootstrap", "--no-demo"], cwd=ROOT, env=no_demo,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "skipped (--no-demo)" in out.stdout
    bad = dict(env, YIXIAN_DB_PATH=str(tmp_path / "bad.sqlite3"))
    out = subprocess.run(check=False, args=[sys.executable, "-m", "store.bootstrap", "--demo-dir", str(tmp_path)], cwd=ROOT,
                         env=bad, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "cadres.xlsx" in out.stderr
