"""Account administration: the users table as a frame, edits, unlock, bulk provisioning.

Every change runs in a SAVEPOINT with an audit row (before/after, never the hash); ending an
account's sessions is part of the same transaction.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import audit
from store.auth import create_user, public, role_problems, user_row
from store.errors import InvalidData, NotFound
from store.locks import serialise
from store.models import Cadre, SchoolClass, User, UserSession, utcnow
from store.passwords import generate_password

USER_COLUMNS = ["username", "display_name", "role", "college", "cadre_id", "sso_id", "active",
                "must_change_password", "locked_until", "failed_logins", "last_login_at", "sessions"]


def users_frame(session: Session, search: str = "", now: datetime | None = None) -> pd.DataFrame:
    """Every account (optionally filtered by a case-insensitive substring of username, name,
    college or 工号), with its lock state and number of open sessions."""
    now = now or utcnow()
    open_sessions = dict(session.execute(
        select(UserSession.user_id, func.count()).group_by(UserSession.user_id)).all())
    rows = []
    needle = (search or "").strip().lower()
    for u in session.scalars(select(User).order_by(User.username)):
        hay = " ".join(str(x or "") for x in (u.username, u.display_name, u.college, u.cadre_id, u.sso_id)).lower()
        if needle and needle not in hay:
            continue
        locked = u.locked_until if u.locked_until and u.locked_until > now else None
        rows.append([u.username, u.display_name, u.role, u.college or "", u.cadre_id or "", u.sso_id or "",
                     bool(u.active), bool(u.must_change_password), locked, int(u.failed_logins or 0),
                     u.last_login_at, int(open_sessions.get(u.id, 0))])
    df = pd.DataFrame(rows, columns=USER_COLUMNS, dtype=object)
    for c in ("locked_until", "last_login_at"):
        df[c] = pd.to_datetime(df[c], utc=True)
    return df


def update_user(session: Session, username: str, actor: str, *, role: str | None = None,
                college: str | None = None, cadre_id: str | None = None, display_name: str | None = None,
                sso_id: str | None = None) -> None:
    """Change role, college scope, linked cadre, name or campus id (None = keep; "" = clear)."""
    with session.begin_nested():
        serialise(session, "users")
        u = user_row(session, username)
        before = public(u)
        new_role = u.role if role is None else role
        new_college = u.college if college is None else (college.strip() or None)
        new_cadre = u.cadre_id if cadre_id is None else (cadre_id.strip() or None)
        problems = role_problems(new_role, new_college, new_cadre)
        if new_cadre and new_cadre != u.cadre_id and session.get(Cadre, new_cadre) is None:
            problems.append(f"工号 cadre_id {new_cadre!r} 不在干部名册中 is not in the cadre roster")
        if new_college and new_college != u.college and not _college_exists(session, new_college):
            problems.append(f"学院 college {new_college!r} 不在班级名册中 is not in the class roster")
        new_sso = u.sso_id if sso_id is None else (sso_id.strip() or None)
        if new_sso and new_sso != u.sso_id and session.scalars(
                select(User.username).where(User.sso_id == new_sso)).first():
            problems.append(f"统一身份认证号 campus id {new_sso!r} 已被其他账号使用 is used by another account")
        if problems:
            raise InvalidData(f"账号 {username} 的修改有误", f"invalid change to account {username!r}", problems)
        u.role, u.college, u.cadre_id, u.sso_id = new_role, new_college, new_cadre, new_sso
        if display_name is not None and display_name.strip():
            u.display_name = display_name.strip()
        u.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "update", "user", username, before=before, after=public(u))


def _college_exists(session: Session, college: str) -> bool:
    return session.scalars(select(SchoolClass.class_id).where(SchoolClass.college == college)).first() is not None


def unlock(session: Session, username: str, actor: str) -> None:
    with session.begin_nested():
        serialise(session, "users")
        u = user_row(session, username)
        before = {"failed_logins": u.failed_logins, "lockouts": u.lockouts, "locked_until": u.locked_until}
        u.failed_logins, u.lockouts, u.locked_until = 0, 0, None
        u.updated_at = utcnow()
        audit.record(session, actor, "unlock", "user", username, before=before)


def reset_password(session: Session, username: str, actor: str) -> str:
    """A new one-time password (returned once, never stored in clear); the user must change it
    at the next login and every open session of the account ends."""
    from store.auth import set_password

    user_row(session, username)
    password = generate_password()
    set_password(session, username, password, actor, must_change=True)
    return password


def provision_cadres(session: Session, actor: str, cadre_ids: list[str] | None = None) -> list[dict]:
    """One cadre account per roster cadre that has none (username = 工号), each with a one-time
    password and a forced change. Cadres already linked to an account are skipped."""
    with session.begin_nested():
        serialise(session, "provision")
        q = select(Cadre).order_by(Cadre.cadre_id)
        if cadre_ids is not None:
            q = q.where(Cadre.cadre_id.in_(list(cadre_ids)))
        cadres = list(session.scalars(q))
        if cadre_ids is not None and len(cadres) != len(set(cadre_ids)):
            missing = sorted(set(cadre_ids) - {c.cadre_id for c in cadres})
            raise NotFound("工号不在干部名册中", "cadre ids not in the roster", missing)
        linked = set(session.scalars(select(User.cadre_id).where(User.cadre_id.is_not(None))))
        taken = set(session.scalars(select(User.username)))
        made = []
        for c in cadres:
            if c.cadre_id in linked or c.cadre_id in taken:
                continue
            made.append(_provision(session, c.cadre_id, c.name, "cadre", actor, cadre_id=c.cadre_id,
                                   college=None, unit=c.unit))
    return made


def provision_colleges(session: Session, actor: str, prefix: str = "college") -> list[dict]:
    """One college account per college of the class roster that has none: username
    `<prefix>01`, `<prefix>02`, … (first free numbers), display name = the college."""
    prefix = (prefix or "").strip()
    if not prefix or len(prefix) > 40:
        raise InvalidData("用户名前缀应为 1–40 个字符", "the username prefix needs 1–40 characters")
    with session.begin_nested():
        serialise(session, "provision")
        colleges = sorted(set(session.scalars(select(SchoolClass.college))))
        covered = set(session.scalars(select(User.college).where(User.role == "college")))
        taken = set(session.scalars(select(User.username)))
        made, n = [], 0
        for college in colleges:
            if college in covered:
                continue
            n += 1
            while f"{prefix}{n:02d}" in taken:
                n += 1
            made.append(_provision(session, f"{prefix}{n:02d}", college, "college", actor, college=college,
                                   cadre_id=None, unit=college))
    return made


def _provision(session: Session, username: str, name: str, role: str, actor: str, *, college, cadre_id,
               unit: str) -> dict:
    password = generate_password()
    create_user(session, username, password, role, name, actor, college=college, cadre_id=cadre_id,
                must_change_password=True)
    audit.record(session, actor, "provision", "user", username, after={"role": role})
    return {"username": username, "display_name": name, "role": role, "unit": unit, "password": password}


def check_cadre(session: Session, cadre_id: str) -> None:
    if session.get(Cadre, cadre_id) is None:
        raise InvalidData(f"工号 {cadre_id} 不在干部名册中", f"cadre_id {cadre_id!r} is not in the cadre roster")


def scope_options(session: Session) -> tuple[list[str], list[tuple[str, str]]]:
    """The colleges of the class roster and the (工号, name) pairs of the cadre roster."""
    colleges = sorted(set(session.scalars(select(SchoolClass.college))))
    cadres = [(c.cadre_id, c.name) for c in session.scalars(select(Cadre).order_by(Cadre.cadre_id))]
    return colleges, cadres
