"""The inputs of a round: built from the master data (or from the published assignment for a
top-up), rules edited on the page made canonical, and checked before any solve.

- Rule edits made on the Rounds page live in the round's snapshot only; the master constraints
  table is edited on the Data page.
- A top-up round (补充轮) takes the current rosters and the published assignment: pairs that are
  still valid are kept as lock rows (reason KEEP_REASON) unless `moves_allowed` > 0, in which case
  the engine's change budget allows exactly that many moves beyond the pairs that must be new.
No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from common import vocabulary
from matching import ConfigError, InputError, MatchConfig, MatchingInput
from services import access
from services.db import session_scope
from services.round_rules import RoundsError, family_label, rule_families
from services.solve_params import make_config
from store import data as store_data
from store import frames
from store import rounds as store_rounds
from store.auth import UserInfo

KEEP_REASON = "补充轮保留：现行分配继续有效"
CONSTRAINT_COLUMNS = ("type", "cadre_id", "class_id", "college", "level", "min", "max", "reason")


# ------------------------------------------------------------------ from the store

def _in_force_date(session) -> date:
    pub = store_rounds.published_round(session)
    today = date.today()
    if pub is not None and pub.effective_date and pub.effective_date > today:
        return pub.effective_date
    return today


def published_assignment() -> pd.DataFrame:
    """The assignment in force now (or from the published round's future effective date)."""
    with session_scope() as s:
        return store_rounds.assignment_in_force(s, as_of=_in_force_date(s))


def _previous(assignment: pd.DataFrame) -> pd.DataFrame:
    prev = assignment[["cadre_id", "class_id"]].drop_duplicates().reset_index(drop=True)
    return frames.canonical("previous", prev)


def current_inputs(use_previous: bool = True) -> dict[str, pd.DataFrame]:
    """cadres, classes, preferences, constraints from the master data (+ previous = the
    assignment in force, for continuity and change reporting)."""
    with session_scope() as s:
        out = {k: store_data.load_kind(s, k) for k in ("cadres", "classes", "preferences", "constraints")}
        if use_previous:
            out["previous"] = _previous(store_rounds.assignment_in_force(s, as_of=_in_force_date(s)))
    return out


def new_round_inputs(user: UserInfo, kind: str, moves_allowed: int = 0, use_previous: bool = True
                     ) -> tuple[dict[str, pd.DataFrame], dict[str, Any] | None]:
    """What a new round would start from (admin): (inputs, top-up facts or None)."""
    access.require(user, "admin", action="round_inputs")
    if kind == "topup":
        return topup_inputs(moves_allowed)
    return current_inputs(use_previous), None


# ------------------------------------------------------------------ rules edited on the page

def blank_constraint(**kw) -> dict[str, Any]:
    row = dict.fromkeys(CONSTRAINT_COLUMNS, "") | {"min": None, "max": None}
    row.update(kw)
    return row


def empty_constraints() -> pd.DataFrame:
    return frames.empty("constraints")


def with_rows(con: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """`con` with constraint rows appended (canonical)."""
    new = pd.DataFrame([blank_constraint(**r) for r in rows], columns=list(CONSTRAINT_COLUMNS))
    return frames.canonical("constraints", pd.concat([con, new], ignore_index=True))


def _whole(value, n: int, key: str, problems: list[str]) -> int | None:
    if value is None or value == "":
        return None
    try:
        f = float(value)
        if not f.is_integer() or f < 0:
            raise ValueError
        return int(f)
    except (TypeError, ValueError):
        problems.append(f"第{n}行：{'下限' if key == 'min' else '上限'} {value!r} 应为非负整数 / "
                        f"row {n}: {key} must be a whole number ≥ 0")
        return None


def _row(rec: dict[str, Any]) -> dict[str, Any]:
    r = blank_constraint()
    for k in r:
        v = rec.get(k)
        if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
            continue
        r[k] = v if k in ("min", "max") else str(v).strip()
    return r


def canonical_constraints(df: pd.DataFrame) -> pd.DataFrame:
    """An edited constraints table → canonical (blank rows dropped, codes and integers checked).
    Raises RoundsError listing every bad row (1-based, as the user sees it)."""
    rows, problems = [], []
    for n, rec in enumerate(df.to_dict("records"), start=1):
        r = _row(rec)
        if not any(r[k] not in ("", None) for k in r):
            continue
        if r["type"] not in rule_families():
            problems.append(f"第{n}行：类型 {r['type']!r} 无效（{'/'.join(family_label(t) for t in rule_families())}）"
                            f" / row {n}: bad type")
            continue
        if r["level"] and r["level"] not in vocabulary.LEVELS:
            problems.append(f"第{n}行：层级 {r['level']!r} 无效 / row {n}: bad level")
            continue
        for k in ("min", "max"):
            r[k] = _whole(r[k], n, k, problems)
        rows.append(r)
    if problems:
        raise RoundsError("规则表有误，请修改", "the rules table has errors", problems)
    return frames.canonical("constraints", pd.DataFrame(rows, columns=list(CONSTRAINT_COLUMNS)))


# ------------------------------------------------------------------ top-up

def _sort_published_pairs(inp: dict[str, pd.DataFrame], pub: pd.DataFrame) -> dict[str, list]:
    """Published pairs by fate: kept, cadre left (or capacity 0), class gone, now forbidden."""
    cad = inp["cadres"].set_index("cadre_id")
    cls_ids = set(inp["classes"]["class_id"])
    col_of = dict(zip(inp["classes"]["class_id"], inp["classes"]["college"]))
    con = inp["constraints"]
    forb_pair = {(a, b) for t, a, b in zip(con["type"], con["cadre_id"], con["class_id"]) if t == "forbid" and b}
    forb_col = {(a, c) for t, a, b, c in zip(con["type"], con["cadre_id"], con["class_id"], con["college"])
                if t == "forbid" and not b and c}
    out = {"kept": [], "left": [], "gone": [], "forbidden": []}
    for a, b in zip(pub["cadre_id"], pub["class_id"]):
        if a not in cad.index or int(cad.loc[a, "capacity"]) == 0:
            out["left"].append((a, b))
        elif b not in cls_ids:
            out["gone"].append((a, b))
        elif (a, b) in forb_pair or (a, col_of[b]) in forb_col:
            out["forbidden"].append((a, b))
        else:
            out["kept"].append((a, b))
    # a cadre whose capacity shrank below their kept pairs: let the solver choose among them
    per = pd.Series([a for a, _ in out["kept"]]).value_counts() if out["kept"] else pd.Series(dtype=int)
    over = {a for a, k in per.items() if k > int(cad.loc[a, "capacity"])}
    out["kept"] = [(a, b) for a, b in out["kept"] if a not in over]
    return out


def topup_inputs(moves_allowed: int = 0) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Inputs of a top-up round (补充轮) and the facts behind it.

    Kept pairs: published pairs whose cadre is still listed with capacity > 0, whose class is
    still listed, and that no forbid rule now excludes. With moves_allowed = 0 they become lock
    rows (named in a diagnosis like any rule); otherwise the change budget is the number of pairs
    that must be new plus moves_allowed."""
    if moves_allowed < 0:
        raise RoundsError("允许调整数不能为负", "moves allowed must be ≥ 0")
    inp = current_inputs(use_previous=True)
    pub = published_assignment()
    with session_scope() as s:
        pr = store_rounds.published_round(s)
        before = store_rounds.get_round(s, pr.id).inputs.get("classes") if pr is not None else None
    known_classes = set(before["class_id"]) if before is not None else set(pub["class_id"])
    return topup_from(inp, pub, known_classes, moves_allowed)


def topup_from(inp: dict[str, pd.DataFrame], pub: pd.DataFrame, known_classes: set[str],
               moves_allowed: int = 0) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """topup_inputs on given frames: `inp` (cadres, classes, preferences, constraints, previous),
    the published pairs `pub` and the classes the published round knew (the year roll-over builds
    its top-up round from the rosters it is about to write)."""
    fate = _sort_published_pairs(inp, pub)
    kept = fate["kept"]
    need_new = int(inp["cadres"]["capacity"].sum()) - len(kept)
    facts = {"published_pairs": len(pub), "kept": len(kept), "cadres_left": sorted({a for a, _ in fate["left"]}),
             "classes_gone": sorted({b for _, b in fate["gone"]}), "now_forbidden": fate["forbidden"],
             "new_classes": sorted(set(inp["classes"]["class_id"]) - known_classes), "pairs_needed": need_new,
             "moves_allowed": int(moves_allowed)}
    if moves_allowed == 0:
        con = inp["constraints"]
        locked_classes = set(con.loc[con["type"] == "lock", "class_id"])
        locked_cadres = set(con.loc[con["type"] == "lock", "cadre_id"])
        extra = [{"type": "lock", "cadre_id": a, "class_id": b, "reason": KEEP_REASON}
                 for a, b in kept if b not in locked_classes and a not in locked_cadres]
        if extra:
            inp["constraints"] = with_rows(con, extra)
        facts["change_budget"] = None
    else:
        facts["change_budget"] = max(need_new, 0) + int(moves_allowed)
    return inp, facts


def snapshot_inputs(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: frames.canonical(k, v) for k, v in inputs.items() if v is not None}


def matching_input(inputs: dict[str, pd.DataFrame]) -> MatchingInput:
    return MatchingInput(inputs["cadres"], inputs["classes"], preferences=inputs.get("preferences"),
                         constraints=inputs.get("constraints"), scores=inputs.get("scores"),
                         previous=inputs.get("previous"))


# ------------------------------------------------------------------ validation before solving

@dataclass(frozen=True)
class Issue:
    severity: str           # "error" (cannot solve) | "conflict" (will be infeasible)
    message_zh: str
    message_en: str
    rules: tuple = ()       # rule refs (see ARCHITECTURE.md)

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def check_setup(inputs: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[Issue]:
    """Immediate validation of a round's rules and weights, before any solve: bad parameters,
    rules naming unknown cadres/classes/colleges, and the engine's counting checks (a quota
    above the number of cadres, more priority classes than capacity, conflicting locks …)."""
    try:
        cfg = make_config(params)
    except (ConfigError, ValueError, TypeError) as exc:
        probs = exc.problems if isinstance(exc, ConfigError) else [str(exc)]
        return [Issue("error", p, p) for p in probs]
    inp = matching_input(inputs)
    try:
        # The engine's own model and counting checks (internal modules, not the public API): the
        # same messages a solve's diagnosis gives, in milliseconds, without solving.
        from matching.diagnosis import prechecks
        from matching.model import Problem
    except ImportError:          # engine reorganised: the solve still validates and diagnoses
        return []
    try:
        prob = Problem(inp, cfg)
    except InputError as exc:
        return [Issue("error", zh, en) for zh, en in exc.problems]
    issues = [Issue("conflict", c.message_zh, c.message_en, tuple(c.rules)) for c in prechecks(prob)]
    issues += _locks_vs_priority(inputs, cfg)
    return issues


def _locks_vs_priority(inputs: dict[str, pd.DataFrame], cfg: MatchConfig) -> list[Issue]:
    """Locked pairs use up capacity: the priority classes they do not cover need what is left
    (the situation of a top-up that keeps every pair)."""
    con = inputs.get("constraints")
    if cfg.priority != "hard" or con is None or not len(con):
        return []
    locks = con[con["type"] == "lock"]
    if not len(locks):
        return []
    cls, cad = inputs["classes"], inputs["cadres"]
    used = locks.groupby("cadre_id").size()
    free = sum(max(int(c) - int(used.get(i, 0)), 0) for i, c in zip(cad["cadre_id"], cad["capacity"]))
    open_pri = len(set(cls.loc[cls["priority"], "class_id"]) - set(locks["class_id"]))
    if open_pri <= free:
        return []
    refs = ({"kind": "round", "name": "priority"}, {"kind": "round", "name": "capacity"})
    return [Issue("conflict",
                  f"{len(locks)}条锁定规则占用了带班名额，剩余{free}个名额，但还有{open_pri}个重点关注班级没有班主任",
                  f"{len(locks)} lock rules use up capacity: {free} places remain for {open_pri} priority classes "
                  "without an adviser", refs)]
