"""Ledger reads the coverage dashboard needs fast, and the audit entries that patch it.

- `load_ledger(session)`: the canonical ledger frame from one plain DB-API query (the dashboard's big
  table; skipping ORM objects and SQLAlchemy row processing makes it several times faster).
- `audit_entries_between(session, after_id, upto_id)`: what was written since a version, in order,
  so a reader can apply ledger writes to a frame it already holds.
- `activity_owner(session, activity_id)`: the cadre an activity belongs to (None when missing).
Writes stay in `store.data` (add_activity, upsert_ledger, delete_activity).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import frames
from store.models import Activity, AuditEntry


def load_ledger(session: Session) -> pd.DataFrame:
    """The rows of `store.data.load_kind(s, "ledger")` (not sorted: the engine needs no order), built
    column-wise from one DB-API query."""
    cols = [c for c, _ in frames.COLUMNS["ledger"]]
    table = Activity.__table__
    conn = session.connection()
    sql = str(select(*[table.c[c] for c in cols]).compile(dialect=conn.dialect))
    cursor = conn.connection.cursor()        # the DB-API cursor: no per-row Result processing
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    columns = list(zip(*rows)) if rows else [()] * len(cols)
    data: dict[str, object] = {}
    for (c, t), vals in zip(frames.COLUMNS["ledger"], columns):
        if t == "str":
            data[c] = pd.Series(["" if v is None else v for v in vals], dtype=object)
        elif t == "Int64":
            data[c] = pd.Series(pd.array(list(vals), dtype="Int64"))
        elif t == "date":   # SQLite hands back ISO text, PostgreSQL date objects: both parse here
            data[c] = pd.Series(pd.to_datetime(pd.Series(vals, dtype=object)), dtype="datetime64[ns]")
        else:  # pragma: no cover - the ledger has no other column types
            raise AssertionError(t)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


class AuditChange(NamedTuple):
    entity: str
    action: str
    entity_id: str
    after: Any


def audit_entries_between(session: Session, after_id: int, upto_id: int) -> list[AuditChange]:
    """Audit entries with after_id < id <= upto_id, oldest first."""
    q = (select(AuditEntry.entity, AuditEntry.action, AuditEntry.entity_id, AuditEntry.after)
         .where(AuditEntry.id > after_id, AuditEntry.id <= upto_id).order_by(AuditEntry.id))
    return [AuditChange(*row) for row in session.execute(q).all()]


def activity_owner(session: Session, activity_id: str) -> str | None:
    return session.scalar(select(Activity.cadre_id).where(Activity.activity_id == activity_id))
