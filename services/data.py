"""Data management for the admin (the Data page and scripts): load, import (replace or upsert),
counts, calendar and the audit log. Every entry point takes the acting user and refuses anyone but
an admin (services.access); writes are audit-logged under `user.username`."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from services import access
from services.db import session_scope
from store import data as store_data
from store.audit import audit_rows as _audit_rows
from store.auth import UserInfo
from store.errors import InvalidData

ROLES = ("admin",)
IMPORT_MODES = {k: "replace" for k in store_data.REPLACEABLE} | {"ledger": "upsert"}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    mode: str          # "replace" | "upsert"
    rows: int          # rows in the imported file
    added: int
    changed: int
    removed: int


def _admin(user: UserInfo, action: str) -> None:
    access.require(user, *ROLES, action=action)


def load_kind(user: UserInfo, kind: str) -> pd.DataFrame:
    _admin(user, "data.load")
    with session_scope() as s:
        return store_data.load_kind(s, kind)


def import_kind(user: UserInfo, kind: str, df: pd.DataFrame) -> ImportResult:
    """Rosters, rules and exemptions replace their whole table; the ledger is upserted by
    activity_id. All-or-nothing; raises store.errors.StoreError with a bilingual message."""
    _admin(user, "data.import")
    if kind not in IMPORT_MODES:
        raise InvalidData(f"不能导入此类数据: {kind}", f"kind {kind!r} cannot be imported here")
    with session_scope() as s:
        if kind == "ledger":
            ins, upd = store_data.upsert_ledger(s, df, user.username)
            return ImportResult(kind, "upsert", len(df), ins, upd, 0)
        r = store_data.replace_kind(s, kind, df, user.username)
        return ImportResult(kind, "replace", len(df), r.added, r.changed, r.removed)


def import_bundle(user: UserInfo, frames: dict[str, pd.DataFrame]) -> dict[str, ImportResult]:
    """Several kinds at once (e.g. new cadres and their preferences), in one transaction."""
    _admin(user, "data.import")
    out: dict[str, ImportResult] = {}
    with session_scope() as s:
        replace = {k: v for k, v in frames.items() if k != "ledger"}
        if replace:
            for k, r in store_data.replace_kinds(s, replace, user.username).items():
                out[k] = ImportResult(k, "replace", len(frames[k]), r.added, r.changed, r.removed)
        if "ledger" in frames:
            ins, upd = store_data.upsert_ledger(s, frames["ledger"], user.username)
            out["ledger"] = ImportResult("ledger", "upsert", len(frames["ledger"]), ins, upd, 0)
    return out


def reference_problems(user: UserInfo, kind: str, df: pd.DataFrame) -> list[store_data.RefProblem]:
    """The references importing `df` as `kind` would break (what the commit would refuse), found
    before anything is written; [] for kinds that replace nothing (ledger, calendar)."""
    _admin(user, "data.parse")
    if kind not in store_data.REPLACEABLE:
        return []
    with session_scope() as s:
        return store_data.reference_problems(s, {kind: df})


def counts(user: UserInfo) -> dict[str, int]:
    _admin(user, "data.counts")
    with session_scope() as s:
        return store_data.counts(s)


def refs(user: UserInfo):
    _admin(user, "data.refs")
    with session_scope() as s:
        return store_data.refs(s)


def load_calendar(user: UserInfo) -> list:
    _admin(user, "data.load")
    with session_scope() as s:
        return store_data.load_calendar(s)


def save_calendar(user: UserInfo, terms: list) -> int:
    _admin(user, "data.import")
    with session_scope() as s:
        return store_data.save_calendar(s, terms, user.username)


def audit_rows(user: UserInfo, limit: int = 200, **filters) -> pd.DataFrame:
    _admin(user, "data.audit")
    with session_scope() as s:
        return _audit_rows(s, limit=limit, **filters)
