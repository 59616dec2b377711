"""Evidence attachments of ledger activities: the bytes, their sha256 and a thumbnail. SQL only;
type/size checks and who may see what are in services.evidence."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store import audit
from store.errors import InvalidData, NotFound
from store.locks import serialise
from store.models import Attachment, utcnow

META = ("id", "activity_id", "cadre_id", "filename", "mime", "size", "sha256", "created_by", "created_at")


def _meta(obj: Attachment) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in META}


def add(session: Session, activity_id: str, cadre_id: str, filename: str, mime: str, content: bytes,
        sha256: str, thumbnail: bytes | None, actor: str) -> int:
    """Store one attachment; the same content twice on one activity is refused (nothing written)."""
    with session.begin_nested():
        serialise(session, f"attachments:{activity_id}")
        dup = session.scalar(select(Attachment.filename).where(Attachment.activity_id == activity_id,
                                                               Attachment.sha256 == sha256))
        if dup is not None:
            raise InvalidData(f"该活动已附有相同的文件（{dup}），未重复保存",
                              f"this activity already has the same file ({dup}); not stored twice")
        obj = Attachment(activity_id=activity_id, cadre_id=cadre_id, filename=filename, mime=mime,
                         size=len(content), sha256=sha256, content=content, thumbnail=thumbnail,
                         created_by=actor, created_at=utcnow())
        session.add(obj)
        session.flush()
        audit.record(session, actor, "attach", "attachment", obj.id, after=_meta(obj))
        return obj.id


def for_activities(session: Session, activity_ids: list[str]) -> list[dict[str, Any]]:
    """Metadata and thumbnail (no full content) of the attachments of these activities."""
    if not activity_ids:
        return []
    q = select(Attachment).where(Attachment.activity_id.in_(list(activity_ids))).order_by(Attachment.id)
    return [dict(_meta(o), thumbnail=o.thumbnail) for o in session.scalars(q)]


def get(session: Session, attachment_id: int) -> dict[str, Any]:
    obj = session.get(Attachment, attachment_id)
    if obj is None:
        raise NotFound(f"附件 {attachment_id} 不存在", f"attachment {attachment_id} does not exist")
    return dict(_meta(obj), content=obj.content, thumbnail=obj.thumbnail)


def remove(session: Session, attachment_id: int, actor: str) -> None:
    meta = {k: v for k, v in get(session, attachment_id).items() if k not in ("content", "thumbnail")}
    session.execute(delete(Attachment).where(Attachment.id == attachment_id))
    audit.record(session, actor, "delete", "attachment", attachment_id, before=meta)
