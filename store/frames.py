"""Canonical DataFrames (docs/ARCHITECTURE.md) <-> JSON-able data, exactly.

Used for round/scenario input snapshots and audit before/after values. pandas 3 infers
`str` and `datetime64[us]` by default, so every column is built with an explicit dtype here:
what comes back out of the store is always the canonical dtype, never an inferred one.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from common.errors import YixianError

# column type codes: str -> object of str ("" = empty); tags -> object of tuple[str, ...];
# int -> int64; Int64 -> nullable Int64; float -> float64; bool -> bool; date -> datetime64[ns]
REASON_COLUMNS = ("reason", "reason_en")     # an assignment's reason in words, per language
PART_COLUMNS = ("part_expertise", "part_discipline", "part_preference", "part_continuity", "part_own_unit")

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "cadres": (("cadre_id", "str"), ("name", "str"), ("unit", "str"), ("position", "str"),
               ("level", "str"), ("expertise", "tags"), ("discipline", "str"), ("capacity", "int")),
    "classes": (("class_id", "str"), ("name", "str"), ("college", "str"), ("major", "str"),
                ("discipline", "str"), ("grade", "int"), ("size", "int"), ("tags", "tags"),
                ("priority", "bool")),
    "preferences": (("cadre_id", "str"), ("rank", "int"), ("kind", "str"), ("value", "str")),
    "constraints": (("type", "str"), ("cadre_id", "str"), ("class_id", "str"), ("college", "str"),
                    ("level", "str"), ("min", "Int64"), ("max", "Int64"), ("reason", "str")),
    "scores": (("cadre_id", "str"), ("class_id", "str"), ("score", "float"), ("score_text", "str")),
    "previous": (("cadre_id", "str"), ("class_id", "str")),
    "assignment": (("cadre_id", "str"), ("name", "str"), ("class_id", "str"), ("class_name", "str"),
                   ("college", "str"), ("score", "float"))
                  + tuple((p, "float") for p in PART_COLUMNS)
                  + (("preference_rank", "Int64"), ("locked", "bool"), ("changed", "bool"),
                     ("start", "date"), ("end", "date")),
    "ledger": (("activity_id", "str"), ("cadre_id", "str"), ("date", "date"), ("type", "str"),
               ("venue", "str"), ("class_id", "str"), ("students", "Int64"), ("minutes", "Int64"),
               ("summary", "str")),
    "exemptions": (("cadre_id", "str"), ("start", "date"), ("end", "date"), ("reason", "str")),
}
KINDS = tuple(COLUMNS)

# Deterministic order of what load_kind returns (constraints keep their row order: rule_index).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "cadres": ("cadre_id",),
    "classes": ("class_id",),
    "preferences": ("cadre_id", "rank"),
    "constraints": (),
    "scores": ("cadre_id", "class_id"),
    "previous": ("cadre_id", "class_id"),
    "assignment": ("start", "cadre_id", "class_id"),
    "ledger": ("date", "cadre_id", "activity_id"),
    "exemptions": ("cadre_id", "start", "end", "reason"),
}


class FrameError(YixianError, ValueError):
    """A DataFrame that does not have the canonical shape of its kind."""


def column_types(kind: str, df: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """The kind's columns in canonical order; an assignment keeps any extra `part_*` columns."""
    if kind not in COLUMNS:
        raise FrameError(f"未知的数据类型 unknown kind: {kind!r} (expected one of {', '.join(KINDS)})")
    cols = list(COLUMNS[kind])
    if kind == "assignment" and df is not None:
        extra = [c for c in df.columns if str(c).startswith("part_") and c not in PART_COLUMNS]
        at = [c for c, _ in cols].index("preference_rank")
        cols[at:at] = [(c, "float") for c in extra]
        # why the pair, in words (matching.reasons): Chinese `reason`, English `reason_en`, kept when given
        cols += [(c, "str") for c in REASON_COLUMNS if c in df.columns]
    return cols


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (tuple, list, str)) else False
    except (TypeError, ValueError):
        return False


def _to_date(v: Any, kind: str, col: str) -> date | None:
    if _is_missing(v):
        return None
    if isinstance(v, (pd.Timestamp, datetime)):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        return date.fromisoformat(v[:10])
    raise FrameError(f"{kind}.{col}: 不是日期 not a date: {v!r}")


def python_value(v: Any, typ: str, kind: str = "", col: str = "") -> Any:
    """One cell as a plain Python value (date objects for dates, tuple for tags, None if empty)."""
    if typ == "str":
        return "" if _is_missing(v) else str(v)
    if typ == "tags":
        if _is_missing(v) or v == "":
            return ()
        if isinstance(v, str):
            raise FrameError(f"{kind}.{col}: 标签应为元组 tags must be a tuple, got text {v!r}")
        return tuple(str(t) for t in v)
    if typ in ("int", "Int64"):
        if _is_missing(v):
            if typ == "int":
                raise FrameError(f"{kind}.{col}: 缺少整数 missing whole number")
            return None
        f = float(v)
        if not f.is_integer():
            raise FrameError(f"{kind}.{col}: 不是整数 not a whole number: {v!r}")
        return int(v)
    if typ == "float":
        return None if _is_missing(v) else float(v)
    if typ == "bool":
        return False if _is_missing(v) else bool(v)
    if typ == "date":
        return _to_date(v, kind, col)
    raise AssertionError(typ)


def records(kind: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (dates as `date`), canonical columns only."""
    cols = column_types(kind, df)
    missing = [c for c, _ in cols if c not in df.columns]
    if missing:
        raise FrameError(f"{kind}: 缺少列 missing columns: {', '.join(missing)}")
    out = []
    for row in df[[c for c, _ in cols]].itertuples(index=False, name=None):
        out.append({c: python_value(v, t, kind, c) for (c, t), v in zip(cols, row)})
    return out


def from_records(kind: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]] | None = None
                 ) -> pd.DataFrame:
    """Build the canonical DataFrame of `kind` from dicts of plain values."""
    cols = columns or column_types(kind)
    data: dict[str, pd.Series] = {}
    for c, t in cols:
        vals = [r.get(c) for r in rows]
        if t == "str":
            s = pd.Series(["" if v is None else str(v) for v in vals], dtype=object)
        elif t == "tags":
            s = pd.Series([tuple(v) if v else () for v in vals] or [], dtype=object)
        elif t == "int":
            s = pd.Series([int(v) for v in vals], dtype="int64")
        elif t == "Int64":
            s = pd.Series([pd.NA if v is None else int(v) for v in vals], dtype="Int64")
        elif t == "float":
            s = pd.Series([math.nan if v is None else float(v) for v in vals], dtype="float64")
        elif t == "bool":
            s = pd.Series([bool(v) for v in vals], dtype=bool)
        elif t == "date":
            s = pd.Series([pd.NaT if v is None else pd.Timestamp(_to_date(v, kind, c)) for v in vals],
                          dtype="datetime64[ns]")
        else:
            raise AssertionError(t)
        data[c] = s
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def canonical(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    """Coerce `df` to the canonical columns, order and dtypes of `kind` (fresh RangeIndex)."""
    cols = column_types(kind, df)
    return from_records(kind, records(kind, df), cols)


def empty(kind: str) -> pd.DataFrame:
    return from_records(kind, [])


def sort_frame(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in SORT_KEYS[kind] if k in df.columns]
    if not keys:
        return df.reset_index(drop=True)
    return df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)


def jsonable(value: Any) -> Any:
    """A plain value (from `records`) as JSON: dates -> ISO text, tuples -> lists, NaN -> None."""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def json_records(kind: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: jsonable(v) for k, v in r.items()} for r in records(kind, df)]


def to_json(kind: str, df: pd.DataFrame) -> dict[str, Any]:
    """A JSON-able snapshot of a canonical DataFrame: {"kind", "columns": [[name, type]...], "rows"}."""
    cols = column_types(kind, df)
    rows = [[jsonable(r[c]) for c, _ in cols] for r in records(kind, df)]
    return {"kind": kind, "columns": [[c, t] for c, t in cols], "rows": rows}


def from_json(kind: str, data: dict[str, Any]) -> pd.DataFrame:
    """Inverse of `to_json`: the same canonical DataFrame, dtypes included."""
    if not isinstance(data, dict) or "rows" not in data:
        raise FrameError(f"{kind}: 不是表格快照 not a frame snapshot")
    if data.get("kind") not in (None, kind):
        raise FrameError(f"快照类型不符 snapshot is of kind {data.get('kind')!r}, expected {kind!r}")
    cols = [(c, t) for c, t in data.get("columns") or column_types(kind)]
    names = [c for c, _ in cols]
    return from_records(kind, [dict(zip(names, row)) for row in data["rows"]], cols)


def frames_to_json(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    return {kind: to_json(kind, df) for kind, df in frames.items()}


def frames_from_json(data: dict[str, Any] | None) -> dict[str, pd.DataFrame]:
    return {kind: from_json(kind, snap) for kind, snap in (data or {}).items()}
