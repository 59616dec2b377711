"""Store: users and passwords (argon2id), services.auth.login, services.db — on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from store import audit
from store import auth as sa_auth
from store.errors import InvalidData
from store.models import User

ROOT = Path(__file__).resolve().parent.parent


PRODUCTION_HASHER = {"test_password_is_stored_as_argon2id_and_verified"}


@pytest.fixture(autouse=True)
def cheap_hasher(request, monkeypatch):
    """Production argon2id parameters cost ~0.1 s a hash; most tests here do not need them."""
    if request.node.originalname not in PRODUCTION_HASHER:
        monkeypatch.setattr(sa_auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


def test_password_is_stored_as_argon2id_and_verified(db_session):
    u = sa_auth.create_user(db_session, "admin", "correct horse", "admin", "组织部", "bootstrap")
    db_session.commit()
    stored = db_session.scalars(select(User.password_hash).where(User.username == "admin")).one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert PasswordHasher().verify(stored, "correct horse")
    assert sa_auth.authenticate(db_session, "admin", "correct horse") == u
    assert sa_auth.authenticate(db_session, " admin ", "correct horse") == u
    assert sa_auth.authenticate(db_session, "admin", "correct horsE") is None
    assert sa_auth.authenticate(db_session, "admin", "") is None
    assert sa_auth.authenticate(db_session, "nobody", "correct horse") is None
    assert sa_auth.authenticate(db_session, "", "") is None
    rows = audit.audit_rows(db_session, entity="user")
    row = rows[rows.action == "create"].iloc[0]
    assert row.actor == "bootstrap" and "password_hash" not in row.after
    # every attempt is logged: 2 successes, 2 wrong passwords, 2 unknown users (one of them empty)
    assert list(rows.action).count("login") == 2 and list(rows.action).count("login_failed") == 4
    assert "correct horse" not in str(audit.audit_rows(db_session).to_dict())


def test_user_info_is_frozen_and_picklable(db_session):
    u = sa_auth.create_user(db_session, "c1", "password-1", "college", "计算机学院", "admin", college="计算机学院")
    with pytest.raises(dataclasses.FrozenInstanceError):
        u.role = "admin"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(u)) == u
    assert (u.role, u.college, u.cadre_id, u.display_name) == ("college", "计算机学院", None, "计算机学院")


def test_create_user_validation(db_session):
    sa_auth.create_user(db_session, "a", "password-1", "admin", "A", "root")
    with pytest.raises(InvalidData, match="already exists"):
        sa_auth.create_user(db_session, "a", "password-2", "admin", "A", "root")
    with pytest.raises(InvalidData) as ei:
        sa_auth.create_user(db_session, "b", "password-1", "boss", "B", "root")
    assert "boss" in str(ei.value)
    with pytest.raises(InvalidData, match="college"):
        sa_auth.create_user(db_session, "c", "password-1", "college", "C", "root")
    with pytest.raises(InvalidData, match="cadre_id"):
        sa_auth.create_user(db_session, "d", "password-1", "cadre", "D", "root")
    with pytest.raises(InvalidData, match="at least 10"):
        sa_auth.create_user(db_session, "e", "short", "admin", "E", "root")
    for weak in ("12345678", "password", "password12", "Yixian-Admin", "qwertyuiop", "aaaaaaaaaaaa"):
        with pytest.raises(InvalidData) as ei:
            sa_auth.create_user(db_session, "e", weak, "admin", "E", "root")
        assert "password" in str(ei.value), weak
    with pytest.raises(InvalidData, match="may not be the username"):
        sa_auth.create_user(db_session, "zhangsan1234", "ZhangSan1234", "admin", "E", "root")
    assert sa_auth.get_user(db_session, "e") is None and sa_auth.get_user(db_session, "zhangsan1234") is None


def test_set_password_and_deactivate(db_session):
    sa_auth.create_user(db_session, "p", "old-password", "planner", "P", "admin")
    sa_auth.set_password(db_session, "p", "new-password", "admin")
    db_session.commit()
    assert sa_auth.authenticate(db_session, "p", "old-password") is None
    assert sa_auth.authenticate(db_session, "p", "new-password").username == "p"
    sa_auth.set_active(db_session, "p", False, "admin")
    assert sa_auth.authenticate(db_session, "p", "new-password") is None
    acts = audit.audit_rows(db_session, entity="user", entity_id="p")
    assert list(acts.action) == ["login_failed", "set_active", "login", "login_failed", "set_password", "create"]
    assert acts.iloc[1].before["active"] is True and acts.iloc[1].after["active"] is False
    assert acts.iloc[0].after == {"reason": "inactive"}


def test_outdated_hash_is_upgraded_on_login(db_session):
    sa_auth.create_user(db_session, "old", "password-1", "leader", "L", "admin")
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("password-1")
    db_session.execute(User.__table__.update().where(User.username == "old").values(password_hash=weak))
    assert sa_auth.authenticate(db_session, "old", "password-1") is not None
    new = db_session.scalars(select(User.password_hash).where(User.username == "old")).one()
    assert new.startswith("$argon2id$") and new != weak and not sa_auth._hasher.check_needs_rehash(new)
    assert audit.audit_rows(db_session, limit=1).iloc[0].action == "rehash_password"


def test_services_login_uses_the_configured_database(db):
    from services.auth import change_password, login
    from services.db import session_scope

    with session_scope() as s:
        sa_auth.create_user(s, "leader", "leader-pass-1", "leader", "校领导", "test")
    user = login("leader", "leader-pass-1")
    assert user is not None and user.role == "leader" and user.display_name == "校领导"
    assert login("leader", "wrong-password") is None
    assert login("ghost", "leader-pass-1") is None
    assert change_password(user, "nope-nope", "another-pass") is False
    with pytest.raises(InvalidData, match="common password"):
        change_password(user, "leader-pass-1", "password123")
    from services.access import AccessDenied
    with pytest.raises(AccessDenied):
        change_password(None, "leader-pass-1", "another-pass")
    assert change_password(user, "leader-pass-1", "another-pass") is True
    assert login("leader", "another-pass") is not None


def test_session_scope_rolls_back_on_error(db):
    from services.db import session_scope

    with pytest.raises(RuntimeError), session_scope() as s:
        sa_auth.create_user(s, "x", "password-1", "admin", "X", "test")
        raise RuntimeError("boom")
    with session_scope() as s:
        assert sa_auth.get_user(s, "x") is None
        assert audit.audit_rows(s).empty


def test_two_processes_share_one_database(db):
    """A separate Python process (its own engine) writes; this process reads, and vice versa."""
    url = db.url.render_as_string(hide_password=False)
    from services.data import counts as _counts
    from store import data as sd
    from store.auth import UserInfo

    admin = UserInfo(id=0, username="admin", display_name="admin", role="admin", college=None, cadre_id=None)

    def counts():
        return _counts(admin)
    from store.testing import sample_frames

    f = sample_frames()
    from services.db import session_scope
    with session_scope() as s:
        sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, "admin")
    code = (
        "from datetime import date\n"
        "from services.db import session_scope\n"
        "from store import data as sd\n"
        "with session_scope() as s:\n"
        "    assert sd.counts(s)['cadres'] == 3, sd.counts(s)\n"
        "    sd.add_activity(s, {'cadre_id': 'C003', 'date': date(2025, 12, 1), 'type': 'face_to_face',"
        " 'venue': '食堂', 'summary': 'other process'}, 'cadre3')\n"
    )
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, timeout=60)
    assert counts()["ledger"] == 1
    from services.data import load_kind
    led = load_kind(admin, "ledger")
    assert led.iloc[0].summary == "other process" and led.iloc[0].date.date() == date(2025, 12, 1)
