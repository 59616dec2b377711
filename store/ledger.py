"""Ledger reads the coverage dashboard needs fast, and the audit entries that patch it.

- `load_ledger(session)`: the canonical ledger frame from one plain DB-API query (the dashboard's big
  table; skipping ORM objects and SQLAlchemy row processing makes it several times faster).
- `audit_entries_between(session, after_id, upto_id)`: what was written since a version, in order,
  so a reader can apply ledger writes to a frame it already holds.
- `activity_owner(session, activity_id)`: the cadre an activity belongs to (None when missing).
- reviews (issue 14): `reviews`, `set_review`, `clear_review`, `load_ledger(..., confirmed=True)` adds a
  `confirmed` bool column after the canonical ones; acknowledgements: `acknowledge`, `acknowledged`.
Activity writes stay in `store.data` (add_activity, upsert_ledger, delete_activity).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import audit, frames
from store.models import Acknowledgement, Activity, ActivityReview, AuditEntry, utcnow

REVIEW_COLUMNS = ["activity_id", "cadre_id", "status", "reason", "by", "at", "record"]


def load_ledger(session: Session, confirmed: bool = False) -> pd.DataFrame:
    """The rows of `store.data.load_kind(s, "ledger")` (not sorted: the engine needs no order), built
    column-wise from one DB-API query. With `confirmed=True` one more column after the canonical
    ones: `confirmed` (bool), True when the college or admin confirmed the entry."""
    df = _load_canonical(session)
    if confirmed:
        ok = set(session.scalars(select(ActivityReview.activity_id).where(ActivityReview.status == "confirmed")))
        df["confirmed"] = df["activity_id"].isin(ok).astype(bool)
    return df


def _load_canonical(session: Session) -> pd.DataFrame:
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
            data[c] = pd.Series(_int64(vals))
        elif t == "date":
            data[c] = pd.Series(_dates(vals), dtype="datetime64[ns]")
        else:  # pragma: no cover - the ledger has no other column types
            raise AssertionError(t)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _int64(vals: tuple) -> pd.arrays.IntegerArray:
    """Nullable integers (None = missing) without a Python pass per value."""
    a = np.array(vals, dtype=np.float64)     # None -> nan; the columns are small counts, exact as floats
    missing = np.isnan(a)
    return pd.arrays.IntegerArray(np.where(missing, 0, a).astype(np.int64), missing)


def _dates(vals: tuple) -> np.ndarray:
    """SQLite hands back ISO text, PostgreSQL date objects: numpy parses both (None -> NaT); text numpy
    does not read (not zero-padded) goes through pandas."""
    try:
        return np.array(vals, dtype="datetime64[D]").astype("datetime64[ns]")
    except (ValueError, TypeError):
        return pd.to_datetime(pd.Series(vals, dtype=object)).to_numpy(dtype="datetime64[ns]")


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


def reviews(session: Session, cadre_ids: list[str] | None = None) -> pd.DataFrame:
    """Review rows (confirmed / returned / withdrawn; an activity without one is pending)."""
    q = select(*[getattr(ActivityReview, c) for c in REVIEW_COLUMNS]).order_by(ActivityReview.activity_id)
    if cadre_ids is not None:
        q = q.where(ActivityReview.cadre_id.in_(list(cadre_ids)))
    return pd.DataFrame(session.execute(q).all(), columns=REVIEW_COLUMNS, dtype=object)


def review_of(session: Session, activity_id: str) -> dict[str, Any] | None:
    obj = session.get(ActivityReview, activity_id)
    return None if obj is None else {c: getattr(obj, c) for c in REVIEW_COLUMNS}


def set_review(session: Session, activity_id: str, cadre_id: str, status: str, reason: str, actor: str,
               record: dict[str, Any] | None = None) -> None:
    """Write an activity's review status (audit-logged, entity `ledger_review`)."""
    obj = session.get(ActivityReview, activity_id)
    before = None if obj is None else {"status": obj.status, "reason": obj.reason, "by": obj.by}
    if obj is None:
        obj = ActivityReview(activity_id=activity_id, cadre_id=cadre_id)
        session.add(obj)
    obj.status, obj.reason, obj.by, obj.at, obj.record = status, reason, actor, utcnow(), record
    session.flush()
    audit.record(session, actor, status, "ledger_review", activity_id, before=before,
                 after={"status": status, "reason": reason, "cadre_id": cadre_id})


def clear_review(session: Session, activity_id: str, actor: str) -> None:
    """Back to pending (a returned entry the cadre fixed)."""
    obj = session.get(ActivityReview, activity_id)
    if obj is not None:
        before = {"status": obj.status, "reason": obj.reason, "by": obj.by}
        session.delete(obj)
        session.flush()
        audit.record(session, actor, "resubmit", "ledger_review", activity_id, before=before,
                     after={"status": "pending"})


def acknowledge(session: Session, round_id: int, cadre_id: str, actor: str) -> bool:
    """Record 确认知晓 once; False when it was already recorded."""
    if session.get(Acknowledgement, (round_id, cadre_id)) is not None:
        return False
    session.add(Acknowledgement(round_id=round_id, cadre_id=cadre_id, at=utcnow()))
    session.flush()
    audit.record(session, actor, "acknowledge", "acknowledgement", f"{round_id}:{cadre_id}")
    return True


def acknowledged(session: Session, round_id: int) -> dict[str, Any]:
    """cadre_id -> when they acknowledged the round."""
    q = select(Acknowledgement.cadre_id, Acknowledgement.at).where(Acknowledgement.round_id == round_id)
    return dict(session.execute(q).all())


def activity_record(session: Session, activity_id: str) -> dict[str, Any] | None:
    """One activity as a canonical ledger record (dates as ISO text, so it can be kept as JSON)."""
    obj = session.get(Activity, activity_id)
    if obj is None:
        return None
    rec = {c: getattr(obj, c) for c, _ in frames.COLUMNS["ledger"]}
    rec["date"] = rec["date"].isoformat() if rec["date"] is not None else None
    return rec
