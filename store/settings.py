"""Key/value settings the admin sets once in the app (audit-logged)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import audit
from store.models import Setting, utcnow


def get_settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(Setting))}


def set_settings(session: Session, actor: str, values: dict[str, str]) -> None:
    """Write the given keys (others stay); one audit row with the values before and after."""
    before = get_settings(session)
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value, updated_by=actor, updated_at=utcnow()))
        else:
            row.value, row.updated_by, row.updated_at = value, actor, utcnow()
    audit.record(session, actor, "set_settings", "settings", "*",
                 before={k: before.get(k) for k in values}, after=dict(values))
    session.flush()
