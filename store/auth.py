"""Users and passwords: argon2id hashes (argon2-cffi), never plain text."""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from store import audit
from store.errors import InvalidData, NotFound
from store.locks import serialise
from store.models import User, utcnow

ROLES = ("admin", "leader", "planner", "college", "cadre")
MIN_PASSWORD = 8
_hasher = PasswordHasher(type=Type.ID)
# verified against when the username is unknown, so that both paths cost one argon2 hash
_DUMMY_HASH = _hasher.hash("yixian-no-such-user")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    college: str | None
    cadre_id: str | None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _info(u: User) -> UserInfo:
    return UserInfo(id=u.id, username=u.username, display_name=u.display_name, role=u.role,
                    college=u.college, cadre_id=u.cadre_id)


def _public(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "role": u.role, "college": u.college,
            "cadre_id": u.cadre_id, "active": u.active}


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidData(f"密码至少 {MIN_PASSWORD} 个字符", f"a password needs at least {MIN_PASSWORD} characters")


def create_user(session: Session, username: str, password: str, role: str, display_name: str, actor: str,
                college: str | None = None, cadre_id: str | None = None) -> UserInfo:
    username = (username or "").strip()
    problems = []
    if not username:
        problems.append("用户名为空 username is empty")
    if role not in ROLES:
        problems.append(f"角色 role {role!r} 应为 expected one of {', '.join(ROLES)}")
    if role == "college" and not college:
        problems.append("院系账号需要学院 a college account needs its college")
    if role == "cadre" and not cadre_id:
        problems.append("干部账号需要工号 a cadre account needs its cadre_id")
    if problems:
        raise InvalidData("账号信息有误", "invalid user", problems)
    _check_password(password)
    with session.begin_nested():
        serialise(session, "users")
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise InvalidData(f"用户名 {username} 已存在", f"username {username!r} already exists")
        now = utcnow()
        u = User(username=username, password_hash=hash_password(password), role=role,
                 display_name=display_name or username, college=college or None, cadre_id=cadre_id or None,
                 active=True, created_at=now, updated_at=now)
        session.add(u)
        session.flush()
        audit.record(session, actor, "create", "user", username, after=_public(u))
    return _info(u)


def authenticate(session: Session, username: str, password: str) -> UserInfo | None:
    """The user when the password is right and the account active; else None. Unknown users
    cost one argon2 verification too, so timing does not reveal which usernames exist."""
    username = (username or "").strip()
    u = session.scalars(select(User).where(User.username == username)).first() if username else None
    if u is None or not u.active:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(u.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    info = _info(u)
    if _hasher.check_needs_rehash(u.password_hash):  # parameters were raised since: upgrade quietly
        try:
            with session.begin_nested():
                serialise(session, "users")
                u.password_hash = hash_password(password)
                u.updated_at = utcnow()
                audit.record(session, u.username, "rehash_password", "user", u.username)
        except DBAPIError:  # e.g. SQLite busy: the login still succeeds, the upgrade waits for next time
            session.expire(u)
    return info


def _user(session: Session, username: str) -> User:
    u = session.scalars(select(User).where(User.username == username)).first()
    if u is None:
        raise NotFound(f"用户 {username} 不存在", f"user {username!r} does not exist")
    return u


def set_password(session: Session, username: str, new_password: str, actor: str) -> None:
    _check_password(new_password)
    with session.begin_nested():
        serialise(session, "users")
        u = _user(session, username)
        u.password_hash = hash_password(new_password)
        u.updated_at = utcnow()
        session.flush()
        # the hash itself is never written to the audit log
        audit.record(session, actor, "set_password", "user", username)


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    with session.begin_nested():
        serialise(session, "users")
        u = _user(session, username)
        before = _public(u)
        u.active = bool(active)
        u.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "set_active", "user", username, before=before, after=_public(u))


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(session: Session, username: str) -> UserInfo | None:
    u = session.scalars(select(User).where(User.username == username)).first()
    return None if u is None else _info(u)
