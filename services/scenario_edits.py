"""The edits of a scenario (情景): what-if changes to a copy of the inputs, applied to canonical
DataFrames. Pure (pandas only): services/scenarios.py, services/sweeps.py and the tests use it
without a database.

Edits are JSON dicts kept in the scenario's log, one function per `op` (EDITS):
  {"op": "add_hypothetical", "count": N, "level": "deputy", "expertise": [...], "discipline": "", "capacity": 1}
  {"op": "remove_cadres", "cadre_ids": [...]}            also drops their wishes, rules and previous pairs
  {"op": "set_capacity", "capacity": k, "level": "deputy" | "cadre_ids": [...]}
  {"op": "add_classes", "rows": [class records]}        e.g. next year's freshman classes from a file
  {"op": "remove_classes", "class_ids": [...]} or {"op": "remove_classes", "grade": 2022}
  {"op": "set_constraints", "rows": [constraint records]}   replaces the rules
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from common import vocabulary
from store import frames as store_frames
from store.errors import StoreError

INPUT_KINDS = ("cadres", "classes", "preferences", "constraints", "previous")
LEVELS = vocabulary.LEVEL_ORDER
HYPO_PREFIX = "H-"          # ids of hypothetical cadres: H-001, H-002, …
MAX_HYPOTHETICAL = 500


class ScenarioError(StoreError, ValueError):
    """A scenario edit or parameter that cannot be applied; Chinese and English message
    (formatted like every store error)."""


def _canon(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    return store_frames.canonical(kind, df)


def _level(code, lang: str = "zh") -> str:
    return vocabulary.label(vocabulary.LEVELS, code, lang) if code else ""


def empty_frames() -> dict[str, pd.DataFrame]:
    return {k: store_frames.empty(k) for k in INPUT_KINDS}


def previous_from_assignment(assignment: pd.DataFrame) -> pd.DataFrame:
    pairs = assignment[["cadre_id", "class_id"]].drop_duplicates() if len(assignment) else \
        pd.DataFrame(columns=["cadre_id", "class_id"])
    return _canon("previous", pairs)


def _drop_refs(fr: dict[str, pd.DataFrame], cadre_ids: set[str] = frozenset(),
               class_ids: set[str] = frozenset()) -> dict[str, int]:
    """Remove preferences / constraints / previous rows naming removed cadres or classes, so the
    scenario stays a valid input (the importer's reference rules). Returns rows dropped per kind."""
    dropped = {}
    cls = fr["classes"]
    exists = {"class": set(cls["class_id"]), "college": set(cls["college"]), "major": set(cls["major"]),
              "grade": set(cls["grade"].astype(str))}
    p = fr["preferences"]
    # a wish whose class/college/major/grade no longer exists is dropped with the rows it names
    alive = pd.Series([v in exists.get(k, set()) for k, v in zip(p["kind"], p["value"], strict=True)],
                      index=p.index, dtype=bool)
    keep = ~p["cadre_id"].isin(cadre_ids) & alive
    dropped["preferences"] = int((~keep).sum())
    fr["preferences"] = p.loc[keep].reset_index(drop=True)
    c = fr["constraints"]
    keep = ~(c["cadre_id"].isin(cadre_ids) & (c["cadre_id"] != "")) & \
        ~(c["class_id"].isin(class_ids) & (c["class_id"] != "")) & \
        ((c["college"] == "") | c["college"].isin(exists["college"]))
    dropped["constraints"] = int((~keep).sum())
    fr["constraints"] = c.loc[keep].reset_index(drop=True)
    v = fr["previous"]
    keep = ~v["cadre_id"].isin(cadre_ids) & ~v["class_id"].isin(class_ids)
    dropped["previous"] = int((~keep).sum())
    fr["previous"] = v.loc[keep].reset_index(drop=True)
    return dropped


def _ids(edit: dict, key: str) -> list[str]:
    vals = edit.get(key) or []
    if isinstance(vals, str):
        vals = [vals]
    return [str(v).strip() for v in vals if str(v).strip()]


def _add_hypothetical(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    cad = fr["cadres"]
    try:
        count = int(edit.get("count", 0))
        cap = int(edit.get("capacity", 1))
    except (TypeError, ValueError):
        raise ScenarioError("人数和带班数应为整数", "count and capacity must be whole numbers") from None
    level = edit.get("level")
    if level not in LEVELS:
        raise ScenarioError(f"层级 {level!r} 无效", f"level {level!r} must be one of {LEVELS}")
    if not 1 <= count <= MAX_HYPOTHETICAL:
        raise ScenarioError(f"假设干部人数 {count} 应在 1–500 之间", f"count {count} must be 1–500")
    if cap < 0:
        raise ScenarioError("带班数不能为负", "capacity must be ≥ 0")
    taken = set(cad["cadre_id"])
    nums = [int(x[len(HYPO_PREFIX):]) for x in taken if x.startswith(HYPO_PREFIX) and x[len(HYPO_PREFIX):].isdigit()]
    start = max(nums, default=0) + 1
    expertise = tuple(str(t).strip() for t in (edit.get("expertise") or []) if str(t).strip())
    rows = [{"cadre_id": f"{HYPO_PREFIX}{k:03d}", "name": f"假设干部{k}", "unit": "（假设）",
             "position": "", "level": level, "expertise": expertise,
             "discipline": str(edit.get("discipline") or "").strip(), "capacity": cap}
            for k in range(start, start + count)]
    fr["cadres"] = _canon("cadres", pd.concat([cad, store_frames.from_records("cadres", rows)], ignore_index=True))


def _remove_cadres(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    cad = fr["cadres"]
    ids = _ids(edit, "cadre_ids")
    unknown = sorted(set(ids) - set(cad["cadre_id"]))
    if unknown or not ids:
        raise ScenarioError("要移除的干部不在名单中", "cadres to remove are not in the list", unknown)
    fr["cadres"] = cad.loc[~cad["cadre_id"].isin(ids)].reset_index(drop=True)
    _drop_refs(fr, cadre_ids=set(ids))


def _set_capacity(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    cad = fr["cadres"]
    try:
        cap = int(edit.get("capacity"))
    except (TypeError, ValueError):
        raise ScenarioError("带班数应为整数", "capacity must be a whole number") from None
    if cap < 0:
        raise ScenarioError("带班数不能为负", "capacity must be ≥ 0")
    if edit.get("level"):
        if edit["level"] not in LEVELS:
            raise ScenarioError(f"层级 {edit['level']!r} 无效", f"level {edit['level']!r} invalid")
        sel = cad["level"] == edit["level"]
    else:
        ids = _ids(edit, "cadre_ids")
        unknown = sorted(set(ids) - set(cad["cadre_id"]))
        if unknown or not ids:
            raise ScenarioError("干部不在名单中", "cadres are not in the list", unknown)
        sel = cad["cadre_id"].isin(ids)
    cad = cad.copy()
    cad.loc[sel, "capacity"] = cap
    fr["cadres"] = _canon("cadres", cad)


def _add_classes(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    cls = fr["classes"]
    try:
        new = store_frames.from_records("classes", list(edit.get("rows") or []))
    except (store_frames.FrameError, ValueError, TypeError, KeyError) as exc:
        raise ScenarioError("新增班级的数据格式不符", "added classes are not canonical", [str(exc)]) from None
    if new.empty:
        raise ScenarioError("没有要新增的班级", "no classes to add")
    dup = sorted(set(new["class_id"]) & set(cls["class_id"]))
    dup += sorted(new.loc[new["class_id"].duplicated(), "class_id"])
    if dup:
        raise ScenarioError("班级编号已存在", "class ids already exist", dup)
    fr["classes"] = _canon("classes", pd.concat([cls, new], ignore_index=True))


def _remove_classes(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    cls = fr["classes"]
    if edit.get("grade") not in (None, ""):
        ids = list(cls.loc[cls["grade"] == int(edit["grade"]), "class_id"])
        if not ids:
            raise ScenarioError(f"没有 {edit['grade']} 级的班级", f"no classes of grade {edit['grade']}")
    else:
        ids = _ids(edit, "class_ids")
        unknown = sorted(set(ids) - set(cls["class_id"]))
        if unknown or not ids:
            raise ScenarioError("要移除的班级不在名单中", "classes to remove are not in the list", unknown)
    fr["classes"] = cls.loc[~cls["class_id"].isin(ids)].reset_index(drop=True)
    _drop_refs(fr, class_ids=set(ids))


def _set_constraints(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> None:
    try:
        fr["constraints"] = store_frames.from_records("constraints", list(edit.get("rows") or []))
    except (store_frames.FrameError, ValueError, TypeError, KeyError) as exc:
        raise ScenarioError("约束数据格式不符", "constraints are not canonical", [str(exc)]) from None


EDITS: dict[str, Callable[[dict[str, pd.DataFrame], dict[str, Any]], None]] = {
    "add_hypothetical": _add_hypothetical, "remove_cadres": _remove_cadres, "set_capacity": _set_capacity,
    "add_classes": _add_classes, "remove_classes": _remove_classes, "set_constraints": _set_constraints}


def apply_edit(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """One edit applied to a copy of the frames. Raises ScenarioError naming what is wrong."""
    op = edit.get("op")
    if op not in EDITS:
        raise ScenarioError(f"未知的情景编辑 {op!r}", f"unknown scenario edit {op!r}")
    fr = {k: v.copy() for k, v in fr.items()}
    EDITS[op](fr, edit)
    check_frames(fr)
    return fr


def check_frames(fr: dict[str, pd.DataFrame]) -> None:
    """References a solve needs: every wish/rule names an existing cadre/class/college."""
    cad, cls = set(fr["cadres"]["cadre_id"]), set(fr["classes"]["class_id"])
    colleges = set(fr["classes"]["college"])
    bad = []
    for k, r in fr["constraints"].iterrows():
        if r["cadre_id"] and r["cadre_id"] not in cad:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 工号 cadre {r['cadre_id']}")
        if r["class_id"] and r["class_id"] not in cls:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 班级 class {r['class_id']}")
        if r["college"] and r["college"] not in colleges:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 学院 college {r['college']}")
    p = fr["preferences"]
    miss = p.loc[~p["cadre_id"].isin(cad), "cadre_id"]
    bad += [f"意向 preference: 工号 cadre {c}" for c in sorted(set(miss))]
    if bad:
        raise ScenarioError("情景中有引用不存在的干部、班级或学院", "the scenario refers to unknown cadres, "
                            "classes or colleges", bad)


def describe_edit(edit: dict[str, Any]) -> tuple[str, str]:
    """A one-line description of an edit (zh, en) for the scenario's log."""
    op = edit.get("op")
    if op == "add_hypothetical":
        lv = edit.get("level", "")
        ex = edit.get("expertise") or []
        n, cap = edit.get("count"), edit.get("capacity", 1)
        zh = f"新增 {n} 名假设{_level(lv)}（专长：{'、'.join(ex) or '无'}；带班数 {cap}）"
        en = f"add {n} hypothetical cadre(s) of level {_level(lv, 'en')} (expertise: {', '.join(ex) or 'none'}; capacity {cap})"
        return zh, en
    if op == "remove_cadres":
        ids = _ids(edit, "cadre_ids")
        return f"移除 {len(ids)} 名干部：{'、'.join(ids[:8])}", f"remove {len(ids)} cadre(s): {', '.join(ids[:8])}"
    if op == "set_capacity":
        who = _level(edit.get("level")) or "、".join(_ids(edit, "cadre_ids")[:8])
        who_en = _level(edit.get("level"), "en") or ", ".join(_ids(edit, "cadre_ids")[:8])
        return f"{who} 带班数设为 {edit.get('capacity')}", f"capacity of {who_en} set to {edit.get('capacity')}"
    if op == "add_classes":
        n = len(edit.get("rows") or [])
        src = edit.get("source") or ""
        return f"新增 {n} 个班级 {src}".strip(), f"add {n} class(es) {src}".strip()
    if op == "remove_classes":
        if edit.get("grade") not in (None, ""):
            return f"移除 {edit['grade']} 级全部班级", f"remove every class of grade {edit['grade']}"
        ids = _ids(edit, "class_ids")
        return f"移除 {len(ids)} 个班级：{'、'.join(ids[:8])}", f"remove {len(ids)} class(es): {', '.join(ids[:8])}"
    if op == "set_constraints":
        n = len(edit.get("rows") or [])
        return f"约束规则改为 {n} 条", f"rules replaced ({n} rows)"
    return str(op), str(op)


def read_classes_file(raw: bytes, filename: str) -> tuple[dict[str, Any] | None, list]:
    """Classes to add (e.g. next year's freshman classes) from an xlsx/csv read by the importer:
    (the add_classes edit, []) or (None, the importer's problems)."""
    import importer
    try:
        df = importer.read_file("classes", raw, filename=filename)
    except importer.ImportFailed as exc:
        return None, list(exc.problems)
    return {"op": "add_classes", "rows": store_frames.json_records("classes", df), "source": filename}, []




def set_constraints_edit(table: pd.DataFrame) -> dict[str, Any]:
    """The edit that replaces the rules with an edited rules table (checked like a round's rules:
    raises RoundsError naming every bad row)."""
    from services.round_inputs import canonical_constraints
    return {"op": "set_constraints", "rows": store_frames.json_records("constraints", canonical_constraints(table))}
