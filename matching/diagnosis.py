"""Why an input is infeasible: fast counting checks first, then a deletion filter over named rules."""
from __future__ import annotations

import dataclasses

import numpy as np

from .model import LEVEL_ZH, Problem, Rule
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
    cfg = prob.cfg
    n, m = prob.n, prob.m
    out: list[Conflict] = []
    rules = prob.rules
    forbids = [r for r in rules if r.family == "forbid"]
    locks = [r for r in rules if r.family == "lock"]
    own_rule = [r for r in rules if r.family == "own_unit"]
    total_cap = int(prob.cap.sum())
    if total_cap > m:
        out.append(Conflict(_refs([CAPACITY, SUPPLY]),
                            f"干部带班数合计{total_cap}个班，但只有{m}个班级",
                            f"the cadres' capacities add up to {total_cap} classes, but there are only {m} classes"))
    npri = int(prob.priority.sum())
    if cfg.priority == "hard" and npri > total_cap:
        out.append(Conflict(_refs([PRIORITY, SUPPLY]),
                            f"有{npri}个重点班级必须有班主任，但干部带班数合计只有{total_cap}",
                            f"{npri} priority classes need an adviser, but the cadres' capacities add up to {total_cap}"))
    if n * m > 30_000_000:
        return out          # counting checks below need the n×m table; the deletion filter still runs
    # allowed[i] after data, own-unit rule and forbids; who removed what
    allowed = np.zeros((n, m), dtype=bool)
    for i in range(n):
        allowed[i] = prob.allowed_classes(i)
    data_allowed = allowed.copy()
    if cfg.own_unit == "forbid":
        for i in range(n):
            data_allowed[i] |= (prob.col == prob.unit_col[i]) & _listed(prob, i)
    by_cadre_forbids: dict[int, list] = {}
    for r in forbids:
        by_cadre_forbids.setdefault(r.i, []).append(r)
        if r.j >= 0:
            allowed[r.i, r.j] = False
        else:
            allowed[r.i, prob.col == r.c] = False
    for i in np.flatnonzero(prob.cap > 0):
        k = int(allowed[i].sum())
        if k < prob.cap[i]:
            rs = [CAPACITY] + [r for r in by_cadre_forbids.get(i, [])]
            if own_rule and (prob.col == prob.unit_col[i]).any():
                rs += own_rule
            out.append(Conflict(_refs(rs),
                                f"{prob.names[i]}（{prob.cadre_ids[i]}）需带{prob.cap[i]}个班，但除回避外只有{k}个班级可分配",
                                f"{prob.names[i]} ({prob.cadre_ids[i]}) must take {prob.cap[i]} classes, but only {k} "
                                "classes remain after the forbid rules"))
    # locks
    by_class: dict[int, list] = {}
    by_cad: dict[int, list] = {}
    for r in locks:
        by_class.setdefault(r.j, []).append(r)
        by_cad.setdefault(r.i, []).append(r)
        if not allowed[r.i, r.j]:
            blockers = [f for f in by_cadre_forbids.get(r.i, []) if f.j == r.j or (f.j < 0 and f.c == prob.col[r.j])]
            if not blockers and own_rule and prob.unit_col[r.i] == prob.col[r.j]:
                blockers = own_rule
            out.append(Conflict(_refs([r] + blockers),
                                f"{r.label_zh}，但该班级对此干部不可分配（{'；'.join(b.label_zh for b in blockers) or '评分文件未列出'}）",
                                f"{r.label_en}, but this class is not allowed for the cadre "
                                f"({'; '.join(b.label_en for b in blockers) or 'not listed in the scores file'})"))
    for j, rs in by_class.items():
        if len({r.i for r in rs}) > 1:
            out.append(Conflict(_refs(rs), f"班级{prob.class_names[j]}（{prob.class_ids[j]}）被锁定给{len(rs)}名干部，但每班只能有一名班主任",
                                f"class {prob.class_names[j]} ({prob.class_ids[j]}) is locked to {len(rs)} cadres, "
                                "but a class has at most one adviser"))
    for i, rs in by_cad.items():
        if len({r.j for r in rs}) > prob.cap[i]:
            out.append(Conflict(_refs(rs + [CAPACITY]),
                                f"{prob.names[i]}（{prob.cadre_ids[i]}）锁定了{len({r.j for r in rs})}个班级，但带班数为{prob.cap[i]}",
                                f"{prob.names[i]} ({prob.cadre_ids[i]}) has {len({r.j for r in rs})} locked classes "
                                f"but capacity {prob.cap[i]}"))
    # per-college counts
    levels = np.array(prob.level)
    caps_by = {}
    for r in rules:
        if r.family == "level_cap":
            caps_by.setdefault((r.c, r.level), []).append(r)
    for r in rules:
        if r.family not in ("college_quota", "level_cap"):
            continue
        c = r.c
        cname = prob.college_names[c]
        in_c = prob.col == c
        locked_cadres = {lk.i for lk in locks if prob.col[lk.j] == c and (r.family == "college_quota" or levels[lk.i] == r.level)}
        lk_rules = [lk for lk in locks if lk.i in locked_cadres and prob.col[lk.j] == c]
        if r.hi is not None and len(locked_cadres) > r.hi:
            what = "干部" if r.family == "college_quota" else LEVEL_ZH[r.level]
            out.append(Conflict(_refs([r] + lk_rules),
                                f"{cname}至多{r.hi}名{what}，但锁定已安排了{len(locked_cadres)}名",
                                f"{cname} allows at most {r.hi} such cadres, but locks already place {len(locked_cadres)}"))
        if r.family != "college_quota" or r.lo is None:
            continue
        avail = (prob.cap > 0) & allowed[:, in_c].any(axis=1)
        navail = int(avail.sum())
        if navail < r.lo:
            data_avail = int(((prob.cap > 0) & data_allowed[:, in_c].any(axis=1)).sum())
            fb = [f for f in forbids if (f.j >= 0 and prob.col[f.j] == c) or (f.j < 0 and f.c == c)]
            extra = own_rule if cfg.own_unit == "forbid" else []
            out.append(Conflict(_refs([r] + fb + extra),
                                f"{cname}至少{r.lo}名干部，但除回避外只有{navail}名干部可分配到{cname}"
                                + (f"（不计回避时为{data_avail}名）" if data_avail != navail else ""),
                                f"{cname} needs at least {r.lo} cadres, but after the forbid rules only {navail} cadres "
                                f"can be assigned to {cname}"))
            continue
        nclass = int(in_c.sum())
        if r.lo > nclass:
            out.append(Conflict(_refs([r]), f"{cname}至少{r.lo}名干部，但{cname}只有{nclass}个班级",
                                f"{cname} needs at least {r.lo} cadres, but has only {nclass} classes"))
            continue
        # level caps limit how many of the available cadres of each level may come
        reach = 0
        used_caps = []
        for lev in ("school", "head", "deputy"):
            k = int((avail & (levels == lev)).sum())
            cs = caps_by.get((c, lev), [])
            if cs:
                lim = min(x.hi for x in cs)
                if lim < k:
                    used_caps += [x for x in cs if x.hi == lim]
                k = min(k, lim)
            reach += k
        if reach < r.lo:
            out.append(Conflict(_refs([r] + used_caps),
                                f"{cname}至少{r.lo}名干部，但受层级上限限制最多只能有{reach}名",
                                f"{cname} needs at least {r.lo} cadres, but the level caps allow at most {reach}"))
    # priority classes of a college vs the quota's max
    if cfg.priority == "hard":
        for r in rules:
            if r.family == "college_quota" and r.hi is not None:
                c = r.c
                p = int((prob.priority & (prob.col == c)).sum())
                caps_sorted = np.sort(prob.cap[allowed[:, prob.col == c].any(axis=1)])[::-1]
                most = int(caps_sorted[:r.hi].sum())
                if p > most:
                    cname = prob.college_names[c]
                    out.append(Conflict(_refs([r, PRIORITY]),
                                        f"{cname}有{p}个重点班级必须有班主任，但至多{r.hi}名干部最多只能带{most}个班",
                                        f"{cname} has {p} priority classes, but at most {r.hi} cadres can take at most {most}"))
    return out


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
    order = ["forbid", "lock", "level_cap", "college_quota", "change_budget", "own_unit", "priority", "capacity"]

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
