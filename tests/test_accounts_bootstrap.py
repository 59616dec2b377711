"""Production mode: `python -m store.bootstrap --no-demo --admin NAME`; demo refused under YIXIAN_ENV=production."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from store.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path, *args, **env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "YIXIAN_ADMIN_PASSWORD")}
    env.update(YIXIAN_DB_PATH=str(tmp_path / "prod.sqlite3"), PYTHONPATH=str(ROOT), **env_extra)
    return subprocess.run([sys.executable, "-m", "store.bootstrap", *args], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


@pytest.mark.slow
def test_production_bootstrap_creates_the_first_admin_and_refuses_the_demo(tmp_path):
    out = _run(tmp_path, YIXIAN_ENV="production")
    assert out.returncode == 2 and "demo data and demo accounts are refused" in out.stderr
    out = _run(tmp_path, "--no-demo", "--admin", "zuzhibu", YIXIAN_ENV="production")
    assert out.returncode == 0, out.stderr
    password = re.search(r"one-time password \(shown only now.*\): (\S+)", out.stdout).group(1)
    assert "user zuzhibu (admin) created" in out.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    from store.auth import authenticate, list_users
    from store.data import counts
    with Session(engine) as s, s.begin():
        assert [u.username for u in list_users(s)] == ["zuzhibu"] and counts(s)["cadres"] == 0
        u = authenticate(s, "zuzhibu", password)
        assert u.role == "admin" and u.must_change_password is True
    engine.dispose()
    # the same name twice is refused; a weak password from the environment is refused
    again = _run(tmp_path, "--no-demo", "--admin", "zuzhibu", YIXIAN_ENV="production")
    assert again.returncode == 2 and "already exists" in again.stderr
    weak = _run(tmp_path, "--no-demo", "--admin", "second", YIXIAN_ENV="production", YIXIAN_ADMIN_PASSWORD="password123")
    assert weak.returncode == 2 and "common password" in weak.stderr


def test_demo_passwords_never_log_in_under_production(demo_db, monkeypatch):
    from services.auth import login

    assert login("admin", "yixian-admin") is not None
    monkeypatch.setenv("YIXIAN_ENV", "production")
    assert login("admin", "yixian-admin") is None
    from services.db import session_scope
    from store import audit
    with session_scope() as s:
        assert audit.audit_rows(s, limit=1, entity_id="admin").iloc[0].action == "login_failed"
