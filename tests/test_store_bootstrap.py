"""`python -m store.bootstrap` on an empty database: demo data through the importer, a published
round, one user per role; idempotent. On SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from store import audit, frames, rounds
from store import data as sd
from store.bootstrap import DEMO_DIR, DEMO_FILES, DEMO_ROUND_NAME, DEMO_USERS, bootstrap
from store.engine import ROOT, make_engine
from tests.demo_facts import AS_OF, DEMO

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
        first_day = bundle["assignment"]["start"].min().date()        # the demo's first teaching day
        assert first_day == DEMO.start
        assert (r.name, r.status, r.effective_date) == (DEMO_ROUND_NAME, "published", first_day)
        history = rounds.assignment_in_force(s)
        pd.testing.assert_frame_equal(history, frames.sort_frame("assignment", bundle["assignment"]),
                                      check_exact=True)
        # the demo's mid-year change chain on 1 April: a cadre moves to another class that day
        def adviser(day, cadre):
            df = rounds.assignment_in_force(s, day)
            return sorted(df[df.cadre_id == cadre].class_id)
        a = bundle["assignment"]
        change = pd.Timestamp(DEMO.change_start)
        mover = a.loc[a["changed"].isin([True, "是"]) & (a["start"] == change), "cadre_id"].iloc[0]
        moved = a[(a.cadre_id == mover)].sort_values("start")
        assert len(moved) == 2
        assert adviser(DEMO.change_start - timedelta(days=1), mover) == [moved.class_id.iloc[0]]
        assert adviser(DEMO.change_start, mover) == [moved.class_id.iloc[1]]
        october = pd.Timestamp(DEMO.start + timedelta(weeks=5))
        in_force = a.loc[(a["start"] <= october) & (a["end"].isna() | (a["end"] >= october))]
        assert len(rounds.assignment_in_force(s, october.date())) == len(in_force) > 100
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
    # the command regenerates the demo for "today": pinned to the committed demo's day
    env = dict(os.environ, YIXIAN_DB_PATH=str(tmp_path / "new" / "y.sqlite3"), PYTHONPATH=str(ROOT),
               YIXIAN_DEMO_TODAY=AS_OF.isoformat())
    env.pop("DATABASE_URL", None)
    out = subprocess.run(check=False, args=[sys.executable, "-m", "store.bootstrap"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "user admin / yixian-admin" in out.stdout and f"published from {DEMO.start}" in out.stdout
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


def test_bootstrap_for_a_day_shows_no_activity_after_it(tmp_path, monkeypatch):
    # `make run` bootstraps for today: the demo's school year and a ledger that stops at today
    from argon2 import PasswordHasher

    from data.demo_year import demo_year, year_info
    from store import auth as sa_auth
    from store import ledger as store_ledger

    monkeypatch.setattr(sa_auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    day = AS_OF + timedelta(days=10)
    engine = make_engine(f"sqlite:///{tmp_path / 'today.sqlite3'}")
    try:
        bootstrap(engine, say=lambda *_: None, today=day)
        with Session(engine) as s:
            led = store_ledger.load_ledger(s)
            terms = sd.load_calendar(s)
    finally:
        engine.dispose()
    assert led["date"].max().date() <= day
    assert terms[0].start == year_info(demo_year(day)).start
    assert (led["date"].dt.date > AS_OF).any() or day > year_info(demo_year(day)).end   # newer than committed
