"""Store: lockout with back-off, uniform failures, bounded argon2 work, sessions, provisioning."""
from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from store import accounts, audit
from store import auth as sa_auth
from store import sessions as ss
from store.errors import InvalidData, ReferenceConflict
from store.models import utcnow
from store.passwords import generate_password, password_problems
from store.testing import sample_frames


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    monkeypatch.setattr(sa_auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


def _actions(s, username):
    return list(audit.audit_rows(s, entity="user", entity_id=username).action)[::-1]


def _load(s):
    from store import data as sd

    f = sample_frames()
    sd.replace_kinds(s, {k: f[k] for k in sd.REPLACEABLE}, "admin")
    return f


def test_five_failures_lock_the_account_with_back_off(db_session):
    s = db_session
    sa_auth.create_user(s, "p1", "right-password", "planner", "P", "admin")
    policy = sa_auth.LoginPolicy(max_failures=5, lock_minutes=15)
    t0 = utcnow()
    for i in range(4):
        assert sa_auth.authenticate(s, "p1", f"wrong-{i}", now=t0, policy=policy) is None
    assert sa_auth.authenticate(s, "p1", "right-password", now=t0, policy=policy) is not None  # resets
    for i in range(5):
        assert sa_auth.authenticate(s, "p1", f"wrong-{i}", now=t0, policy=policy) is None
    # locked: even the right password is refused, with the same answer, until 15 min have passed
    assert sa_auth.authenticate(s, "p1", "right-password", now=t0 + timedelta(minutes=14), policy=policy) is None
    t1 = t0 + timedelta(minutes=15, seconds=1)
    for i in range(5):   # a second lockout in a row lasts twice as long
        assert sa_auth.authenticate(s, "p1", f"again-{i}", now=t1, policy=policy) is None
    assert sa_auth.authenticate(s, "p1", "right-password", now=t1 + timedelta(minutes=29), policy=policy) is None
    assert sa_auth.authenticate(s, "p1", "right-password", now=t1 + timedelta(minutes=31), policy=policy)
    acts = _actions(s, "p1")
    assert acts.count("lockout") == 2 and acts.count("login") == 2
    assert acts.count("login_failed") == 4 + 5 + 1 + 5 + 1
    lock = [r for r in audit.audit_rows(s, entity="user", entity_id="p1").itertuples() if r.action == "lockout"][-1]
    assert lock.after["lockouts"] == 1


def test_admin_unlocks(db_session):
    s = db_session
    sa_auth.create_user(s, "p2", "right-password", "planner", "P", "admin")
    for i in range(5):
        sa_auth.authenticate(s, "p2", f"wrong-{i}")
    assert sa_auth.authenticate(s, "p2", "right-password") is None
    frame = accounts.users_frame(s, "p2")
    assert frame.locked_until.notna().all()
    accounts.unlock(s, "p2", "admin")
    assert sa_auth.authenticate(s, "p2", "right-password") is not None
    assert "unlock" in _actions(s, "p2")


def test_lockout_settings_from_environment(monkeypatch):
    monkeypatch.setenv("YIXIAN_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("YIXIAN_LOCKOUT_MINUTES", "2")
    p = sa_auth.LoginPolicy.from_env()
    assert (p.max_failures, p.lock_for(1), p.lock_for(3)) == (3, timedelta(minutes=2), timedelta(minutes=8))
    assert sa_auth.LoginPolicy().lock_for(20) == timedelta(hours=24)


def test_unknown_user_costs_one_verification_and_gets_the_same_answer(db_session, monkeypatch):
    s = db_session
    sa_auth.create_user(s, "known", "right-password", "leader", "L", "admin")
    calls = []
    real = sa_auth._verify
    monkeypatch.setattr(sa_auth, "_verify", lambda h, p: calls.append(h) or real(h, p))
    assert sa_auth.authenticate(s, "ghost", "right-password") is None
    assert sa_auth.authenticate(s, "known", "wrong-password") is None
    assert calls[0] == sa_auth._DUMMY_HASH and calls[1] != sa_auth._DUMMY_HASH and len(calls) == 2
    row = audit.audit_rows(s, entity="user", entity_id="ghost").iloc[0]
    assert (row.actor, row.action, row.after) == ("anonymous", "login_failed", {"reason": "unknown"})


def test_argon2_work_is_bounded_per_process(monkeypatch):
    """30 logins at once: never more than the configured number of hashes in flight."""
    inflight, peak, lock = [0], [0], threading.Lock()

    class Slow:
        def hash(self, pw):
            with lock:
                inflight[0] += 1
                peak[0] = max(peak[0], inflight[0])
            time.sleep(0.02)
            with lock:
                inflight[0] -= 1
            return "h"

    monkeypatch.setattr(sa_auth, "_hasher", Slow())
    monkeypatch.setattr(sa_auth, "_SLOTS", threading.BoundedSemaphore(2))
    threads = [threading.Thread(target=sa_auth.hash_password, args=("x",)) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_password_rules_and_generated_passwords():
    assert password_problems("short") and password_problems("1234567890")
    assert password_problems("Abcdefghij", "abcdefghij")
    assert not password_problems("tall-pine-orchard-7")
    pw = generate_password()
    assert len(pw) == 14 and not password_problems(pw, "someone")


def test_sessions_idle_and_absolute_expiry(db_session):
    s = db_session
    u = sa_auth.create_user(s, "c1", "right-password", "college", "C", "admin", college="X")
    policy = ss.SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    t0 = utcnow()
    tok = ss.create_session(s, u, "password", "127.0.0.1", now=t0, policy=policy)
    assert ss.resume(s, tok, now=t0 + timedelta(minutes=29), policy=policy) == u
    # each click moves the idle limit; the absolute one stays
    t = t0
    for _ in range(30):
        t += timedelta(minutes=29)
        if t >= t0 + timedelta(hours=12):
            assert ss.resume(s, tok, now=t, policy=policy) is None
            break
        assert ss.resume(s, tok, now=t, policy=policy) == u
    else:
        pytest.fail("absolute expiry never reached")
    tok2 = ss.create_session(s, u, "password", "", now=t0, policy=policy)
    assert ss.resume(s, tok2, now=t0 + timedelta(minutes=31), policy=policy) is None
    assert ss.resume(s, tok2, now=t0 + timedelta(minutes=1), policy=policy) is None   # deleted, not revived
    assert ss.resume(s, "forged", policy=policy) is None
    reasons = [r.after["reason"] for r in audit.audit_rows(s, entity="session").itertuples()
               if r.action == "session_expired"]
    assert sorted(reasons) == ["absolute", "idle"]


def test_deactivation_reset_and_role_change_apply_to_open_sessions(db_session):
    s = db_session
    _load(s)
    u = sa_auth.create_user(s, "c2", "right-password", "college", "C", "admin", college="计算机学院")
    tok = ss.create_session(s, u, "password")
    accounts.update_user(s, "c2", "admin", role="leader")
    assert ss.resume(s, tok).role == "leader"
    new = accounts.reset_password(s, "c2", "admin")
    assert ss.resume(s, tok) is None
    assert sa_auth.authenticate(s, "c2", new).must_change_password is True
    tok = ss.create_session(s, sa_auth.get_user(s, "c2"), "password")
    sa_auth.set_active(s, "c2", False, "admin")
    assert ss.resume(s, tok) is None and ss.count_sessions(s, u.id) == 0
    assert {"update", "reset_password", "sessions_ended", "set_active"} <= set(_actions(s, "c2"))


def test_logout_ends_the_session_and_password_change_keeps_only_this_one(db_session):
    s = db_session
    u = sa_auth.create_user(s, "l1", "right-password", "leader", "L", "admin")
    a, b = ss.create_session(s, u, "password"), ss.create_session(s, u, "password")
    sa_auth.set_password(s, "l1", "another-password", "l1", keep_session=ss.token_hash(a))
    assert ss.resume(s, a) == u and ss.resume(s, b) is None
    assert ss.end_session(s, a) is True and ss.resume(s, a) is None and ss.end_session(s, a) is False


def test_update_user_checks_role_scope_and_links(db_session):
    s = db_session
    _load(s)
    sa_auth.create_user(s, "x1", "right-password", "leader", "X", "admin")
    with pytest.raises(InvalidData, match="college"):
        accounts.update_user(s, "x1", "admin", role="college")
    with pytest.raises(InvalidData, match="C999"):
        accounts.update_user(s, "x1", "admin", role="cadre", cadre_id="C999")
    with pytest.raises(InvalidData, match="不在班级名册"):
        accounts.update_user(s, "x1", "admin", role="college", college="无此学院")
    accounts.update_user(s, "x1", "admin", role="cadre", cadre_id="C001", sso_id="2001001")
    sa_auth.create_user(s, "x2", "right-password", "leader", "X", "admin")
    with pytest.raises(InvalidData, match="2001001"):
        accounts.update_user(s, "x2", "admin", sso_id="2001001")
    row = accounts.users_frame(s, "x1").iloc[0]
    assert (row.role, row.cadre_id, row.sso_id) == ("cadre", "C001", "2001001")


def test_provision_cadres_and_colleges(db_session):
    s = db_session
    f = _load(s)
    sa_auth.create_user(s, "c001", "right-password", "cadre", "已有", "admin", cadre_id="C001")
    made = accounts.provision_cadres(s, "admin")
    assert [m["username"] for m in made] == sorted(set(f["cadres"].cadre_id) - {"C001"})
    for m in made:
        u = sa_auth.authenticate(s, m["username"], m["password"])
        assert u.role == "cadre" and u.cadre_id == m["username"] and u.must_change_password
    assert accounts.provision_cadres(s, "admin") == []           # idempotent
    colleges = accounts.provision_colleges(s, "admin", prefix="yx")
    assert [m["display_name"] for m in colleges] == sorted(set(f["classes"].college))
    assert [m["username"] for m in colleges] == [f"yx{i:02d}" for i in range(1, len(colleges) + 1)]
    assert accounts.provision_colleges(s, "admin", prefix="yx") == []
    assert _actions(s, made[0]["username"]) == ["create", "provision", "login"]


def test_credentials_workbook_is_text_only():
    from openpyxl import load_workbook

    from services.users import credentials_xlsx

    data = credentials_xlsx([{"username": "001", "display_name": "=HYPERLINK(\"x\")", "role": "cadre",
                              "unit": "+1", "password": "Abc2345678xyz"}])
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]] == ["001", "=HYPERLINK(\"x\")", "cadre", "+1", "Abc2345678xyz"]
    assert all(c.data_type == "s" for c in ws[2])


def test_roster_import_dropping_a_linked_cadre_names_the_account_and_how_to_proceed(db_session):
    from store import data as sd

    s = db_session
    f = _load(s)
    sa_auth.create_user(s, "zhang", "right-password", "cadre", "Zhang", "admin", cadre_id="C003")
    without = {"cadres": f["cadres"][f["cadres"].cadre_id != "C003"],
               "preferences": f["preferences"][f["preferences"].cadre_id != "C003"],
               "exemptions": f["exemptions"][f["exemptions"].cadre_id != "C003"]}
    with pytest.raises(ReferenceConflict) as ei:
        sd.replace_kinds(s, without, "admin")
    assert "'zhang'" in str(ei.value) and "用户管理" in str(ei.value) and "Users page" in str(ei.value)
    sa_auth.set_active(s, "zhang", False, "admin")
    assert sd.replace_kinds(s, without, "admin")["cadres"].removed == 1
