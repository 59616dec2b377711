"""Who may do what: every service entry point takes the acting user and asks this module.

Services never trust the page: a page that forgot a check, a forged session value or a direct
call still meets these checks. A refusal raises `AccessDenied` (a bilingual `YixianError`) and
is written to the audit log as a security event.

Roles (common.vocabulary.ROLES): admin (组织部), leader (校领导), planner (规划), college (院系,
scoped to `user.college`), cadre (scoped to `user.cadre_id`).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from common import vocabulary
from common.errors import YixianError
from services.db import session_scope
from store import audit
from store.auth import UserInfo

log = logging.getLogger("yixian")

EVERYONE = tuple(vocabulary.ROLES)
SEES_ALL_COLLEGES = ("admin", "leader", "planner")


class AccessDenied(YixianError):
    """The acting user may not do this (role, college scope or ownership)."""


def _deny(user: UserInfo | None, action: str, why_zh: str, why_en: str, target: str = "") -> AccessDenied:
    actor = getattr(user, "username", None) or "(anonymous)"
    try:
        with session_scope() as s:
            audit.record(s, actor, "access_denied", "security", target or action,
                         after={"action": action, "role": getattr(user, "role", None), "reason": why_en})
    except Exception:  # a failed audit write must not turn a refusal into an allow
        log.exception("could not audit an access refusal (%s)", action)
    return AccessDenied(why_zh, why_en)


def require(user: UserInfo | None, *roles: str, action: str = "") -> UserInfo:
    """The user, if logged in with one of `roles` (none given: any role); else AccessDenied."""
    if user is None or not getattr(user, "role", None):
        raise _deny(user, action, "请先登录", "please log in first")
    if roles and user.role not in roles:
        raise _deny(user, action, "您的角色无权执行此操作", "your role may not do this")
    return user


def college_scope(user: UserInfo) -> str | None:
    """The one college a user may see, or None for every college. A college user without a
    college sees nothing (refused), never everything."""
    if user.role in SEES_ALL_COLLEGES:
        return None
    if user.role == "college":
        if not user.college:
            raise _deny(user, "college_scope", "该院系账号未设置所属学院", "this college account has no college set")
        return user.college
    raise _deny(user, "college_scope", "您的角色无权查看学院数据", "your role may not view college data")


def require_college(user: UserInfo, college: str | None, action: str = "") -> None:
    """Refuse unless `user` may see `college` (None = all colleges: only unscoped roles)."""
    scope = college_scope(user)
    if scope is not None and college != scope:
        raise _deny(user, action, "只能查看本学院的数据", "you may only see your own college", str(college))


def require_own_cadre(user: UserInfo, cadre_id: str, action: str = "", admin_ok: bool = True) -> None:
    """Refuse unless the user is this cadre (or an admin, when `admin_ok`)."""
    if admin_ok and user.role == "admin":
        return
    if user.role != "cadre" or not user.cadre_id or user.cadre_id != cadre_id:
        raise _deny(user, action, "只能查看或修改本人的台账", "you may only see or change your own ledger", cadre_id)


def filter_colleges(user: UserInfo, colleges: Iterable[str]) -> list[str]:
    scope = college_scope(user)
    return [c for c in colleges if scope is None or c == scope]


def refusal(user: UserInfo | None, action: str, why_zh: str, why_en: str, target: str = "") -> AccessDenied:
    """An audit-logged AccessDenied with its own sentence (for checks the helpers above do not cover)."""
    return _deny(user, action, why_zh, why_en, target)


def require_owner(user: UserInfo, owner: str, action: str = "", target: str = "") -> None:
    """Refuse unless the user created the item (`owner` is a username) or is an admin."""
    require(user, action=action)
    if user.role != "admin" and user.username != owner:
        raise _deny(user, action, f"只有创建人（{owner}）或管理员可以修改或删除",
                    f"only the owner ({owner}) or an admin may change or delete this", target)
