"""Server-side login sessions (any app process can serve any session: they live in the database).

A session is a random 256-bit token; the browser keeps it in a signed cookie, the database only
its SHA-256. `resume` is called on every script run: it checks the idle and absolute limits,
re-reads the account (so a deactivation, role change or password reset applies on the next
click) and moves `last_seen_at` forward (at most once a minute, to spare writes).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store import audit
from store.auth import UserInfo, get_user_by_id
from store.models import AppSecret, User, UserSession, utcnow

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    @classmethod
    def from_env(cls) -> SessionPolicy:
        idle = float(os.environ.get("YIXIAN_SESSION_IDLE_MINUTES", "30") or 30)
        absolute = float(os.environ.get("YIXIAN_SESSION_MAX_HOURS", "12") or 12)
        return cls(idle=timedelta(minutes=idle), absolute=timedelta(hours=absolute))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(session: Session, user: UserInfo, via: str, client: str = "",
                   now: datetime | None = None, policy: SessionPolicy | None = None) -> str:
    """A new session for `user`; returns the token (shown to nobody but the cookie)."""
    now = now or utcnow()
    policy = policy or SessionPolicy.from_env()
    token = secrets.token_urlsafe(32)
    with session.begin_nested():
        row = UserSession(token_hash=token_hash(token), user_id=user.id, via=via, client=(client or "")[:200],
                          created_at=now, last_seen_at=now, expires_at=now + policy.absolute)
        session.add(row)
        session.flush()
        audit.record(session, user.username, "session_start", "session", row.id,
                     after={"via": via, "client": row.client, "expires_at": row.expires_at})
    return token


def resume(session: Session, token: str, now: datetime | None = None,
           policy: SessionPolicy | None = None) -> UserInfo | None:
    """The session's user, fresh from the store; None (and the session deleted) when it has
    expired, was ended, or its account is gone or inactive."""
    if not token:
        return None
    now = now or utcnow()
    policy = policy or SessionPolicy.from_env()
    row = session.scalars(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None:
        return None
    found = get_user_by_id(session, row.user_id)
    reason = None
    if found is None or not found[1]:
        reason = "inactive"
    elif now >= row.expires_at:
        reason = "absolute"
    elif now - row.last_seen_at >= policy.idle:
        reason = "idle"
    if reason:
        with session.begin_nested():
            audit.record(session, found[0].username if found else "system", "session_expired", "session",
                         row.id, after={"reason": reason})
            session.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    user = found[0]
    if row.via != "password" and user.must_change_password:
        # signed on through the campus (CAS/OIDC): the app password is not in use, so its forced
        # change does not stand in the way (it stays due for a password login)
        user = dataclasses.replace(user, must_change_password=False)
    return user


def end_session(session: Session, token: str, actor: str | None = None) -> bool:
    """Logout: the session row is deleted (the cookie then opens nothing, on any process)."""
    row = session.scalars(select(UserSession).where(UserSession.token_hash == token_hash(token or ""))).first()
    if row is None:
        return False
    with session.begin_nested():
        user = session.get(User, row.user_id)
        audit.record(session, actor or (user.username if user else "system"), "logout", "session", row.id)
        session.delete(row)
    return True


def end_user_sessions(session: Session, user_id: int, actor: str, keep_token_hash: str | None = None) -> int:
    """End every session of an account (password reset, deactivation), except one if asked."""
    q = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token_hash:
        q = q.where(UserSession.token_hash != keep_token_hash)
    n = session.execute(q).rowcount or 0
    if n:
        user = session.get(User, user_id)
        audit.record(session, actor, "sessions_ended", "user", user.username if user else user_id,
                     after={"sessions": n})
    return n


def count_sessions(session: Session, user_id: int) -> int:
    return len(session.scalars(select(UserSession.id).where(UserSession.user_id == user_id)).all())


def purge_expired(session: Session, now: datetime | None = None, policy: SessionPolicy | None = None) -> int:
    """Delete sessions past either limit (housekeeping at login; no audit row per session)."""
    now = now or utcnow()
    policy = policy or SessionPolicy.from_env()
    q = delete(UserSession).where((UserSession.expires_at <= now) | (UserSession.last_seen_at <= now - policy.idle))
    return session.execute(q).rowcount or 0


def app_secret(session: Session, name: str) -> str:
    """A random secret shared by every process on this database (created on first use)."""
    row = session.get(AppSecret, name)
    if row is not None:
        return row.value
    from store.locks import serialise

    with session.begin_nested():
        serialise(session, "app_secrets")
        row = session.get(AppSecret, name)
        if row is None:
            row = AppSecret(name=name, value=secrets.token_urlsafe(48), created_at=utcnow())
            session.add(row)
            session.flush()
            audit.record(session, "system", "create", "app_secret", name)
    return row.value
