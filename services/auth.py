"""Login, sessions and the session cookie (ui/auth.py and web/ call these).

The cookie holds `<token>.<signature>`: the token names a server-side session row (store/sessions.py),
the signature (HMAC-SHA256 via itsdangerous, key YIXIAN_SECRET_KEY or a random key kept in the
database so every process shares it) lets a process refuse a forged cookie without a query.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from services.db import get_engine, session_scope
from store import sessions as ss
from store.auth import UserInfo, authenticate, get_user
from store.errors import InvalidData

COOKIE_NAME = "yixian_session"
SECRET_NAME = "cookie_signing_key"


@dataclass(frozen=True)
class Started:
    token: str
    user: UserInfo


def is_production() -> bool:
    return os.environ.get("YIXIAN_ENV", "").strip().lower() == "production"


def _demo_password(password: str) -> bool:
    from store.bootstrap import DEMO_USERS

    return any(password == pw for _, pw, _, _ in DEMO_USERS)


def login(username: str, password: str) -> UserInfo | None:
    """The user when the credentials are right (lockout and audit included), else None.
    In production mode (YIXIAN_ENV=production) the demo passwords never log anyone in."""
    if is_production() and _demo_password(password):
        password = "\x00" + password    # never right: counts and is logged as a failed attempt
    with session_scope() as session:
        return authenticate(session, username, password)


def start_session(username: str, password: str, client: str = "") -> Started | None:
    """Check the password and open a server-side session: the token for the cookie, or None."""
    user = login(username, password)
    if user is None:
        return None
    return _open(user, "password", client)


def _open(user: UserInfo, via: str, client: str) -> Started:
    with session_scope() as session:
        ss.purge_expired(session)
        token = ss.create_session(session, user, via, client)
    return Started(token, user)


def sso_session(campus_id: str, via: str, client: str = "") -> Started | None:
    """Single sign-on: the campus id maps to an active account (its `sso_id`, else its username);
    no account, no entry. Audit-logged either way."""
    from sqlalchemy import select

    from store import audit
    from store.models import User

    campus_id = (campus_id or "").strip()
    with session_scope() as session:
        u = session.scalars(select(User).where(User.sso_id == campus_id)).first() if campus_id else None
        if u is None and campus_id:
            u = session.scalars(select(User).where(User.username == campus_id, User.sso_id.is_(None))).first()
        if u is None or not u.active:
            audit.record(session, "anonymous", "sso_refused", "user", campus_id[:64],
                         after={"via": via, "reason": "inactive" if u is not None else "no account"})
            return None
        audit.record(session, u.username, "login", "user", u.username, after={"via": via})
        user = get_user(session, u.username)
    return _open(user, via, client)


def security_event(action: str, subject: str, reason: str, client: str = "") -> None:
    """A refused attempt that names no account (a bad sign-on ticket, state or token; an address
    throttled for too many failures): one audit row, entity "security"."""
    from store import audit

    with session_scope() as session:
        audit.record(session, "anonymous", action, "security", subject,
                     after={"reason": reason[:200], "client": client[:200]})


def resume(token: str | None) -> UserInfo | None:
    """The session's user as stored now (None when it ended or expired)."""
    if not token:
        return None
    with session_scope() as session:
        return ss.resume(session, token)


def logout(token: str | None) -> None:
    if token:
        with session_scope() as session:
            ss.end_session(session, token)


def change_password(actor: UserInfo, old_password: str, new_password: str, token: str | None = None) -> bool:
    """The acting user changing their own password: False when the old password is wrong (it
    counts as a failed login). The rules apply (InvalidData names each broken rule); every other
    session of the account ends, this one (`token`) stays."""
    from services.access import require
    from store.auth import set_password
    from store.passwords import check_password

    require(actor, action="change_password")
    if new_password == old_password:
        raise InvalidData("新密码不能与旧密码相同", "the new password must differ from the old one")
    check_password(new_password, actor.username)
    if login(actor.username, old_password) is None:
        return False
    with session_scope() as session:
        set_password(session, actor.username, new_password, actor=actor.username,
                     keep_session=ss.token_hash(token) if token else None)
    return True


@functools.cache
def _signer_for(url: str, env_key: str):
    from itsdangerous import Signer

    key = env_key
    if not key:
        with session_scope() as session:
            key = ss.app_secret(session, SECRET_NAME)
    return Signer(key, salt="yixian-session", digest_method=_sha256())


def _sha256():
    import hashlib

    return hashlib.sha256


def _signer():
    return _signer_for(get_engine().url.render_as_string(hide_password=False),
                       os.environ.get("YIXIAN_SECRET_KEY", "").strip())


def sign(token: str) -> str:
    return _signer().sign(token.encode("ascii")).decode("ascii")


def unsign(cookie: str | None) -> str | None:
    """The token inside a cookie value, or None when it is missing or its signature is wrong."""
    from itsdangerous import BadSignature

    if not cookie:
        return None
    try:
        return _signer().unsign(cookie.encode("latin-1")).decode("ascii")
    except (BadSignature, UnicodeError):
        return None


def cookie_max_age() -> int:
    return int(ss.SessionPolicy.from_env().absolute.total_seconds())


def cookie_secure() -> bool:
    """`Secure` flag: on in production (served over TLS behind nginx), or YIXIAN_COOKIE_SECURE=1."""
    flag = os.environ.get("YIXIAN_COOKIE_SECURE", "").strip()
    return flag == "1" if flag else is_production()
