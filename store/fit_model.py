"""The school's fit model, versioned: each save is a new row, the newest row is in force."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import audit
from store.errors import InvalidData
from store.models import FitModelVersion, utcnow
from store.rounds import _json_checked


@dataclass(frozen=True)
class FitModelInfo:
    id: int                  # the version number
    config: dict[str, Any]
    note: str
    created_by: str
    created_at: datetime


def _info(obj: FitModelVersion) -> FitModelInfo:
    return FitModelInfo(obj.id, dict(obj.config), obj.note, obj.created_by, obj.created_at)


def latest(session: Session) -> FitModelInfo | None:
    obj = session.scalars(select(FitModelVersion).order_by(FitModelVersion.id.desc()).limit(1)).first()
    return None if obj is None else _info(obj)


def history(session: Session, limit: int = 50) -> list[FitModelInfo]:
    rows = session.scalars(select(FitModelVersion).order_by(FitModelVersion.id.desc()).limit(limit))
    return [_info(o) for o in rows]


def get(session: Session, version: int) -> FitModelInfo | None:
    obj = session.get(FitModelVersion, int(version))
    return None if obj is None else _info(obj)


def save_version(session: Session, config: dict[str, Any], note: str, actor: str,
                 summary: dict[str, Any] | None = None) -> int:
    """A new version (audit-logged with the previous and the new config); returns its number."""
    if not isinstance(config, dict) or not config:
        raise InvalidData("匹配模型不能为空", "a fit model must not be empty")
    config = _json_checked("config", config)
    before = latest(session)
    obj = FitModelVersion(config=config, note=str(note or "").strip(), created_by=actor, created_at=utcnow())
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", "fit_model", obj.id,
                 before=None if before is None else {"version": before.id, "config": before.config},
                 after={"version": obj.id, "config": config, "note": obj.note, **(summary or {})})
    return obj.id
