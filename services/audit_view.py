"""The admin's audit-log viewer: filter by who, what and when; every entry in words, in Beijing
time; export as xlsx (the export itself is logged)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from common import vocabulary
from importer.writers import neutralise_formulas
from services import access
from services.db import session_scope
from store import audit
from store.auth import UserInfo

BEIJING = ZoneInfo("Asia/Shanghai")
DETAIL_CHARS = 160


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    since: date | None = None      # Beijing dates, inclusive
    until: date | None = None
    limit: int = 500


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BEIJING).astimezone(ZoneInfo("UTC"))


def choices(user: UserInfo) -> tuple[list[str], list[str], list[str]]:
    """Actors, actions and entities present in the log, for the filter boxes."""
    access.require(user, "admin", action="audit.view")
    with session_scope() as s:
        return audit.audit_vocabulary(s)


def _detail(value) -> str:
    """A short plain-text summary of an entry's before/after (no JSON braces)."""
    if value in (None, "", {}, []):
        return ""
    if isinstance(value, dict):
        text = "；".join(f"{k}: {_detail(v) if isinstance(v, dict | list) else v}" for k, v in value.items())
    elif isinstance(value, list):
        text = "、".join(str(v) for v in value[:10]) + (f" …（共 {len(value)} 项）" if len(value) > 10 else "")
    else:
        text = str(value)
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS] + "…"


def entries(user: UserInfo, f: AuditFilter, lang: str = "zh") -> pd.DataFrame:
    """The filtered log, newest first, one row per entry in words."""
    access.require(user, "admin", action="audit.view")
    with session_scope() as s:
        df = audit.audit_rows(s, limit=f.limit, actor=f.actor or None, action=f.action or None,
                              entity=f.entity or None,
                              since=_utc(f.since) if f.since else None,
                              until=_utc(f.until + timedelta(days=1)) if f.until else None)
    zh = lang == "zh"
    what = [f"{vocabulary.label(vocabulary.AUDIT_ACTIONS, a, lang)} "
            f"{vocabulary.label(vocabulary.AUDIT_ENTITIES, e, lang)}" + (f" {i}" if i else "")
            for a, e, i in zip(df["action"], df["entity"], df["entity_id"], strict=True)]
    return pd.DataFrame({
        "编号" if zh else "No.": df["id"],
        "时间（北京）" if zh else "Time (Beijing)": df["at"].dt.tz_convert(BEIJING).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "操作人" if zh else "Who": df["actor"],
        "操作" if zh else "What": what,
        "修改前" if zh else "Before": df["before"].map(_detail),
        "修改后" if zh else "After": df["after"].map(_detail),
    })


def export_xlsx(user: UserInfo, f: AuditFilter, lang: str = "zh") -> bytes:
    """The filtered log as a workbook of text cells; the export is itself an audit entry."""
    from openpyxl import Workbook

    table = entries(user, f, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "审计日志" if lang == "zh" else "Audit log"
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([str(v) for v in row])
    for col, width in zip("ABCDEF", (8, 20, 14, 30, 50, 50), strict=True):
        ws.column_dimensions[col].width = width
    neutralise_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    with session_scope() as s:
        audit.record(s, user.username, "export", "audit_log", "",
                     after={"rows": len(table), "filter": {k: str(v) for k, v in vars(f).items() if v}})
    return out.getvalue()
