"""How every message names a round: #N vK — the round's number for its life and the revision's
version, never an internal id. No Streamlit here."""
from __future__ import annotations

from typing import Any


def round_number(round_id: int, params: dict[str, Any]) -> int:
    """The number a round keeps for its life (the id of the round as created; its revisions carry
    it as "round_no"; rounds revised before that existed know only their parent)."""
    if params.get("round_no"):
        return int(params["round_no"])
    return int(params["revision_of"]) if params.get("revision") == 1 and params.get("revision_of") else round_id


def version_number(params: dict[str, Any]) -> int:
    """v1 for a round as created; each revision (stored "revision": edits so far) adds one."""
    return int(params.get("revision") or 0) + 1


def round_label(info, later: int = 0) -> str:
    """#N vK: the round's number for its life and the revision's version — how every message names a
    round (never by an internal id); `later`: the label of the revision that many steps after it."""
    return f"#{round_number(info.id, info.parameters)} v{version_number(info.parameters) + later}"


def round_file_label(info, lang: str = "zh") -> str:
    """#N vK as a file name's part: 第2轮v3 / round2-v3 (a download names the round, never its id)."""
    n, k = round_number(info.id, info.parameters), version_number(info.parameters)
    return f"第{n}轮v{k}" if lang == "zh" else f"round{n}-v{k}"
