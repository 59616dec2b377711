"""A round's history in words and in Beijing time (issue 12, 6): who did what to it, when, and what
it meant — never raw JSON or UTC. No Streamlit here."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from common import vocabulary
from services import access
from services.db import session_scope
from services.round_lifecycle import round_label
from services.round_solve import READERS
from store import audit
from store import rounds as store_rounds
from store.auth import UserInfo

BEIJING = ZoneInfo("Asia/Shanghai")
HISTORY_COLUMNS = ("at", "actor", "event", "what")


def _what(action: str, after: dict[str, Any], lang: str, labels: dict[int, str]) -> str:
    zh = lang == "zh"
    if action == "create":
        p = after.get("parameters") or {}
        if p.get("revision_of"):
            note = p.get("revision_note") or ""
            # named by the round's number and the version it came from (#N vK), never an internal id
            was = f"#{p.get('round_no') or p['revision_of']} v{int(p.get('revision') or 1)}"
            if not zh:
                note = p.get("revision_note_en") or note
            return f"由 {was} 修改而来：{note}" if zh else f"revision of {was}: {note}"
        kind = vocabulary.label(vocabulary.ROUND_KINDS, after.get("kind"), lang)
        return f"{kind}" + (f"，种子 {p.get('seed', 0)}" if zh else f", seed {p.get('seed', 0)}")
    if action == "save_result":
        res = after.get("result") or {}
        status = vocabulary.label(vocabulary.ROUND_RESULTS, res.get("status"), lang)
        n = after.get("n_assignments", 0)
        return f"{status}，{n} 对" if zh else f"{status}, {n} pairs"
    if action == "publish":
        eff, n = after.get("effective_date"), after.get("n_assignments", 0)
        closed = len(after.get("closed") or [])
        return (f"自 {eff} 起生效，{n} 对；结束上一轮 {closed} 对" if zh
                else f"in force from {eff}, {n} pairs; {closed} earlier pairs ended")
    if action == "archive":
        by = after.get("replaced_by")
        if by:
            by = labels.get(int(by), f"#{by}")
            return f"被 {by} 替换" if zh else f"replaced by {by}"
        return "放弃草稿或撤回" if zh else "discarded or withdrawn"
    return ""


def history_in_words(user: UserInfo, round_id: int, lang: str = "zh") -> pd.DataFrame:
    """Newest first: at (Beijing time, text), actor, event (in words), what (in words)."""
    access.require(user, *READERS, action="round_audit_trail")
    with session_scope() as s:
        rows = audit.audit_rows(s, limit=50, entity="round", entity_id=round_id)
        labels = {r.id: round_label(r) for r in store_rounds.list_rounds(s)}     # #N vK, never an id
    out = [{"at": pd.Timestamp(r["at"]).tz_convert(BEIJING).strftime("%Y-%m-%d %H:%M"),
            "actor": r["actor"],
            "event": vocabulary.label(vocabulary.ROUND_EVENTS, r["action"], lang) or r["action"],
            "what": _what(r["action"], r["after"] if isinstance(r["after"], dict) else {}, lang, labels)}
           for r in rows.to_dict("records")]
    return pd.DataFrame(out, columns=list(HISTORY_COLUMNS))


_VALUE_TABLES = {"objective": vocabulary.OBJECTIVES, "priority": vocabulary.PRIORITY_MODES,
                 "own_unit": vocabulary.OWN_UNIT_RULES}


def _value(key: str, v: Any, lang: str) -> str:
    if key in _VALUE_TABLES:
        return vocabulary.label(_VALUE_TABLES[key], v, lang)
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if v is None:
        return "不限" if lang == "zh" else "none"
    if key == "revision_of":
        return f"#{v}"
    return str(v)


def params_in_words(params: dict[str, Any], lang: str = "zh") -> pd.DataFrame:
    """The parameters a user set, one row each (weights one row per weight); the engine's
    bookkeeping (top-up facts, ids) left out."""
    rows = []
    for key in vocabulary.ROUND_PARAMS:
        if key in params:
            rows.append((vocabulary.label(vocabulary.ROUND_PARAMS, key, lang), _value(key, params[key], lang)))
    weight = "权重" if lang == "zh" else "weight"
    for key, v in (params.get("weights") or {}).items():
        rows.append((f"{weight}：{vocabulary.label(vocabulary.WEIGHTS, key, lang)}", f"{float(v):g}"))
    return pd.DataFrame(rows, columns=["parameter", "value"])
