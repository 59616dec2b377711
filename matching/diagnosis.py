"""Why an input is infeasible: fast counting checks first, then a deletion filter over named rules."""
from __future__ import annotations

import dataclasses

import numpy as np

from . import families
from .model import Problem, Rule
from .prechecks import Context
from .solver import Opts, solve_core


@dataclasses.dataclass
class Conflict:
    rules: list              # rule refs, see ARCHITECTURE.md
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self) -> dict:
        return {"rules": self.rules, "message_zh": self.message_zh, "message_en": self.message_en}


SUPPLY = {"kind": "round", "name": "supply"}
CAPACITY = {"kind": "round", "name": "capacity"}
PRIORITY = {"kind": "round", "name": "priority"}


def _refs(rules) -> list:
    out, seen = [], set()
    for r in rules:
        ref = r.ref if isinstance(r, Rule) else r
        k = tuple(sorted(ref.items()))
        if k not in seen:
            seen.add(k)
            out.append(ref)
    return out


def prechecks(prob: Problem) -> list[Conflict]:
    """Round-level counting checks, then each constraint family's own (families.FAMILIES[...].prechecks)."""
    cfg = prob.cfg
    n, m = prob.n, prob.m
    out: list[Conflict] = []
    total_cap = int(prob.cap.sum())
    if total_cap > m:
        out.append(Conflict(_refs([CAPACITY, SUPPLY]),
                            f"干部带班数合计{total_cap}个班，但只有{m}个班级",
                            f"the cadres' capacities add up to {total_cap} classes, but there are only {m} classes"))
    npri = int(prob.priority.sum())
    if cfg.priority == "hard" and npri > total_cap:
        out.append(Conflict(_refs([PRIORITY, SUPPLY]),
                            f"有{npri}个重点关注班级必须有班主任，但干部带班数合计只有{total_cap}",
                            f"{npri} priority classes need an adviser, but the cadres' capacities add up to {total_cap}"))
    if n * m > 30_000_000:
        return out          # counting checks below need the n×m table; the deletion filter still runs
    ctx = _context(prob)
    for name, fam in families.FAMILIES.items():
        if fam.prechecks is not None:
            rules = [r for r in prob.rules if r.family == name]
            out += [Conflict(_refs(refs), zh, en) for refs, zh, en in fam.prechecks(ctx, rules)]
    out += _budget_check(prob, ctx, total_cap)
    return out


def _budget_check(prob: Problem, ctx: Context, total_cap: int) -> list[Conflict]:
    """Every assignment gives out Σ cap_i classes and keeps at most as many previous pairs as are still
    allowed (per cadre at most cap_i, per class one): the rest are changes. A change budget below that
    cannot hold — said at once instead of after a deletion filter of exact solves (L: 33–57 s)."""
    budget = [r for r in prob.rules if r.family == "change_budget"]
    if not budget or prob.cfg.change_budget is None or not prob.prev_pairs:
        return []
    prev = sorted(set(prob.prev_pairs))
    I = np.array([i for i, _ in prev], dtype=np.int64)
    J = np.array([j for _, j in prev], dtype=np.int64)
    ok = ctx.allowed[I, J]
    kept = min(int(np.minimum(np.bincount(I[ok], minlength=prob.n), prob.cap).sum()),
               int((np.bincount(J[ok], minlength=prob.m) > 0).sum()))
    need = total_cap - kept
    if need <= prob.cfg.change_budget:
        return []
    refs = [budget[0], CAPACITY]
    gone = [(i, j) for (i, j), a in zip(prev, ok.tolist()) if not a]
    refs += [f for i, j in gone for f in ctx.forbids_of.get(i, []) if f.j == j or (f.j < 0 and f.c == prob.col[j])]
    if ctx.own_rule and any(prob.unit_col[i] == prob.col[j] for i, j in gone):
        refs += ctx.own_rule
    return [Conflict(_refs(refs),
                     f"与上轮相比最多调整{prob.cfg.change_budget}对，但干部带班数合计{total_cap}个班，上轮的配对最多"
                     f"只能保留{kept}对（其余已不可分配或超出带班数），至少要调整{need}对",
                     f"at most {prob.cfg.change_budget} pairs may change from the previous round, but the cadres' "
                     f"capacities add up to {total_cap} classes and at most {kept} previous pairs can be kept (the "
                     f"others are no longer allowed or exceed a capacity): at least {need} pairs must change")]


def _context(prob: Problem) -> Context:
    n, m = prob.n, prob.m
    rules = prob.rules
    allowed = np.zeros((n, m), dtype=bool)
    for i in range(n):
        allowed[i] = prob.allowed_classes(i)
    data_allowed = allowed.copy()
    if prob.cfg.own_unit == "forbid":
        for i in range(n):
            data_allowed[i] |= (prob.col == prob.unit_col[i]) & _listed(prob, i)
    forbids_of: dict[int, list] = {}
    for r in rules:
        if r.family == "forbid":
            forbids_of.setdefault(r.i, []).append(r)
            if r.j >= 0:
                allowed[r.i, r.j] = False
            else:
                allowed[r.i, prob.col == r.c] = False
    caps_by: dict = {}
    for r in rules:
        if r.family == "level_cap":
            caps_by.setdefault((r.c, r.level), []).append(r)
    return Context(prob, allowed, data_allowed, forbids_of, [r for r in rules if r.family == "lock"],
                   [r for r in rules if r.family == "own_unit"], np.array(prob.level), caps_by)


def _listed(prob: Problem, i: int) -> np.ndarray:
    if prob.dense:
        return np.isfinite(prob.W[i])
    ok = np.zeros(prob.m, dtype=bool)
    lo, hi = np.searchsorted(prob.I, i, "left"), np.searchsorted(prob.I, i, "right")
    ok[prob.J[lo:hi]] = True
    return ok


def deletion_filter(prob: Problem, base: Opts, budget_s: float = 60.0) -> list[Conflict]:
    """Smallest set of named rules (irreducible: dropping any one makes the rest feasible)."""
    import time
    t_end = time.perf_counter() + budget_s
    rules = list(prob.rules)
    keys = [r.key for r in rules]

    def infeasible(keep: set) -> bool:
        if time.perf_counter() > t_end:
            raise TimeoutError
        dis = frozenset(k for k in keys if k not in keep) | base.disabled
        o = dataclasses.replace(base, disabled=dis, progress=None, time_limit=max(1.0, t_end - time.perf_counter()))
        return solve_core(prob, o).status == "infeasible"

    state = {"S": set(keys)}
    order = families.deletion_order()

    def drop(chunk: list) -> None:
        S = state["S"]
        if not chunk:
            return
        if infeasible(S - set(chunk)):
            state["S"] = S - set(chunk)
            return
        if len(chunk) == 1:
            return
        h = len(chunk) // 2
        drop(chunk[:h])
        drop([k for k in chunk[h:] if k in state["S"]])

    minimal = True
    try:
        for fam in order:
            drop([r.key for r in rules if r.family == fam and r.key in state["S"]])
    except TimeoutError:
        minimal = False            # time is up: report what is known to clash, not yet minimal
    S = state["S"]
    kept = [r for r in rules if r.key in S]
    if not kept:
        return [Conflict([SUPPLY], "干部与班级的数量或评分文件本身无法组成可行分配",
                         "the cadres, classes and scores alone admit no feasible assignment")]
    head_zh = "以下规则不能同时满足：" if minimal else "以下规则不能同时满足（时间所限，可能不是最小集合）："
    head_en = "These rules cannot all hold together: " if minimal else \
        "These rules cannot all hold together (time ran out; the set may not be minimal): "
    return [Conflict(_refs(kept), head_zh + "；".join(r.label_zh for r in kept),
                     head_en + "; ".join(r.label_en for r in kept))]


def diagnose(prob: Problem, base: Opts, budget_s: float = 60.0) -> list[Conflict]:
    pre = prechecks(prob)
    if pre:
        return pre
    return deletion_filter(prob, base, budget_s)
