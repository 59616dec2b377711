"""The audit log: every service write appends one row in the same transaction."""
from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.frames import jsonable
from store.models import AuditEntry, utcnow

AUDIT_COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "before", "after"]


def record(session: Session, actor: str, action: str, entity: str, entity_id: Any,
           before: Any = None, after: Any = None) -> AuditEntry:
    if not actor or not str(actor).strip():
        from store.errors import InvalidData
        raise InvalidData("写入必须注明操作人", "every write needs the acting username")
    entry = AuditEntry(at=utcnow(), actor=str(actor), action=action, entity=entity,
                       entity_id="" if entity_id is None else str(entity_id),
                       before=jsonable(before), after=jsonable(after))
    session.add(entry)
    session.flush()
    return entry


def audit_rows(session: Session, limit: int | None = 200, entity: str | None = None,
               entity_id: Any = None, actor: str | None = None) -> pd.DataFrame:
    """Newest first. `at` is a UTC timestamp; before/after are the JSON values as written."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity is not None:
        q = q.where(AuditEntry.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == str(entity_id))
    if actor is not None:
        q = q.where(AuditEntry.actor == actor)
    if limit is not None:
        q = q.limit(limit)
    rows = [[e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after]
            for e in session.scalars(q)]
    df = pd.DataFrame(rows, columns=AUDIT_COLUMNS, dtype=object)
    df["id"] = df["id"].astype("int64")
    df["at"] = pd.to_datetime(df["at"], utc=True)
    return df
