"""Evidence for ledger activities: photos (JPEG/PNG) and PDFs attached to an activity.

Checks, each refused with a clear message and nothing written: the type by the file's first bytes
(magic numbers, never the name), the size (1 byte … `YIXIAN_ATTACHMENT_MAX_BYTES`, default 5 MB),
and the same content twice on one activity (sha256). Files live in the database with their sha256
and, for photos, a small JPEG thumbnail.

Who may: a cadre attaches to, lists, opens and removes only their own activities' files (another
cadre's are answered like missing ones); a college reads those of activities in its college; the
admin all. A confirmed or withdrawn entry takes no new file from its cadre.
"""
from __future__ import annotations

import hashlib
import io
import os

from common.errors import YixianError
from services import access
from services.compliance_view import Inputs, activities_in_college
from services.db import session_scope
from store import evidence as store_evidence
from store import ledger as store_ledger
from store.auth import UserInfo
from store.errors import NotFound

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))
THUMB_PX = 240


class EvidenceError(YixianError):
    """An attachment that cannot be stored (type, size, duplicate, locked entry)."""


def max_bytes() -> int:
    raw = os.environ.get("YIXIAN_ATTACHMENT_MAX_BYTES", "")
    try:
        return int(raw) if raw.strip() else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def sniff(content: bytes) -> str | None:
    """The MIME type from the file's first bytes (JPEG, PNG, PDF), or None."""
    return next((mime for magic, mime in MAGIC if content.startswith(magic)), None)


def thumbnail(content: bytes, mime: str) -> bytes | None:
    """A small JPEG of a photo (None for a PDF, or for an image Pillow cannot decode)."""
    if not mime.startswith("image/"):
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as im:
            im.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            im.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:  # noqa: BLE001 - a photo without a thumbnail is still evidence
        return None


def _missing(activity_id: str) -> NotFound:
    return NotFound(f"活动 {activity_id} 不存在或不属于您", f"activity {activity_id} does not exist or is not yours")


def _owned_activity(user: UserInfo, activity_id: str, action: str) -> str:
    """The owner cadre_id of an activity `user` may change (cadre: own; admin: any)."""
    access.require(user, "cadre", "admin", action=action)
    with session_scope() as s:
        owner = store_ledger.activity_owner(s, activity_id)
    if owner is None:
        raise _missing(activity_id)
    try:
        access.require_own_cadre(user, owner, action=action)
    except access.AccessDenied:
        raise _missing(activity_id) from None
    return owner


def check_file(filename: str, content: bytes) -> str:
    """The MIME type of an acceptable file, else EvidenceError naming what is wrong."""
    limit = max_bytes()
    if not content:
        raise EvidenceError(f"文件“{filename}”是空的（0 字节），未保存", f"file '{filename}' is empty (0 bytes); not stored")
    if len(content) > limit:
        raise EvidenceError(f"文件“{filename}”有 {len(content) / 1048576:.1f} MB，超过上限 {limit / 1048576:.1f} MB，未保存",
                            f"file '{filename}' is {len(content) / 1048576:.1f} MB, over the limit of "
                            f"{limit / 1048576:.1f} MB; not stored")
    mime = sniff(content)
    if mime is None:
        raise EvidenceError(f"文件“{filename}”不是 JPEG、PNG 或 PDF（按文件内容判断，不看扩展名），未保存",
                            f"file '{filename}' is not a JPEG, PNG or PDF (judged by its content, not its name); "
                            "not stored")
    return mime


def _refuse_if_confirmed(user: UserInfo, activity_id: str) -> None:
    if user.role == "cadre":
        with session_scope() as s:
            review = store_ledger.review_of(s, activity_id)
        if review and review["status"] == "confirmed":
            raise EvidenceError("该记录已确认，附件不能再增删", "this entry is confirmed; its files can no longer change")


def attach(user: UserInfo, activity_id: str, filename: str, content: bytes) -> int:
    """Store one file as evidence of an activity; returns the attachment id (audit-logged)."""
    owner = _owned_activity(user, activity_id, "evidence.attach")
    mime = check_file(filename, content)
    _refuse_if_confirmed(user, activity_id)
    digest = hashlib.sha256(content).hexdigest()
    try:
        with session_scope() as s:
            return store_evidence.add(s, activity_id, owner, os.path.basename(filename) or "file", mime, content,
                                      digest, thumbnail(content, mime), user.username)
    except YixianError as exc:
        raise EvidenceError(exc.message_zh, exc.message_en) from None


def _visible_ids(user: UserInfo, inputs: Inputs | None, activity_ids: list[str]) -> list[str]:
    access.require(user, "cadre", "college", "admin", action="evidence.list")
    if user.role == "admin":
        return list(activity_ids)
    if user.role == "cadre":
        access.require_own_cadre(user, user.cadre_id or "", action="evidence.list", admin_ok=False)
        with session_scope() as s:
            return [a for a in activity_ids if store_ledger.activity_owner(s, a) == user.cadre_id]
    college = access.college_scope(user)
    if inputs is None:
        return []
    led = activities_in_college(inputs.ledger.loc[inputs.ledger["activity_id"].isin(activity_ids)], inputs, college)
    return list(led["activity_id"])


def list_attachments(user: UserInfo, activity_ids: list[str], inputs: Inputs | None = None) -> list[dict]:
    """Metadata and thumbnails of the files of those of `activity_ids` the user may see (a college
    needs `inputs` to place activities in its college)."""
    ids = _visible_ids(user, inputs, list(activity_ids))
    with session_scope() as s:
        return store_evidence.for_activities(s, ids)


def open_attachment(user: UserInfo, attachment_id: int, inputs: Inputs | None = None) -> dict:
    """One file with its content; another cadre's is answered like a missing one."""
    missing = NotFound(f"附件 {attachment_id} 不存在或无权查看", f"attachment {attachment_id} does not exist or is not yours")
    with session_scope() as s:
        try:
            att = store_evidence.get(s, int(attachment_id))
        except NotFound:
            raise missing from None
    if not _visible_ids(user, inputs, [att["activity_id"]]):
        raise missing
    return att


def remove_attachment(user: UserInfo, attachment_id: int) -> None:
    with session_scope() as s:
        try:
            activity_id = store_evidence.get(s, int(attachment_id))["activity_id"]
        except NotFound:
            activity_id = None
    if activity_id is None:
        raise NotFound(f"附件 {attachment_id} 不存在", f"attachment {attachment_id} does not exist")
    _owned_activity(user, activity_id, "evidence.remove")
    _refuse_if_confirmed(user, activity_id)
    with session_scope() as s:
        store_evidence.remove(s, int(attachment_id), user.username)
