"""What the Data page calls: load, import (replace or upsert), counts, refs, calendar."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from services.db import session_scope
from store import data as store_data
from store.audit import audit_rows as _audit_rows

IMPORT_MODES = {k: "replace" for k in store_data.REPLACEABLE} | {"ledger": "upsert"}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    mode: str          # "replace" | "upsert"
    rows: int          # rows in the imported file
    added: int
    changed: int
    removed: int


def load_kind(kind: str) -> pd.DataFrame:
    with session_scope() as s:
        return store_data.load_kind(s, kind)


def import_kind(kind: str, df: pd.DataFrame, actor: str) -> ImportResult:
    """Rosters, rules and exemptions replace their whole table; the ledger is upserted by
    activity_id. All-or-nothing; raises store.errors.StoreError with a bilingual message."""
    if kind not in IMPORT_MODES:
        from store.errors import InvalidData
        raise InvalidData(f"不能导入此类数据: {kind}", f"kind {kind!r} cannot be imported here")
    with session_scope() as s:
        if kind == "ledger":
            ins, upd = store_data.upsert_ledger(s, df, actor)
            return ImportResult(kind, "upsert", len(df), ins, upd, 0)
        r = store_data.replace_kind(s, kind, df, actor)
        return ImportResult(kind, "replace", len(df), r.added, r.changed, r.removed)


def import_bundle(frames: dict[str, pd.DataFrame], actor: str) -> dict[str, ImportResult]:
    """Several kinds at once (e.g. new cadres and their preferences), in one transaction."""
    out: dict[str, ImportResult] = {}
    with session_scope() as s:
        replace = {k: v for k, v in frames.items() if k != "ledger"}
        if replace:
            for k, r in store_data.replace_kinds(s, replace, actor).items():
                out[k] = ImportResult(k, "replace", len(frames[k]), r.added, r.changed, r.removed)
        if "ledger" in frames:
            ins, upd = store_data.upsert_ledger(s, frames["ledger"], actor)
            out["ledger"] = ImportResult("ledger", "upsert", len(frames["ledger"]), ins, upd, 0)
    return out


def add_activity(activity: dict, actor: str) -> str:
    with session_scope() as s:
        return store_data.add_activity(s, activity, actor)


def counts() -> dict[str, int]:
    with session_scope() as s:
        return store_data.counts(s)


def refs():
    with session_scope() as s:
        return store_data.refs(s)


def load_calendar() -> list:
    with session_scope() as s:
        return store_data.load_calendar(s)


def save_calendar(terms: list, actor: str) -> int:
    with session_scope() as s:
        return store_data.save_calendar(s, terms, actor)


def audit_rows(limit: int = 200, **filters) -> pd.DataFrame:
    with session_scope() as s:
        return _audit_rows(s, limit=limit, **filters)
