"""Adjusting a solved draft by hand: lock a pair, forbid a pair, move a cadre to a class, swap two
cadres' classes, or go back to an earlier revision of the round.

Adjustments change as little as possible (issue 12). Lock, forbid and move add their rule to the
round's snapshot and re-solve with the current revision's pairs as the engine's *anchor*: first the
most pairs kept, then the best fit (matching's exact lexicographic objective). A swap of two pairs
that every rule allows needs no solve: the engine checks every rule on the swapped assignment
(matching.assess) and it is saved as a hand-made result (reproduce re-checks it).

Each adjustment is first a `Plan` — the assignment it makes and every pair that changes, with fit
before and after — and becomes a new revision only when the user confirms (`apply`). The revision
keeps the rule and the anchor (parameters "anchor"), so re-running it (round_solve.reproduce) gives
its result. Rules it breaks for certain are named before any solve; when no assignment keeps the
adjustment, it is refused naming the rules of the engine's diagnosis, and nothing is written.
No Streamlit here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from common import vocabulary
from matching.assess import assess
from services import access
from services.db import session_scope
from services.jobs import BackgroundJob
from services.round_compare import CHANGE_COLUMNS, pair_changes
from services.round_inputs import with_rows
from services.round_lifecycle import revise, round_label, round_number
from services.round_rules import (
    RoundsError,
    RuleNames,
    constraints_of,
    numbered_rule_label,
    people_labels,
    resolve_rules,
    round_rule_label,
)
from services.round_solve import READERS, engine_input, load_round, remember, solve_inputs, stored_result
from services.solve_params import make_config
from store import rounds as store_rounds
from store.auth import UserInfo

MOVE_REASON = "手动调整"
SWAP_REASON = "对调"
ACTIONS = ("lock", "forbid", "move")
RESTORED_KEYS = ("revision_of", "revision", "round_no", "revision_note", "revision_note_en")


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


def _with_rules(info, rows: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    return dict(info.inputs) | {"constraints": with_rows(constraints_of(info.inputs), rows)}


def _draft(user: UserInfo, round_id: int):
    access.require(user, "admin", action="adjust_round")
    info = load_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能调整草稿轮次", "only a draft round can be adjusted")
    return info


def adjust(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str) -> tuple[dict, str, str]:
    """Prepare an adjustment (lock / forbid / move): check the rules it would break for certain
    and return (new inputs, note zh, note en). Raises RoundsError naming the broken rules."""
    info = _draft(user, round_id)
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
        return _with_rules(info, [row]), f"回避：{who} 不带 {what}", f"forbid {cadre_id} → {class_id}"
    if locked:
        raise RoundsError(f"{who} → {what} 已锁定", f"{cadre_id} → {class_id} is already locked")
    broken = _check_move(info, cadre_id, class_id)
    if action == "move":
        if broken:
            raise RoundsError(f"不能把{who}调到{what}：违反规则", f"cannot move {cadre_id} to {class_id}: it breaks",
                              broken)
        row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id,
               "reason": f"{MOVE_REASON}（{user.username}）"}
        return _with_rules(info, [row]), f"手动调整：{who} → {what}", f"move {cadre_id} → {class_id}"
    if broken:
        raise RoundsError(f"不能锁定{who} → {what}：违反规则", f"cannot lock {cadre_id} → {class_id}", broken)
    row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id, "reason": f"锁定（{user.username}）"}
    return _with_rules(info, [row]), f"锁定：{who} → {what}", f"lock {cadre_id} → {class_id}"


def _refused(info, inputs: dict[str, pd.DataFrame], res, own: int = 1) -> list[tuple[str, str]]:
    """The rules of an infeasible re-solve's diagnosis, minus the adjustment's own new rules, as
    (zh, en) labels."""
    refs = [r for c in res.diagnosis for r in c.rules]
    n = len(inputs["constraints"])
    mine = [{"kind": "constraint", "rule_index": n - 1 - k} for k in range(own)]
    adjusted = dataclasses.replace(info, inputs=inputs)
    return list(dict.fromkeys((x.label_zh, x.label_en) for x in resolve_rules(adjusted, refs) if x.ref not in mine))


# ------------------------------------------------------------------ plans: preview, then apply

@dataclass(frozen=True)
class Plan:
    """An adjustment computed but not saved: the revision it would make and every pair it changes."""
    round_id: int                 # the draft it adjusts
    round_label: str              # "#N vK" of that draft
    new_label: str                # "#N vK+1": the revision it would make
    action: str                   # lock | forbid | move | swap
    note_zh: str
    note_en: str
    status: str                   # optimal | feasible (ready to apply) | refused | cancelled
    inputs: dict = field(default_factory=dict, repr=False)
    params: dict = field(default_factory=dict, repr=False)     # what the revision adds: {"anchor": ...}
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CHANGE_COLUMNS)), repr=False)
    result: Any = field(default=None, repr=False)             # the engine result (matching.MatchResult)
    refused: tuple = ()                                       # rule labels of a refusal (zh)
    refused_en: tuple = ()                                    # the same labels in English
    solved: bool = True                                       # False for a swap proved without a solve

    @property
    def ready(self) -> bool:
        return vocabulary.is_solved(self.status)

    @property
    def total_cost(self) -> float:
        """Total fit lost (negative: gained) over every pair that changes."""
        return float(self.changes["cost"].sum()) + 0.0 if len(self.changes) else 0.0     # (+ 0.0: never −0)

    @property
    def moved(self) -> int:
        """Cadres whose classes change."""
        return int(self.changes["cadre_id"].nunique()) if len(self.changes) else 0


def _anchor(info) -> dict[str, Any] | None:
    a = info.assignment
    if a is None or not len(a):
        return None
    pairs = sorted(zip(a["cadre_id"].astype(str), a["class_id"].astype(str)))
    return {"of": info.id, "pairs": [list(p) for p in pairs]}


def _plan(info, action: str, note: tuple[str, str], inputs, res, solved: bool = True) -> Plan:
    head = (info.id, round_label(info), round_label(info, 1), action, *note)
    if res.status == "cancelled":
        return Plan(*head, status="cancelled")
    if not vocabulary.is_solved(res.status):
        own = 2 if action == "swap" else 1
        labels = _refused(info, inputs, res, own)
        return Plan(*head, status="refused", refused=tuple(zh for zh, _ in labels),
                    refused_en=tuple(en for _, en in labels))
    return Plan(*head, status=res.status, inputs=inputs, params={"anchor": _anchor(info)},
                changes=pair_changes(info.assignment, res.assignment), result=res, solved=solved)


def preview(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str, progress=None,
            cancel=None) -> Plan:
    """Lock / forbid / move computed (not saved): the rule added, then the fewest other pairs changed
    against this revision, then the best fit. Raises RoundsError naming rules it breaks for certain."""
    inputs, note_zh, note_en = adjust(user, round_id, action, cadre_id, class_id)
    info = load_round(round_id)
    res = solve_inputs(inputs, info.parameters | {"anchor": _anchor(info)}, progress, cancel)
    return _plan(info, action, (note_zh, note_en), inputs, res)


def _pair_of(info, cadre_id: str, class_id: str | None) -> tuple[str, str]:
    a = info.assignment
    rows = a[a["cadre_id"] == cadre_id]
    if not len(rows):
        raise RoundsError(f"工号 {cadre_id} 在本轮没有班级", f"cadre {cadre_id} has no class in this round")
    if class_id is None:
        class_id = str(rows["class_id"].iloc[0])
    elif class_id not in set(rows["class_id"]):
        raise RoundsError(f"{cadre_id} 不带班级 {class_id}", f"{cadre_id} does not advise {class_id}")
    return cadre_id, class_id


def preview_swap(user: UserInfo, round_id: int, cadre_a: str, cadre_b: str, class_a: str | None = None,
                 class_b: str | None = None) -> Plan:
    """Two cadres exchange classes (class_a/class_b: which of their classes, for a cadre with more
    than one). No solve: the swapped assignment is checked against every rule (matching.assess) and
    saved as a hand-made result, with the swap as two lock rules and this revision's pairs as the
    anchor — a re-solve of those returns the same pairs (tests/test_matching_anchor.py). Raises
    RoundsError naming each rule the swap breaks."""
    info = _draft(user, round_id)
    if info.assignment is None or not len(info.assignment):
        raise RoundsError("请先求解本轮", "solve the round first")
    (a, ka), (b, kb) = _pair_of(info, cadre_a, class_a), _pair_of(info, cadre_b, class_b)
    if a == b or ka == kb:
        raise RoundsError("请选择两名不同的干部", "pick two different cadres")
    names, class_names = people_labels(info)
    who_a, who_b = f"{names.get(a, a)}（{a}）", f"{names.get(b, b)}（{b}）"
    note_zh = f"对调：{who_a} {class_names.get(ka, ka)} ↔ {who_b} {class_names.get(kb, kb)}"
    note_en = f"swap {a} ({ka}) ↔ {b} ({kb})"
    reason = f"{SWAP_REASON}（{user.username}）"
    inputs = _with_rules(info, [{"type": "lock", "cadre_id": a, "class_id": kb, "reason": reason},
                                {"type": "lock", "cadre_id": b, "class_id": ka, "reason": reason}])
    params = info.parameters | {"anchor": _anchor(info)}
    pairs = [(c, kb if (c, k) == (a, ka) else ka if (c, k) == (b, kb) else k)
             for c, k in zip(info.assignment["cadre_id"], info.assignment["class_id"])]
    verdict = assess(engine_input(inputs, params), make_config(params), pairs)
    if verdict.violations:
        raise RoundsError(f"不能对调{who_a}与{who_b}：违反规则", f"cannot swap {a} and {b}: it breaks",
                          list(dict.fromkeys(v.zh for v in verdict.violations)))
    return _plan(info, "swap", (note_zh, note_en), inputs, verdict.result, solved=False)


def _pairs(a: pd.DataFrame) -> list[list[str]]:
    return [list(p) for p in sorted(zip(a["cadre_id"].astype(str), a["class_id"].astype(str)))]


def apply(user: UserInfo, plan: Plan) -> int:
    """Save a previewed adjustment as a new revision of its round (the old draft is archived);
    refused when the draft changed since the preview. Returns the new revision's id."""
    access.require(user, "admin", action="adjust_round")
    if not plan.ready:
        raise RoundsError("该调整没有可保存的结果", "this adjustment has no result to save")
    info = load_round(plan.round_id)
    anchor = (plan.params.get("anchor") or {}).get("pairs") or []
    if info.status != "draft" or _pairs(info.assignment) != anchor:
        raise RoundsError(f"{plan.round_label} 在预览后已变化，请重新预览",
                          f"{plan.round_label} changed after the preview: preview again")
    new_id = revise(user, plan.round_id, inputs=plan.inputs, params=plan.params, note=plan.note_zh,
                    note_en=plan.note_en, result=stored_result(plan.result))     # one transaction
    remember(new_id, plan.result)
    return new_id


def _outcome(user: UserInfo, plan: Plan, save: bool) -> dict[str, Any]:
    if plan.status == "cancelled":
        return {"round_id": plan.round_id, "status": "cancelled"}
    if not plan.ready:
        return {"round_id": plan.round_id, "status": "refused", "note": plan.note_zh, "note_en": plan.note_en,
                "refused": list(plan.refused), "refused_en": list(plan.refused_en)}
    if not save:
        return {"round_id": plan.round_id, "status": "preview", "plan": plan}
    new_id = apply(user, plan)
    return {"round_id": new_id, "status": plan.status, "note": plan.note_zh, "note_en": plan.note_en,
            "label": plan.new_label}


def start_preview(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str) -> BackgroundJob:
    """Check, then compute the adjustment in the background: outcome {"status": "preview", "plan"},
    or {"status": "refused", "refused": [rule labels]} when no assignment keeps it. Saves nothing."""
    adjust(user, round_id, action, cadre_id, class_id)        # raises before a thread
    label_ = round_label(load_round(round_id))

    def work(progress, cancel):
        return _outcome(user, preview(user, round_id, action, cadre_id, class_id, progress, cancel), save=False)
    return BackgroundJob(f"预览调整 {label_}", f"Previewing an adjustment of {label_}", work).start()


def start_adjust(user: UserInfo, round_id: int, action: str, cadre_id: str, class_id: str) -> BackgroundJob:
    """Preview and apply at once, in the background: outcome {"round_id", "status"} of the new
    revision, or {"status": "refused", "refused": [rule labels]} (nothing written)."""
    _, note_zh, note_en = adjust(user, round_id, action, cadre_id, class_id)   # raises before a thread

    def work(progress, cancel):
        return _outcome(user, preview(user, round_id, action, cadre_id, class_id, progress, cancel), save=True)
    return BackgroundJob(note_zh, note_en, work).start()


# ------------------------------------------------------------------ revisions: list and go back

def revisions(user: UserInfo, round_id: int) -> list:
    """Every revision of the round (same number), newest first, the given one included."""
    access.require(user, *READERS, action="read_round")
    info = load_round(round_id)
    no = round_number(info.id, info.parameters)
    with session_scope() as s:
        listed = store_rounds.list_rounds(s)
    return [r for r in listed if round_number(r.id, r.parameters) == no]


def against_previous(user: UserInfo, round_id: int) -> tuple[str, pd.DataFrame] | None:
    """(label of the revision this one was made from, every pair that changed since: CHANGE_COLUMNS),
    or None for a first revision."""
    access.require(user, *READERS, action="diff_round")
    info = load_round(round_id)
    of = info.parameters.get("revision_of")
    if not of:
        return None
    prev = load_round(int(of))
    return round_label(prev), pair_changes(prev.assignment, info.assignment)


def restore(user: UserInfo, round_id: int, earlier_id: int) -> int:
    """Go back: a new revision of the draft `round_id` equal to the earlier revision `earlier_id`
    (its inputs, parameters and stored result), so re-running it gives that result again."""
    info = _draft(user, round_id)
    earlier = load_round(earlier_id)
    if round_number(earlier.id, earlier.parameters) != round_number(info.id, info.parameters) or earlier.id == info.id:
        raise RoundsError(f"只能恢复到 {round_label(info)} 的较早版本", f"only an earlier revision of {round_label(info)}")
    if not vocabulary.is_solved((earlier.result or {}).get("status")):
        raise RoundsError(f"{round_label(earlier)} 没有可行的分配结果", f"{round_label(earlier)} has no assignment")
    params = {k: v for k, v in earlier.parameters.items() if k not in RESTORED_KEYS}
    params.setdefault("anchor", None)
    to = round_label(earlier)
    return revise(user, round_id, inputs=dict(earlier.inputs), params=params, note=f"恢复到 {to}",
                  note_en=f"back to {to}", result=(earlier.assignment, dict(earlier.result)))   # one transaction
