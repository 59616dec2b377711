"""Users and passwords: argon2id hashes (argon2-cffi), never plain text; login with lockout.

Login hardening (`authenticate`):
- after `max_failures` (default 5, YIXIAN_LOGIN_MAX_FAILURES) wrong passwords in a row the
  account is locked for `lock_minutes` (default 15, YIXIAN_LOCKOUT_MINUTES), doubling with each
  further lockout (capped at 24 h) until a successful login or an admin's unlock;
- unknown users, inactive and locked accounts cost one argon2 verification too and get the same
  answer (None), so neither the answer nor its timing tells which usernames exist;
- every failure, lockout and success is audit-logged;
- at most YIXIAN_ARGON2_CONCURRENCY (default 2) argon2 computations run at once per process
  (64 MiB each), so a burst of logins cannot exhaust memory; the others queue.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from common import vocabulary
from store import audit
from store.errors import InvalidData, NotFound, StoreError
from store.locks import serialise
from store.models import User, utcnow
from store.passwords import check_password

ROLES = tuple(vocabulary.ROLES)
MIN_PASSWORD = 10
ANONYMOUS = "anonymous"          # audit actor for a failed login under an unknown username
_hasher = PasswordHasher(type=Type.ID)
# verified against when the username is unknown, so that both paths cost one argon2 hash
_DUMMY_HASH = _hasher.hash("yixian-no-such-user")
_SLOTS = threading.BoundedSemaphore(max(1, int(os.environ.get("YIXIAN_ARGON2_CONCURRENCY", "2") or 2)))
_SLOT_WAIT_SECONDS = 30


class Busy(StoreError):
    """Too many logins at once: the caller may retry."""


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lock_minutes: float = 15.0
    max_lock_hours: float = 24.0

    @classmethod
    def from_env(cls) -> LoginPolicy:
        return cls(max_failures=max(1, int(os.environ.get("YIXIAN_LOGIN_MAX_FAILURES", "5") or 5)),
                   lock_minutes=float(os.environ.get("YIXIAN_LOCKOUT_MINUTES", "15") or 15))

    def lock_for(self, lockouts: int) -> timedelta:
        """The lock after the n-th lockout in a row (1-based): 15 min, 30, 60, … ≤ 24 h."""
        minutes = self.lock_minutes * (2 ** max(0, lockouts - 1))
        return min(timedelta(minutes=minutes), timedelta(hours=self.max_lock_hours))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    college: str | None
    cadre_id: str | None
    must_change_password: bool = False


class _Slot:
    """One of the process's argon2 slots, or Busy after waiting too long."""

    def __enter__(self):
        if not _SLOTS.acquire(timeout=_SLOT_WAIT_SECONDS):
            raise Busy("登录人数过多，请稍后再试", "too many logins at once, please try again shortly")

    def __exit__(self, *exc):
        _SLOTS.release()


def hash_password(password: str) -> str:
    with _Slot():
        return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    with _Slot():
        try:
            return _hasher.verify(stored, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _info(u: User) -> UserInfo:
    return UserInfo(id=u.id, username=u.username, display_name=u.display_name, role=u.role,
                    college=u.college, cadre_id=u.cadre_id, must_change_password=bool(u.must_change_password))


def public(u: User) -> dict:
    """What the audit log may show of an account (never the hash)."""
    return {"username": u.username, "display_name": u.display_name, "role": u.role, "college": u.college,
            "cadre_id": u.cadre_id, "active": u.active, "sso_id": u.sso_id,
            "must_change_password": bool(u.must_change_password)}


def role_problems(role: str, college: str | None, cadre_id: str | None) -> list[str]:
    problems = []
    if role not in ROLES:
        problems.append(f"角色 role {role!r} 应为 expected one of {', '.join(ROLES)}")
    if role == "college" and not college:
        problems.append("院系账号需要学院 a college account needs its college")
    if role == "cadre" and not cadre_id:
        problems.append("干部账号需要工号 a cadre account needs its cadre_id")
    return problems


def create_user(session: Session, username: str, password: str, role: str, display_name: str, actor: str,
                college: str | None = None, cadre_id: str | None = None, must_change_password: bool = False,
                sso_id: str | None = None, check_rules: bool = True) -> UserInfo:
    """A new account. `check_rules=False` is for the demo bootstrap only (its published passwords)."""
    username = (username or "").strip()
    problems = [] if username else ["用户名为空 username is empty"]
    if len(username) > 64:
        problems.append("用户名最多 64 个字符 a username has at most 64 characters")
    problems += role_problems(role, college, cadre_id)
    if problems:
        raise InvalidData("账号信息有误", "invalid user", problems)
    if check_rules:
        check_password(password, username)
    password_hash = hash_password(password)
    with session.begin_nested():
        serialise(session, "users")
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise InvalidData(f"用户名 {username} 已存在", f"username {username!r} already exists")
        now = utcnow()
        u = User(username=username, password_hash=password_hash, role=role,
                 display_name=display_name or username, college=college or None, cadre_id=cadre_id or None,
                 active=True, created_at=now, updated_at=now, must_change_password=must_change_password,
                 failed_logins=0, lockouts=0, sso_id=sso_id or None)
        session.add(u)
        session.flush()
        audit.record(session, actor, "create", "user", username, after=public(u))
    return _info(u)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None,
                 policy: LoginPolicy | None = None) -> UserInfo | None:
    """The user when the password is right, the account active and not locked; else None."""
    now = now or utcnow()
    policy = policy or LoginPolicy.from_env()
    username = (username or "").strip()[:64]
    u = session.scalars(select(User).where(User.username == username)).first() if username else None
    usable = u is not None and u.active and not (u.locked_until and u.locked_until > now)
    ok = _verify(u.password_hash if usable else _DUMMY_HASH, password) and usable
    with session.begin_nested():
        serialise(session, "users")
        if u is None:
            audit.record(session, ANONYMOUS, "login_failed", "user", username, after={"reason": "unknown"})
            return None
        session.refresh(u)
        if not ok:
            _failed(session, u, now, policy, usable)
            return None
        u.failed_logins, u.lockouts, u.locked_until, u.last_login_at = 0, 0, None, now
        audit.record(session, u.username, "login", "user", u.username)
    info = _info(u)
    if _hasher.check_needs_rehash(u.password_hash):  # parameters were raised since: upgrade quietly
        _rehash(session, u, password)
    return info


def _failed(session: Session, u: User, now: datetime, policy: LoginPolicy, usable: bool) -> None:
    if not u.active:
        audit.record(session, u.username, "login_failed", "user", u.username, after={"reason": "inactive"})
        return
    if not usable:
        audit.record(session, u.username, "login_failed", "user", u.username,
                     after={"reason": "locked", "locked_until": u.locked_until})
        return
    u.failed_logins = (u.failed_logins or 0) + 1
    audit.record(session, u.username, "login_failed", "user", u.username,
                 after={"reason": "password", "failures": u.failed_logins})
    if u.failed_logins >= policy.max_failures:
        u.lockouts = (u.lockouts or 0) + 1
        u.locked_until = now + policy.lock_for(u.lockouts)
        u.failed_logins = 0
        audit.record(session, u.username, "lockout", "user", u.username,
                     after={"locked_until": u.locked_until, "lockouts": u.lockouts})


def _rehash(session: Session, u: User, password: str) -> None:
    try:
        with session.begin_nested():
            serialise(session, "users")
            u.password_hash = hash_password(password)
            u.updated_at = utcnow()
            audit.record(session, u.username, "rehash_password", "user", u.username)
    except DBAPIError:  # e.g. SQLite busy: the login still succeeds, the upgrade waits for next time
        session.expire(u)


def user_row(session: Session, username: str) -> User:
    u = session.scalars(select(User).where(User.username == username)).first()
    if u is None:
        raise NotFound(f"用户 {username} 不存在", f"user {username!r} does not exist")
    return u


def set_password(session: Session, username: str, new_password: str, actor: str,
                 must_change: bool = False, keep_session: str | None = None) -> None:
    """Set a password (rules checked) and end the account's other sessions."""
    from store.sessions import end_user_sessions

    check_password(new_password, username)
    new_hash = hash_password(new_password)
    with session.begin_nested():
        serialise(session, "users")
        u = user_row(session, username)
        u.password_hash = new_hash
        u.must_change_password = bool(must_change)
        u.failed_logins, u.lockouts, u.locked_until = 0, 0, None
        u.updated_at = utcnow()
        session.flush()
        # the hash itself is never written to the audit log
        audit.record(session, actor, "reset_password" if must_change else "set_password", "user", username)
        end_user_sessions(session, u.id, actor, keep_token_hash=keep_session)


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    from store.sessions import end_user_sessions

    with session.begin_nested():
        serialise(session, "users")
        u = user_row(session, username)
        before = public(u)
        u.active = bool(active)
        u.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "set_active", "user", username, before=before, after=public(u))
        if not active:
            end_user_sessions(session, u.id, actor)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(session: Session, username: str) -> UserInfo | None:
    u = session.scalars(select(User).where(User.username == username)).first()
    return None if u is None else _info(u)


def get_user_by_id(session: Session, user_id: int) -> tuple[UserInfo, bool] | None:
    """(user, active) by id, for the per-click session check."""
    u = session.get(User, user_id)
    return None if u is None else (_info(u), bool(u.active))
