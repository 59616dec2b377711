"""Adjusting a solved draft by hand: lock a pair, forbid a pair, or move a cadre to a class.

An adjustment adds one rule to the round's snapshot and re-solves in the background. Rules it
breaks for certain are named before any thread starts; the engine finds the rest. Only when the
re-solve finds an assignment is a revision saved; otherwise the adjustment is refused, naming
the rules of the engine's diagnosis, and nothing is written. No Streamlit here.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from services import access
from services.jobs import BackgroundJob
from services.round_inputs import with_rows
from services.round_lifecycle import revise
from services.round_rules import (
    RoundsError,
    RuleNames,
    constraints_of,
    numbered_rule_label,
    people_labels,
    resolve_rules,
    round_rule_label,
)
from services.round_solve import load_round, save_result, solve_inputs
from store.auth import UserInfo

MOVE_REASON = "手动调整"
ACTIONS = ("lock", "forbid", "move")


def _breaks(row: dict[str, Any], cadre_id: str, class_id: str, college: str, locks_full: bool) -> bool:
    """Does constraint `row` certainly forbid the pair (cadre_id, class_id)?"""
    if row["type"] == "forbid":
        return row["cadre_id"] == cadre_id and (
            row["class_id"] == class_id or (not row["class_id"] and row["college"] == college))
    if row["type"] == "lock":
        if row["class_id"] == class_id:
            return row["cadre_id"] != cadre_id          # the class is locked to someone else
        return row["cadre_id"] == cadre_id and locks_full   # the cadre's locks fill their capacity
    return False


def _check_move(info, cadre_id: str, class_id: str) -> list[str]:
    """Rules a manual move breaks for certain, named (the engine then checks the rest)."""
    names, _ = people_labels(info)
    cad = info.inputs["cadres"].set_index("cadre_id")
    cls = info.inputs["classes"].set_index("class_id")
    if cadre_id not in cad.index:
        raise RoundsError(f"工号 {cadre_id} 不在本轮干部名单中", f"cadre {cadre_id} is not in this round")
    if class_id not in cls.index:
        raise RoundsError(f"班级 {class_id} 不在本轮班级名单中", f"class {class_id} is not in this round")
    broken = []
    cap = int(cad.loc[cadre_id, "capacity"])
    if cap == 0:
        broken.append(f"{round_rule_label('capacity')}：{names[cadre_id]} 带班数为0")
    college = cls.loc[class_id, "college"]
    recs = constraints_of(info.inputs).to_dict("records")
    own_locks = sum(1 for r in recs if r["type"] == "lock" and r["cadre_id"] == cadre_id and r["class_id"] != class_id)
    labels = RuleNames.of(info.inputs)
    broken += [numbered_rule_label(i, r, labels) for i, r in enumerate(recs)
               if _breaks(r, cadre_id, class_id, college, own_locks >= cap)]
    if info.parameters.get("own_unit") == "forbid" and cad.loc[cadre_id, "unit"] == college:
        broken.append(round_rule_label("own_unit"))
    return broken


def _with_rule(info, row: dict[str, Any]) -> dict[str, pd.DataFrame]:
    return dict(info.inputs) | {"constraints": with_rows(constraints_of(info.inputs), [row])}


def adjust(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str) -> tuple[dict, str, str]:
    """Prepare an adjustment (lock / forbid / move): check the rules it would break for certain
    and return (new inputs, note zh, note en). Raises RoundsError naming the broken rules."""
    access.require(user, "admin", action="adjust_round")
    info = load_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能调整草稿轮次", "only a draft round can be adjusted")
    if action not in ACTIONS:
        raise RoundsError(f"未知操作 {action}", f"unknown action {action!r}")
    names, class_names = people_labels(info)
    who = f"{names.get(cadre_id, cadre_id)}（{cadre_id}）"
    what = f"{class_names.get(class_id, class_id)}（{class_id}）"
    recs = constraints_of(info.inputs).to_dict("records")
    labels = RuleNames.of(info.inputs)
    locked = [numbered_rule_label(i, r, labels) for i, r in enumerate(recs)
              if r["type"] == "lock" and r["cadre_id"] == cadre_id and r["class_id"] == class_id]
    if action == "forbid":
        if locked:
            raise RoundsError(f"不能回避{who} → {what}：该配对已锁定", "cannot forbid a locked pair", locked)
        row = {"type": "forbid", "cadre_id": cadre_id, "class_id": class_id, "reason": f"回避（{user.username}）"}
        return _with_rule(info, row), f"回避：{who} 不带 {what}", f"forbid {cadre_id} → {class_id}"
    if locked:
        raise RoundsError(f"{who} → {what} 已锁定", f"{cadre_id} → {class_id} is already locked")
    broken = _check_move(info, cadre_id, class_id)
    if action == "move":
        if broken:
            raise RoundsError(f"不能把{who}调到{what}：违反规则", f"cannot move {cadre_id} to {class_id}: it breaks",
                              broken)
        row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id,
               "reason": f"{MOVE_REASON}（{user.username}）"}
        return _with_rule(info, row), f"手动调整：{who} → {what}", f"move {cadre_id} → {class_id}"
    if broken:
        raise RoundsError(f"不能锁定{who} → {what}：违反规则", f"cannot lock {cadre_id} → {class_id}", broken)
    row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id, "reason": f"锁定（{user.username}）"}
    return _with_rule(info, row), f"锁定：{who} → {what}", f"lock {cadre_id} → {class_id}"


def _refused(info, inputs: dict[str, pd.DataFrame], res) -> list[str]:
    """The rules of an infeasible re-solve's diagnosis, minus the adjustment's own new rule."""
    refs = [r for c in res.diagnosis for r in c.rules]
    new_rule = {"kind": "constraint", "rule_index": len(inputs["constraints"]) - 1}
    adjusted = dataclasses.replace(info, inputs=inputs)
    return list(dict.fromkeys(x.label_zh for x in resolve_rules(adjusted, refs) if x.ref != new_rule))


def start_adjust(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str) -> BackgroundJob:
    """Check, then re-solve with the adjustment in the background: outcome {"round_id", "status"}
    or, when no assignment keeps the adjustment, {"status": "refused", "refused": [rule labels]}."""
    inputs, note_zh, note_en = adjust(user, round_id, action, cadre_id, class_id)   # raises before a thread
    info = load_round(round_id)

    def work(progress, cancel):
        res = solve_inputs(inputs, info.parameters, progress, cancel)
        if res.status == "cancelled":
            return {"round_id": round_id, "status": "cancelled"}
        if res.status == "infeasible":
            return {"round_id": round_id, "status": "refused", "note": note_zh, "refused": _refused(info, inputs, res),
                    "diagnosis": [c.to_dict() for c in res.diagnosis]}
        new_id = revise(user, round_id, inputs=inputs, note=note_zh)
        save_result(new_id, res, user.username)
        return {"round_id": new_id, "status": res.status, "note": note_zh}
    return BackgroundJob(note_zh, note_en, work).start()
