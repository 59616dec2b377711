"""The users page's work: list, create, edit, deactivate, reset, unlock, bulk provisioning.

Every entry point takes the acting user and checks, against the store, that it is an active
admin: a page that forgot its guard still cannot change an account.
"""
from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from services.access import AccessDenied, require
from services.db import session_scope
from store import accounts
from store.auth import UserInfo, create_user, get_user_by_id, set_active

CREDENTIAL_HEADERS = ["用户名 username", "姓名/学院 name", "角色 role", "单位 unit", "初始密码 one-time password"]


def _admin(session, actor: UserInfo) -> str:
    """The acting admin's username, checked twice: the role it claims (services.access, which
    audits a refusal) and the account as stored now (active, still an admin)."""
    require(actor, "admin", action="manage_accounts")
    found = get_user_by_id(session, getattr(actor, "id", -1))
    if found is None or not found[1] or found[0].role != "admin" or found[0].username != actor.username:
        raise AccessDenied("只有组织部管理员可以管理账号", "only an admin may manage accounts")
    return found[0].username


def _as_admin(actor: UserInfo, work: Callable):
    with session_scope() as session:
        return work(session, _admin(session, actor))


def users(actor: UserInfo, search: str = "") -> pd.DataFrame:
    return _as_admin(actor, lambda s, _: accounts.users_frame(s, search))


def history(actor: UserInfo, username: str, limit: int = 50) -> pd.DataFrame:
    """The audit rows of one account (changes, logins, failures, lockouts), newest first."""
    from store import audit

    return _as_admin(actor, lambda s, _: audit.audit_rows(s, limit=limit, entity="user", entity_id=username))


def options(actor: UserInfo) -> tuple[list[str], list[tuple[str, str]]]:
    """Colleges and (工号, name) of the rosters, for the scope and link pickers."""
    return _as_admin(actor, lambda s, _: accounts.scope_options(s))


def create(actor: UserInfo, username: str, password: str, role: str, display_name: str,
           college: str | None = None, cadre_id: str | None = None) -> UserInfo:
    """A new account; it must change the password the admin chose at its first login."""
    def work(s, who):
        if cadre_id:
            accounts.check_cadre(s, cadre_id)
        return create_user(s, username, password, role, display_name, who, college=college or None,
                           cadre_id=cadre_id or None, must_change_password=True)
    return _as_admin(actor, work)


def update(actor: UserInfo, username: str, **changes) -> None:
    _as_admin(actor, lambda s, who: accounts.update_user(s, username, who, **changes))


def set_account_active(actor: UserInfo, username: str, active: bool) -> None:
    def work(s, who):
        if not active and username == who:
            raise AccessDenied("不能停用自己的账号", "you cannot deactivate your own account")
        set_active(s, username, active, who)
    _as_admin(actor, work)


def reset_password(actor: UserInfo, username: str) -> str:
    return _as_admin(actor, lambda s, who: accounts.reset_password(s, username, who))


def unlock(actor: UserInfo, username: str) -> None:
    _as_admin(actor, lambda s, who: accounts.unlock(s, username, who))


def provision_cadres(actor: UserInfo, cadre_ids: list[str] | None = None) -> list[dict]:
    return _as_admin(actor, lambda s, who: accounts.provision_cadres(s, who, cadre_ids))


def provision_colleges(actor: UserInfo, prefix: str = "college") -> list[dict]:
    return _as_admin(actor, lambda s, who: accounts.provision_colleges(s, who, prefix))


def credentials_xlsx(made: list[dict]) -> bytes:
    """The one-time passwords as a workbook; every cell is written as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码 passwords"
    rows = [CREDENTIAL_HEADERS] + [[m["username"], m["display_name"], m["role"], m.get("unit", ""),
                                    m["password"]] for m in made]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = str(value)
            cell.data_type = "s"          # "=…" stays text: openpyxl would otherwise write a formula
            cell.number_format = "@"
    for c, width in enumerate([14, 24, 10, 24, 22], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
