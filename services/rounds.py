"""What the Rounds page (分配轮次) calls: build the matching input from the store or from a
round's snapshot, solve in a background thread, save, adjust, publish, reproduce.

Design decisions:
- A round's inputs are an immutable snapshot. Editing its rules, locking/forbidding a pair or
  moving a cadre makes a *revision*: a new draft round (parent = the old one) holding the edited
  snapshot; the old draft is archived. So every stored result always matches the inputs it was
  solved from, and re-running any round (archived included) reproduces it.
- Rule edits made on this page live in the round's snapshot only; the master constraints table
  is edited on the Data page.
- A top-up round (补充轮) takes the current rosters and the published assignment: pairs that are
  still valid are kept as lock rows (reason 补充轮保留) unless `moves_allowed` > 0, in which case
  the engine's change budget allows exactly that many moves beyond the pairs that must be new.
No Streamlit here.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from matching import ConfigError, InputError, MatchConfig, MatchingInput, MatchResult, load_config, solve
from services.db import session_scope
from store import data as store_data
from store import frames, version
from store import rounds as store_rounds
from store.errors import StoreError

KEEP_REASON = "补充轮保留：现行分配继续有效"
MOVE_REASON = "手动调整"
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
TYPE_ZH = vocabulary.labels(vocabulary.CONSTRAINT_TYPES)
KIND_ZH = vocabulary.labels(vocabulary.ROUND_KINDS)
STATUS_ZH = vocabulary.labels(vocabulary.ROUND_STATUSES)
RESULT_ZH = {**vocabulary.labels(vocabulary.SOLVER_STATUSES), "imported": "导入（手工分配）", "error": "出错"}
ROUND_RULE_ZH = {
    "capacity": ("每名干部带班数（干部名单“带班数”列）", "each cadre's capacity (cadres file)"),
    "priority": ("重点班级必须有班主任（参数“重点班级”）", "every priority class gets an adviser (parameter)"),
    "change_budget": ("调整数量上限（参数“调整上限”）", "change budget (parameter)"),
    "supply": ("干部与班级的数量（名单数据）", "the numbers of cadres and classes (rosters)"),
    "own_unit": ("本单位回避（参数“本单位规则”）", "own-unit rule (parameter)"),
}
# where the user edits each round-level rule: "param:<name>" on this page, or "data" (Data page)
ROUND_RULE_TARGET = {"capacity": "data", "supply": "data", "priority": "param:priority",
                     "change_budget": "param:change_budget", "own_unit": "param:own_unit"}


class RoundsError(YixianError):
    """A refused action; bilingual, optionally naming the rules that refuse it."""

    def __init__(self, message_zh: str, message_en: str, rules: list[str] | None = None):
        self.rules = list(rules or [])
        super().__init__(message_zh, message_en, details=self.rules)

    def message(self, lang: str = "zh") -> str:
        return self.headline(lang) + ("：" + "；".join(self.rules) if self.rules else "")


# ------------------------------------------------------------------ parameters

def default_params() -> dict[str, Any]:
    cfg = load_config(None)
    return {"objective": cfg.objective, "priority": cfg.priority, "own_unit": cfg.own_unit,
            "change_budget": cfg.change_budget, "time_limit_s": 30.0, "seed": cfg.seed,
            "weights": {k: float(v) for k, v in cfg.weights.items()}, "use_previous": True}


def make_config(params: dict[str, Any]) -> MatchConfig:
    """The engine configuration of a round's parameters (defaults for what is not given)."""
    cfg = load_config(None)
    weights = dict(cfg.weights)
    problems = []
    for k, v in (params.get("weights") or {}).items():
        if k not in weights:
            problems.append(f"weights.{k}：未知权重 / unknown weight")
            continue
        try:
            weights[k] = Fraction(str(v))
        except (ValueError, ZeroDivisionError):
            problems.append(f"weights.{k} = {v!r}：应为数字 / must be a number")
    if problems:
        raise ConfigError(problems)
    cb = params.get("change_budget")
    changes = {"weights": weights, "change_budget": None if cb in (None, "", -1) else int(cb)}
    for k in ("objective", "priority", "own_unit"):
        if params.get(k) is not None:
            changes[k] = params[k]
    if params.get("time_limit_s") is not None:
        changes["time_limit_s"] = float(params["time_limit_s"])
    if params.get("seed") is not None:
        changes["seed"] = int(params["seed"])
    return cfg.replace(**changes)


def is_solvable_round(info) -> bool:
    """Rounds made by a solve carry solver parameters; the imported demo round does not."""
    return "objective" in (info.parameters or {})


# ------------------------------------------------------------------ inputs

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


def _blank_constraint(**kw) -> dict[str, Any]:
    row = {"type": "", "cadre_id": "", "class_id": "", "college": "", "level": "", "min": None, "max": None,
           "reason": ""}
    row.update(kw)
    return row


def empty_constraints() -> pd.DataFrame:
    return frames.empty("constraints")


def canonical_constraints(df: pd.DataFrame) -> pd.DataFrame:
    """An edited constraints table → canonical (blank rows dropped, codes and integers checked).
    Raises RoundsError listing every bad row (1-based, as the user sees it)."""
    rows, problems = [], []
    for n, rec in enumerate(df.to_dict("records"), start=1):
        r = _blank_constraint()
        for k in r:
            v = rec.get(k)
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                continue
            r[k] = v if k in ("min", "max") else str(v).strip()
        if not any(r[k] not in ("", None) for k in r):
            continue
        if r["type"] not in TYPE_ZH:
            problems.append(f"第{n}行：类型 {r['type']!r} 无效（回避/锁定/学院名额/层级上限） / row {n}: bad type")
            continue
        if r["level"] and r["level"] not in LEVEL_ZH:
            problems.append(f"第{n}行：层级 {r['level']!r} 无效 / row {n}: bad level")
            continue
        for k in ("min", "max"):
            if r[k] is not None and r[k] != "":
                try:
                    f = float(r[k])
                    if not f.is_integer() or f < 0:
                        raise ValueError
                    r[k] = int(f)
                except (TypeError, ValueError):
                    problems.append(f"第{n}行：{'下限' if k == 'min' else '上限'} {r[k]!r} 应为非负整数 / "
                                    f"row {n}: {k} must be a whole number ≥ 0")
                    r[k] = None
            else:
                r[k] = None
        rows.append(r)
    if problems:
        raise RoundsError("规则表有误，请修改", "the rules table has errors", problems)
    out = pd.DataFrame(rows, columns=list(_blank_constraint()))
    return frames.canonical("constraints", out)


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
    cad = inp["cadres"].set_index("cadre_id")
    cls_ids = set(inp["classes"]["class_id"])
    col_of = dict(zip(inp["classes"]["class_id"], inp["classes"]["college"]))
    con = inp["constraints"]
    forb_pair = {(a, b) for t, a, b in zip(con["type"], con["cadre_id"], con["class_id"]) if t == "forbid" and b}
    forb_col = {(a, c) for t, a, b, c in zip(con["type"], con["cadre_id"], con["class_id"], con["college"])
                if t == "forbid" and not b and c}
    locked_classes = {b for t, b in zip(con["type"], con["class_id"]) if t == "lock"}
    locked_cadres = {a for t, a in zip(con["type"], con["cadre_id"]) if t == "lock"}
    kept, left, gone, forbidden = [], [], [], []
    for a, b in zip(pub["cadre_id"], pub["class_id"]):
        if a not in cad.index or int(cad.loc[a, "capacity"]) == 0:
            left.append((a, b))
        elif b not in cls_ids:
            gone.append((a, b))
        elif (a, b) in forb_pair or (a, col_of[b]) in forb_col:
            forbidden.append((a, b))
        else:
            kept.append((a, b))
    # a cadre whose capacity shrank below their kept pairs: let the solver choose among them
    per = pd.Series([a for a, _ in kept]).value_counts() if kept else pd.Series(dtype=int)
    over = {a for a, k in per.items() if k > int(cad.loc[a, "capacity"])}
    kept_final = [(a, b) for a, b in kept if a not in over]
    need_new = int(inp["cadres"]["capacity"].sum()) - len(kept_final)
    facts = {"published_pairs": len(pub), "kept": len(kept_final), "cadres_left": sorted({a for a, _ in left}),
             "classes_gone": sorted({b for _, b in gone}), "now_forbidden": forbidden,
             "new_classes": sorted(cls_ids - known_classes), "pairs_needed": need_new,
             "moves_allowed": int(moves_allowed)}
    if moves_allowed == 0:
        extra = [_blank_constraint(type="lock", cadre_id=a, class_id=b, reason=KEEP_REASON)
                 for a, b in kept_final if b not in locked_classes and a not in locked_cadres]
        if extra:
            inp["constraints"] = frames.canonical("constraints", pd.concat(
                [con, pd.DataFrame(extra, columns=list(_blank_constraint()))], ignore_index=True))
        facts["change_budget"] = None
    else:
        facts["change_budget"] = max(need_new, 0) + int(moves_allowed)
    return inp, facts


def _snapshot_inputs(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: frames.canonical(k, v) for k, v in inputs.items() if v is not None}


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
    if cfg.priority != "hard":
        return []
    con = inputs.get("constraints")
    cls = inputs["classes"]
    cad = inputs["cadres"]
    if con is None or not len(con):
        return []
    locks = con[con["type"] == "lock"]
    if not len(locks):
        return []
    cap = dict(zip(cad["cadre_id"], cad["capacity"]))
    used = locks.groupby("cadre_id").size()
    free = sum(max(int(c) - int(used.get(i, 0)), 0) for i, c in cap.items())
    pri = set(cls.loc[cls["priority"], "class_id"])
    open_pri = len(pri - set(locks["class_id"]))
    if open_pri <= free:
        return []
    refs = ({"kind": "round", "name": "priority"}, {"kind": "round", "name": "capacity"})
    return [Issue("conflict",
                  f"{len(locks)}条锁定规则占用了带班名额，剩余{free}个名额，但还有{open_pri}个重点班级没有班主任",
                  f"{len(locks)} lock rules use up capacity: {free} places remain for {open_pri} priority classes "
                  "without an adviser", refs)]


# ------------------------------------------------------------------ rounds

def matching_input(inputs: dict[str, pd.DataFrame]) -> MatchingInput:
    return MatchingInput(inputs["cadres"], inputs["classes"], preferences=inputs.get("preferences"),
                         constraints=inputs.get("constraints"), scores=inputs.get("scores"),
                         previous=inputs.get("previous"))


def create_round(name: str, kind: str, actor: str, params: dict[str, Any],
                 constraints: pd.DataFrame | None = None, moves_allowed: int = 0) -> int:
    """A new draft round from the current data ("initial") or a top-up from the published
    assignment ("topup"). `constraints` (edited on the page) replace the master rules in the
    snapshot only."""
    params = dict(default_params() | (params or {}))
    if kind == "topup":
        inputs, facts = topup_inputs(moves_allowed)
        if constraints is not None:
            # the page edits the rules of the top-up as built (keep-locks included)
            inputs["constraints"] = canonical_constraints(constraints)
        params["change_budget"] = facts["change_budget"]
        params["topup"] = facts
        with session_scope() as s:
            pub = store_rounds.published_round(s)
        parent = pub.id if pub else None
    elif kind == "initial":
        inputs = current_inputs(use_previous=bool(params.get("use_previous", True)))
        if constraints is not None:
            inputs["constraints"] = canonical_constraints(constraints)
        parent = None
    else:
        raise RoundsError(f"轮次类型 {kind!r} 无效", f"round kind {kind!r} invalid")
    make_config(params)  # refuse bad parameters before anything is written
    with session_scope() as s:
        return store_rounds.create_round(s, name, kind, _snapshot_inputs(inputs), params, actor, parent_id=parent)


def get_round(round_id: int):
    with session_scope() as s:
        return store_rounds.get_round(s, round_id)


def list_rounds():
    with session_scope() as s:
        return store_rounds.list_rounds(s)


def store_version() -> str:
    """The store's change marker (store.version): keys every page cache."""
    with session_scope() as s:
        return version.store_version(s)


def revise(round_id: int, actor: str, inputs: dict[str, pd.DataFrame] | None = None,
           params: dict[str, Any] | None = None, note: str = "") -> int:
    """A new draft revision of a draft round with edited inputs/params; the old draft is archived."""
    with session_scope() as s:
        old = store_rounds.get_round(s, round_id)
        if old.status != "draft":
            raise RoundsError(f"轮次 {round_id} 已{STATUS_ZH.get(old.status, old.status)}，只能修改草稿",
                              f"round {round_id} is {old.status}; only a draft can be changed")
        new_inputs = dict(old.inputs) | (inputs or {})
        new_params = dict(old.parameters) | (params or {})
        new_params["revision_of"] = old.id
        new_params["revision"] = int(old.parameters.get("revision", 0)) + 1
        new_params["revision_note"] = note
        make_config(new_params)
        new_id = store_rounds.create_round(s, old.name, old.kind, _snapshot_inputs(new_inputs), new_params,
                                           actor, parent_id=old.id)
        store_rounds.archive_round(s, old.id, actor)
    return new_id


# ------------------------------------------------------------------ solving

_RESULTS: OrderedDict[int, MatchResult] = OrderedDict()
_RESULTS_LOCK = threading.Lock()
_RESULTS_MAX = 8


def _remember(round_id: int, res: MatchResult) -> None:
    with _RESULTS_LOCK:
        _RESULTS[round_id] = res
        _RESULTS.move_to_end(round_id)
        while len(_RESULTS) > _RESULTS_MAX:
            _RESULTS.popitem(last=False)


def solve_inputs(inputs: dict[str, pd.DataFrame], params: dict[str, Any], progress=None,
                 cancel: threading.Event | None = None) -> MatchResult:
    cfg = make_config(params)
    return solve(matching_input(inputs), cfg, progress=progress, cancel=cancel)


def _report(res: MatchResult) -> dict[str, Any]:
    rep = dict(res.report)
    if res.diagnosis:
        rep["diagnosis"] = [c.to_dict() for c in res.diagnosis]
    return rep


def save_result(round_id: int, res: MatchResult, actor: str) -> None:
    with session_scope() as s:
        store_rounds.save_round_result(s, round_id, res.assignment, _report(res), actor)
    _remember(round_id, res)


def solve_round(round_id: int, actor: str, progress=None, cancel: threading.Event | None = None) -> MatchResult:
    """Solve a draft round from its snapshot and save the result (an infeasible result is saved
    too, with its diagnosis; a cancelled one is not)."""
    info = get_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能求解草稿轮次", "only a draft round can be solved")
    res = solve_inputs(info.inputs, info.parameters, progress, cancel)
    if res.status != "cancelled":
        save_result(round_id, res, actor)
    return res


def result_for(round_id: int) -> MatchResult | None:
    """The engine result of a round (for explanations): cached, or re-solved from the snapshot
    (deterministic: same inputs, parameters and seed give the same result)."""
    with _RESULTS_LOCK:
        res = _RESULTS.get(round_id)
    if res is not None:
        return res
    info = get_round(round_id)
    if not is_solvable_round(info) or info.result is None:
        return None
    res = solve_inputs(info.inputs, info.parameters)
    if res.status in ("optimal", "feasible") and not _pairs(res.assignment).equals(_pairs(info.assignment)):
        # a re-solve that does not reproduce the stored rows cannot explain them
        return None
    _remember(round_id, res)
    return res


def _pairs(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["cadre_id", "class_id", "score", "preference_rank", "locked", "changed"]
    return df[cols].sort_values(["cadre_id", "class_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class Reproduction:
    same: bool
    status: str
    stored_status: str
    differences: pd.DataFrame


def reproduce(round_id: int) -> Reproduction:
    """Re-run any round (archived included) from its stored inputs, parameters and seed and
    compare with its stored result, pair by pair."""
    info = get_round(round_id)
    if not is_solvable_round(info):
        raise RoundsError("该轮次为手工导入，没有求解参数，无法重算",
                          "this round was imported, not solved: nothing to re-run")
    res = solve_inputs(info.inputs, info.parameters)
    stored = _pairs(info.assignment)
    again = _pairs(res.assignment)
    m = stored.merge(again, on=["cadre_id", "class_id"], how="outer", suffixes=("_stored", "_rerun"),
                     indicator=True)
    diff = m[m["_merge"] != "both"].copy()
    both = m[m["_merge"] == "both"]
    sc = both[(both["score_stored"] - both["score_rerun"]).abs() > 1e-9]
    diff = pd.concat([diff, sc]).rename(columns={"_merge": "where"})
    diff["where"] = diff["where"].astype(str)
    stored_status = (info.result or {}).get("status", "")
    same = diff.empty and res.status == stored_status
    return Reproduction(same, res.status, stored_status, diff.reset_index(drop=True))


class SolveJob:
    """One solve in a background thread: progress, cancel, outcome. The page keeps it in
    st.session_state and polls it; nothing here touches Streamlit."""

    def __init__(self, label_zh: str, label_en: str, work):
        self.label_zh, self.label_en = label_zh, label_en
        self.cancel_event = threading.Event()
        self.fraction = 0.0
        self.message = "排队 / queued"
        self.started = time.monotonic()
        self.finished: float | None = None
        self.outcome: dict[str, Any] | None = None
        self.error: Exception | None = None
        self._work = work
        self._thread = threading.Thread(target=self._run, name="yixian-solve", daemon=True)

    def start(self) -> SolveJob:
        self._thread.start()
        return self

    def _progress(self, frac: float, msg: str) -> None:
        self.fraction = max(0.0, min(1.0, float(frac)))
        self.message = msg

    def _run(self) -> None:
        try:
            self.outcome = self._work(self._progress, self.cancel_event)
        except Exception as exc:  # noqa: BLE001 - shown to the user on the page
            self.error = exc
        finally:
            self.finished = time.monotonic()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return self.done


def start_solve(round_id: int, actor: str) -> SolveJob:
    """Solve a draft round in the background; outcome {"round_id", "status"}."""
    def work(progress, cancel):
        res = solve_round(round_id, actor, progress, cancel)
        return {"round_id": round_id, "status": res.status}
    return SolveJob(f"求解轮次 {round_id}", f"Solving round {round_id}", work).start()


# ------------------------------------------------------------------ adjustments

def rule_label(row: dict[str, Any], names: dict[str, str] | None = None,
               class_names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """A constraint row as the user reads it."""
    names, class_names = names or {}, class_names or {}
    t = row.get("type", "")
    who = f"{names.get(row.get('cadre_id', ''), '')}（{row.get('cadre_id', '')}）" if row.get("cadre_id") else ""
    cls = f"{class_names.get(row.get('class_id', ''), '')}（{row.get('class_id', '')}）" if row.get("class_id") else ""
    reason = f"［{row['reason']}］" if row.get("reason") else ""
    lo, hi = row.get("min"), row.get("max")
    lo = None if lo is None or pd.isna(lo) else int(lo)
    hi = None if hi is None or pd.isna(hi) else int(hi)
    if lang == "en":
        if t == "lock":
            return f"lock: {who} → {cls} {reason}".strip()
        if t == "forbid":
            return f"forbid: {who} not with {cls or row.get('college', '')} {reason}".strip()
        if t == "college_quota":
            return f"college quota: {row.get('college')} min {lo} max {hi} {reason}".strip()
        return f"level cap: {row.get('college')} at most {hi} {row.get('level')} {reason}".strip()
    if t == "lock":
        return f"锁定：{who} → {cls}{reason}"
    if t == "forbid":
        return f"回避：{who} 不带 {cls or (row.get('college', '') + '的班级')}{reason}"
    if t == "college_quota":
        parts = ([f"至少{lo}名"] if lo is not None else []) + ([f"至多{hi}名"] if hi is not None else [])
        return f"学院名额：{row.get('college')}{'、'.join(parts)}干部{reason}"
    return f"层级上限：{row.get('college')}至多{hi}名{LEVEL_ZH.get(row.get('level', ''), row.get('level', ''))}{reason}"


def _labels(info) -> tuple[dict[str, str], dict[str, str]]:
    return (dict(zip(info.inputs["cadres"]["cadre_id"], info.inputs["cadres"]["name"])),
            dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"])))


def resolve_rules(info, refs: list[dict]) -> list[dict[str, Any]]:
    """Rule refs from the engine → the user's own rules: label and where to edit it."""
    names, class_names = _labels(info)
    con = info.inputs.get("constraints", frames.empty("constraints"))
    out = []
    for ref in refs:
        if ref.get("kind") == "constraint":
            i = int(ref["rule_index"])
            row = con.iloc[i].to_dict() if 0 <= i < len(con) else {}
            out.append({"ref": ref, "target": f"constraint:{i}",
                        "label_zh": f"规则第{i + 1}条 " + rule_label(row, names, class_names, "zh"),
                        "label_en": f"rule #{i + 1} " + rule_label(row, names, class_names, "en")})
        else:
            name = ref.get("name", "")
            zh, en = ROUND_RULE_ZH.get(name, (name, name))
            out.append({"ref": ref, "target": ROUND_RULE_TARGET.get(name, "data"), "label_zh": zh, "label_en": en})
    return out


def _check_move(info, cadre_id: str, class_id: str) -> list[str]:
    """Rules a manual move breaks for certain, named (the engine then checks the rest)."""
    names, class_names = _labels(info)
    inp = info.inputs
    cad = inp["cadres"].set_index("cadre_id")
    cls = inp["classes"].set_index("class_id")
    if cadre_id not in cad.index:
        raise RoundsError(f"工号 {cadre_id} 不在本轮干部名单中", f"cadre {cadre_id} is not in this round")
    if class_id not in cls.index:
        raise RoundsError(f"班级 {class_id} 不在本轮班级名单中", f"class {class_id} is not in this round")
    broken = []
    if int(cad.loc[cadre_id, "capacity"]) == 0:
        broken.append(f"{ROUND_RULE_ZH['capacity'][0]}：{names[cadre_id]} 带班数为0")
    college = cls.loc[class_id, "college"]
    con = inp.get("constraints", frames.empty("constraints"))
    recs = con.to_dict("records")
    own_locks = sum(1 for r in recs if r["type"] == "lock" and r["cadre_id"] == cadre_id and r["class_id"] != class_id)
    cap = int(cad.loc[cadre_id, "capacity"])

    def breaks(row) -> bool:
        if row["type"] == "forbid":
            return row["cadre_id"] == cadre_id and (
                row["class_id"] == class_id or (not row["class_id"] and row["college"] == college))
        if row["type"] == "lock":
            if row["class_id"] == class_id:
                return row["cadre_id"] != cadre_id          # the class is locked to someone else
            return row["cadre_id"] == cadre_id and own_locks >= cap   # the cadre's locks fill their capacity
        return False

    broken += [f"规则第{i + 1}条 " + rule_label(r, names, class_names) for i, r in enumerate(recs) if breaks(r)]
    if info.parameters.get("own_unit") == "forbid" and cad.loc[cadre_id, "unit"] == college:
        broken.append(ROUND_RULE_ZH["own_unit"][0])
    return broken


def _with_rule(info, row: dict[str, Any]) -> dict[str, pd.DataFrame]:
    con = info.inputs.get("constraints", frames.empty("constraints"))
    new = pd.concat([con, pd.DataFrame([_blank_constraint(**row)], columns=list(_blank_constraint()))],
                    ignore_index=True)
    return dict(info.inputs) | {"constraints": frames.canonical("constraints", new)}


def adjust(round_id: int, action: str, cadre_id: str, class_id: str, actor: str) -> tuple[dict, str, str]:
    """Prepare an adjustment (lock / forbid / move): check the rules it would break for certain
    and return (new inputs, note zh, note en). Raises RoundsError naming the broken rules."""
    info = get_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能调整草稿轮次", "only a draft round can be adjusted")
    names, class_names = _labels(info)
    who = f"{names.get(cadre_id, cadre_id)}（{cadre_id}）"
    what = f"{class_names.get(class_id, class_id)}（{class_id}）"
    con = info.inputs.get("constraints", frames.empty("constraints"))
    if action in ("move", "lock") and any(r["type"] == "lock" and r["cadre_id"] == cadre_id
                                          and r["class_id"] == class_id for r in con.to_dict("records")):
        raise RoundsError(f"{who} → {what} 已锁定", f"{cadre_id} → {class_id} is already locked")
    if action == "move":
        broken = _check_move(info, cadre_id, class_id)
        if broken:
            raise RoundsError(f"不能把{who}调到{what}：违反规则", f"cannot move {cadre_id} to {class_id}: it breaks",
                              broken)
        row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id, "reason": f"{MOVE_REASON}（{actor}）"}
        return _with_rule(info, row), f"手动调整：{who} → {what}", f"move {cadre_id} → {class_id}"
    if action == "lock":
        broken = _check_move(info, cadre_id, class_id)
        if broken:
            raise RoundsError(f"不能锁定{who} → {what}：违反规则", f"cannot lock {cadre_id} → {class_id}", broken)
        row = {"type": "lock", "cadre_id": cadre_id, "class_id": class_id, "reason": f"锁定（{actor}）"}
        return _with_rule(info, row), f"锁定：{who} → {what}", f"lock {cadre_id} → {class_id}"
    if action == "forbid":
        locks = [f"规则第{i + 1}条 " + rule_label(r, names, class_names) for i, r in enumerate(con.to_dict("records"))
                 if r["type"] == "lock" and r["cadre_id"] == cadre_id and r["class_id"] == class_id]
        if locks:
            raise RoundsError(f"不能回避{who} → {what}：该配对已锁定", "cannot forbid a locked pair", locks)
        row = {"type": "forbid", "cadre_id": cadre_id, "class_id": class_id, "reason": f"回避（{actor}）"}
        return _with_rule(info, row), f"回避：{who} 不带 {what}", f"forbid {cadre_id} → {class_id}"
    raise RoundsError(f"未知操作 {action}", f"unknown action {action!r}")


def start_adjust(round_id: int, action: str, cadre_id: str, class_id: str, actor: str) -> SolveJob:
    """Check, then re-solve with the adjustment in the background. Only when the re-solve finds
    an assignment is a revision saved; otherwise the adjustment is refused, naming the rules the
    engine's diagnosis found (outcome {"refused": [...]}), and nothing is written."""
    inputs, note_zh, note_en = adjust(round_id, action, cadre_id, class_id, actor)   # raises before a thread
    info = get_round(round_id)

    def work(progress, cancel):
        res = solve_inputs(inputs, info.parameters, progress, cancel)
        if res.status == "cancelled":
            return {"round_id": round_id, "status": "cancelled"}
        if res.status == "infeasible":
            refs = [r for c in res.diagnosis for r in c.rules]
            new_index = len(inputs["constraints"]) - 1
            fake = type(info)(**{**info.__dict__, "inputs": inputs})
            labels = list(dict.fromkeys(x["label_zh"] for x in resolve_rules(fake, refs)
                                        if x["ref"] != {"kind": "constraint", "rule_index": new_index}))
            return {"round_id": round_id, "status": "refused", "note": note_zh, "refused": labels,
                    "diagnosis": [c.to_dict() for c in res.diagnosis]}
        new_id = revise(round_id, actor, inputs=inputs, note=note_zh)
        save_result(new_id, res, actor)
        return {"round_id": new_id, "status": res.status, "note": note_zh}
    return SolveJob(note_zh, note_en, work).start()


def start_revision_solve(round_id: int, actor: str, constraints: pd.DataFrame | None = None,
                         params: dict[str, Any] | None = None) -> SolveJob:
    """Save edited rules/parameters as a new revision and solve it (infeasible results are kept
    with their diagnosis: the user asked for these rules)."""
    inputs = None if constraints is None else {"constraints": canonical_constraints(constraints)}
    new_id = revise(round_id, actor, inputs=inputs, params=params, note="修改规则与参数")
    return start_solve(new_id, actor)


# ------------------------------------------------------------------ review

def review_table(info) -> pd.DataFrame:
    """The result table: cadre, unit, level, class, college, score and parts, rank met, changed, locked."""
    a = info.assignment
    cad = info.inputs["cadres"][["cadre_id", "unit", "level", "position"]]
    cls = info.inputs["classes"][["class_id", "grade", "tags", "priority"]]
    df = a.merge(cad, on="cadre_id", how="left").merge(cls, on="class_id", how="left")
    df["level"] = df["level"].map(lambda v: LEVEL_ZH.get(v, v))
    cols = ["cadre_id", "name", "unit", "level", "position", "class_id", "class_name", "college", "grade",
            "tags", "priority", "score", *frames.PART_COLUMNS, "preference_rank", "changed", "locked"]
    return df[[c for c in cols if c in df.columns]].sort_values(["college", "class_id"]).reset_index(drop=True)


def filter_table(df: pd.DataFrame, query: str = "", colleges=(), only_changed: bool = False,
                 only_locked: bool = False, rank: str = "all") -> pd.DataFrame:
    out = df
    if query:
        q = query.strip().lower()
        mask = out[["cadre_id", "name", "unit", "class_id", "class_name", "college"]].astype(str).apply(
            lambda c: c.str.lower().str.contains(q, regex=False)).any(axis=1)
        out = out[mask]
    if colleges:
        out = out[out["college"].isin(list(colleges))]
    if only_changed:
        out = out[out["changed"]]
    if only_locked:
        out = out[out["locked"]]
    if rank == "first":
        out = out[out["preference_rank"] == 1]
    elif rank == "none":
        out = out[out["preference_rank"].isna()]
    return out.reset_index(drop=True)


def preference_distribution(info) -> pd.DataFrame:
    """Cadres with wishes by the best rank met: 第1志愿 … / 未满足; cadres without wishes apart."""
    prefs = info.inputs.get("preferences")
    with_wish = set(prefs["cadre_id"]) if prefs is not None else set()
    a = info.assignment
    best = a.groupby("cadre_id")["preference_rank"].min() if len(a) else pd.Series(dtype="Int64")
    rows = []
    cad = info.inputs["cadres"]
    for cid, cap in zip(cad["cadre_id"], cad["capacity"]):
        if cap == 0:
            continue
        if cid not in with_wish:
            label, order = "无意向", 99
        else:
            r = best.get(cid, pd.NA)
            if r is pd.NA or pd.isna(r):
                label, order = "志愿未满足", 98
            else:
                label, order = f"第{int(r)}志愿", int(r)
        rows.append((label, order))
    df = pd.DataFrame(rows, columns=["bucket", "order"])
    return df.groupby(["bucket", "order"]).size().rename("cadres").reset_index().sort_values("order")


def coverage_frames(info) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(by college, by tag, priority classes left uncovered)."""
    cls = info.inputs["classes"]
    covered = set(info.assignment["class_id"])
    c = cls.assign(covered=cls["class_id"].isin(covered))
    by_col = c.groupby("college").agg(classes=("class_id", "size"), covered=("covered", "sum")).reset_index()
    by_col["uncovered"] = by_col["classes"] - by_col["covered"]
    tags = c.explode("tags").dropna(subset=["tags"])
    tags = tags[tags["tags"] != ""]
    by_tag = tags.groupby("tags").agg(classes=("class_id", "size"), covered=("covered", "sum")).reset_index()
    by_tag = by_tag.rename(columns={"tags": "tag"})
    by_tag["uncovered"] = by_tag["classes"] - by_tag["covered"]
    left = c[c["priority"] & ~c["covered"]][["class_id", "name", "college", "grade", "size", "tags"]]
    return by_col, by_tag, left.reset_index(drop=True)


def diff_against_published(info) -> pd.DataFrame:
    """Who moved where and why, against the assignment in force.
    Columns: cadre_id, name, before (class), after (class), change (kept/moved/new/ended), why."""
    pub = published_assignment()
    a = info.assignment
    cad = info.inputs["cadres"].set_index("cadre_id")
    cls_ids = set(info.inputs["classes"]["class_id"])
    con = info.inputs.get("constraints", frames.empty("constraints"))
    names, class_names = _labels(info)
    locks = {(r["cadre_id"], r["class_id"]): r for r in con.to_dict("records") if r["type"] == "lock"}
    forbids = [r for r in con.to_dict("records") if r["type"] == "forbid"]
    col_of = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["college"]))
    before = pub.groupby("cadre_id")["class_id"].apply(lambda s: sorted(s)).to_dict()
    before_name = dict(zip(pub["class_id"], pub["class_name"]))
    after = a.groupby("cadre_id")["class_id"].apply(lambda s: sorted(s)).to_dict()
    score = {(x, y): (s, r) for x, y, s, r in zip(a["cadre_id"], a["class_id"], a["score"], a["preference_rank"])}
    pub_name = dict(zip(pub["cadre_id"], pub["name"]))
    holder_now = dict(zip(a["class_id"], a["cadre_id"]))
    priority = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["priority"]))
    res = _RESULTS.get(info.id)
    prob = res.problem if res is not None else None

    def old_score(cid, old):
        # the old pair's fit under this round's model (only when the engine result is at hand)
        if prob is None or cid not in prob.ci or old not in prob.cj:
            return None
        return float(prob.score_of(prob.ci[cid], prob.cj[old]))
    rows = []
    for cid in sorted(set(before) | set(after)):
        b, n = before.get(cid, []), after.get(cid, [])
        if b == n:
            continue
        why = []
        if not n:
            change = "ended"
            if cid not in cad.index:
                why.append("干部已不在名单中")
            elif int(cad.loc[cid, "capacity"]) == 0:
                why.append("带班数为0（不再带班）")
            else:
                why.append("未分配到班级")
        elif not b:
            change = "new"
            why.append("新分配")
        else:
            change = "moved"
        for old in b:
            if old in n:
                continue
            if old not in cls_ids:
                why.append(f"原班级{before_name.get(old, old)}已不在班级名单中")
            elif old in holder_now and holder_now[old] != cid:
                why.append(f"原班级由{names.get(holder_now[old], holder_now[old])}接任")
            os_ = old_score(cid, old)
            if os_ is not None:
                why.append(f"原配对得分{os_:g}")
            for f in forbids:
                if f["cadre_id"] == cid and (f["class_id"] == old or (not f["class_id"]
                                                                     and f["college"] == col_of.get(old))):
                    why.append("原配对被回避：" + rule_label(f, names, class_names))
        for new in n:
            if new in b:
                continue
            if (cid, new) in locks:
                why.append("锁定：" + (locks[(cid, new)]["reason"] or "锁定"))
            if priority.get(new):
                why.append("新班级为重点班级")
            s, r = score.get((cid, new), (None, None))
            if r is not None and not pd.isna(r):
                why.append(f"新配对满足第{int(r)}志愿，得分{s:g}")
            elif s is not None:
                why.append(f"新配对得分{s:g}")
        rows.append({"cadre_id": cid, "name": names.get(cid) or pub_name.get(cid, ""),
                     "before": "、".join(before_name.get(x, x) for x in b),
                     "after": "、".join(class_names.get(x, x) for x in n), "change": change,
                     "why": "；".join(dict.fromkeys(why))})
    return pd.DataFrame(rows, columns=["cadre_id", "name", "before", "after", "change", "why"])


# ------------------------------------------------------------------ publish

def publish(round_id: int, effective_date: date, actor: str) -> None:
    """The round becomes the assignment in force from `effective_date`; the previous one ends the
    day before (store.rounds.publish_round; audit-logged)."""
    info = get_round(round_id)
    if info.result is None or info.result.get("status") not in ("optimal", "feasible"):
        raise RoundsError("只有求解成功的轮次才能发布", "only a solved round with an assignment can be published")
    if info.assignment is None or info.assignment.empty:
        raise RoundsError("该轮次没有分配结果", "this round has no assignment")
    try:
        with session_scope() as s:
            store_rounds.publish_round(s, round_id, effective_date, actor)
    except StoreError as exc:
        raise RoundsError(exc.message("zh"), exc.message("en")) from exc


def discard(round_id: int, actor: str) -> None:
    """Archive a draft that will not be published."""
    info = get_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能放弃草稿轮次", "only a draft can be discarded")
    with session_scope() as s:
        store_rounds.archive_round(s, round_id, actor)


def audit_trail(round_id: int) -> pd.DataFrame:
    from store.audit import audit_rows
    with session_scope() as s:
        return audit_rows(s, limit=50, entity="round", entity_id=round_id)

