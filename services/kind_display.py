"""Tables of an imported kind as the user reads them: headers and enumerated values in the page's
language, blanks instead of None. The stored frames keep their ids and codes; only the display changes."""
from __future__ import annotations

import pandas as pd

from common import vocabulary as V
from importer import schema

_ENUM_TABLES: dict[str, V.Vocab] = {
    "level": V.LEVELS, "ledger_type": V.ACTIVITY_TYPES, "venue": V.VENUES,
    "constraint_type": V.CONSTRAINT_TYPES, "preference_kind": V.PREFERENCE_KINDS,
}


def _english(cid: str) -> str:
    return cid.replace("_", " ").capitalize().replace(" id", " ID")


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def headers(kind: str, lang: str) -> dict[str, str]:
    """column id → header: the schema's Chinese name, or the id spelled as English words."""
    try:
        columns = schema.kind(kind).columns
    except ValueError:
        return {}
    return {c.id: (c.zh if lang == "zh" else _english(c.id)) for c in columns}


def display(frame: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """`frame` (a kind's columns) with labels for codes, 是/否 for booleans, '' for missing, headers in `lang`."""
    try:
        columns = {c.id: c for c in schema.kind(kind).columns}
    except ValueError:
        columns = {}
    out = frame.copy()
    yes, no = ("是", "否") if lang == "zh" else ("Yes", "No")
    for cid in out.columns:
        col = columns.get(cid)
        if col is None:
            continue
        if col.type == schema.ENUM and col.enum in _ENUM_TABLES:
            out[cid] = out[cid].map(lambda v, t=_ENUM_TABLES[col.enum]: "" if _missing(v) else V.relabel(t, v, lang))
        elif col.type == schema.BOOL:
            out[cid] = out[cid].map(lambda v: "" if _missing(v) else (yes if v else no))
    out = out.astype(object).where(out.notna(), "")
    names = headers(kind, lang)
    return out.rename(columns={c: names.get(c, _english(str(c)) if lang == "en" else c) for c in out.columns})


def upload_mb(kind: str) -> int:
    """The largest upload of `kind` the importer accepts, in whole MB (what the upload box announces)."""
    from importer import limits as L

    if kind == "calendar":
        size = L.calendar_bytes()[0]
    else:
        size = L.limits(kind, len(schema.kind(kind).columns)).bytes
    return max(1, -(-size // 1_000_000))
