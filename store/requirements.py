"""工作要求 documents in the store: the newest saved document is in force; saving adds a row."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import audit
from store.models import RequirementsDoc, utcnow


def current_document(session: Session) -> tuple[int, str] | None:
    """(id, TOML text) of the document in force, or None when none was ever saved (= the defaults)."""
    row = session.scalars(select(RequirementsDoc).order_by(RequirementsDoc.id.desc()).limit(1)).first()
    return None if row is None else (row.id, row.document)


def history(session: Session) -> list[dict]:
    """Every saved document, newest first (id, saved_at, actor, note)."""
    rows = session.scalars(select(RequirementsDoc).order_by(RequirementsDoc.id.desc())).all()
    return [{"id": r.id, "saved_at": r.saved_at, "actor": r.actor, "note": r.note} for r in rows]


def save_document(session: Session, text: str, actor: str, note: str, change: dict) -> int:
    """Store a new document (already validated by the caller) and audit it with `change` (what differs)."""
    before = current_document(session)
    row = RequirementsDoc(saved_at=utcnow(), actor=actor, note=note or "", document=text)
    session.add(row)
    session.flush()
    audit.record(session, actor, "save", "requirements", row.id,
                 before={"id": before[0]} if before else None, after={"note": note, **change})
    return row.id
