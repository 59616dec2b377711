"""Counting pre-checks of each constraint family (registered in families.FAMILIES).

Each check gets the shared `Context` and the rules of its family, and returns findings
(rules or round refs involved, message zh, message en); diagnosis turns them into Conflicts.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .families import LEVEL_ZH, LEVELS

CAPACITY = {"kind": "round", "name": "capacity"}
PRIORITY = {"kind": "round", "name": "priority"}


@dataclasses.dataclass
class Context:
    prob: object
    allowed: np.ndarray            # n×m: data, own-unit rule and forbids
    data_allowed: np.ndarray       # n×m: data alone (own-unit rule not applied)
    forbids_of: dict               # cadre -> forbid rules
    locks: list
    own_rule: list                 # [the own_unit round rule] or []
    levels: np.ndarray
    caps_by: dict                  # (college, level) -> level_cap rules


def forbid(ctx: Context, rules) -> list:
    p, out = ctx.prob, []
    for i in np.flatnonzero(p.cap > 0):
        k = int(ctx.allowed[i].sum())
        if k < p.cap[i]:
            rs = [CAPACITY] + ctx.forbids_of.get(i, [])
            if ctx.own_rule and (p.col == p.unit_col[i]).any():
                rs += ctx.own_rule
            out.append((rs, f"{p.names[i]}（{p.cadre_ids[i]}）需带{p.cap[i]}个班，但除回避外只有{k}个班级可分配",
                        (f"{p.names[i]} ({p.cadre_ids[i]}) must take {p.cap[i]} classes, but only {k} "
                         "classes remain after the forbid rules")))
    return out


def lock(ctx: Context, rules) -> list:
    p, out = ctx.prob, []
    by_class, by_cad = {}, {}
    for r in rules:
        by_class.setdefault(r.j, []).append(r)
        by_cad.setdefault(r.i, []).append(r)
        if not ctx.allowed[r.i, r.j]:
            blockers = [f for f in ctx.forbids_of.get(r.i, []) if f.j == r.j or (f.j < 0 and f.c == p.col[r.j])]
            if not blockers and ctx.own_rule and p.unit_col[r.i] == p.col[r.j]:
                blockers = ctx.own_rule
            out.append(([r] + blockers,
                        f"{r.label_zh}，但该班级对此干部不可分配（{'；'.join(b.label_zh for b in blockers) or '评分文件未列出'}）",
                        (f"{r.label_en}, but this class is not allowed for the cadre "
                         f"({'; '.join(b.label_en for b in blockers) or 'not listed in the scores file'})")))
    for j, rs in by_class.items():
        if len({r.i for r in rs}) > 1:
            out.append((rs, f"班级{p.class_names[j]}（{p.class_ids[j]}）被锁定给{len(rs)}名干部，但每班只能有一名班主任",
                        (f"class {p.class_names[j]} ({p.class_ids[j]}) is locked to {len(rs)} cadres, "
                         "but a class has at most one adviser")))
    for i, rs in by_cad.items():
        k = len({r.j for r in rs})
        if k > p.cap[i]:
            out.append((rs + [CAPACITY], f"{p.names[i]}（{p.cadre_ids[i]}）锁定了{k}个班级，但带班数为{p.cap[i]}",
                        f"{p.names[i]} ({p.cadre_ids[i]}) has {k} locked classes but capacity {p.cap[i]}"))
    return out


def _max_vs_locks(ctx: Context, r) -> list:
    p = ctx.prob
    quota = r.family == "college_quota"
    placed = {lk.i for lk in ctx.locks if p.col[lk.j] == r.c and (quota or ctx.levels[lk.i] == r.level)}
    if r.hi is None or len(placed) <= r.hi:
        return []
    lk_rules = [lk for lk in ctx.locks if lk.i in placed and p.col[lk.j] == r.c]
    what = "干部" if quota else LEVEL_ZH[r.level]
    cname = p.college_names[r.c]
    return [([r] + lk_rules, f"{cname}至多{r.hi}名{what}，但锁定已安排了{len(placed)}名",
             f"{cname} allows at most {r.hi} such cadres, but locks already place {len(placed)}")]


def _quota_min(ctx: Context, r) -> list:
    p = ctx.prob
    c, cname = r.c, p.college_names[r.c]
    in_c = p.col == c
    avail = (p.cap > 0) & ctx.allowed[:, in_c].any(axis=1)
    navail = int(avail.sum())
    if navail < r.lo:
        data_avail = int(((p.cap > 0) & ctx.data_allowed[:, in_c].any(axis=1)).sum())
        fb = [f for fs in ctx.forbids_of.values() for f in fs
              if (f.j >= 0 and p.col[f.j] == c) or (f.j < 0 and f.c == c)]
        extra = ctx.own_rule if p.cfg.own_unit == "forbid" else []
        return [([r] + fb + extra, f"{cname}至少{r.lo}名干部，但除回避外只有{navail}名干部可分配到{cname}"
                 + (f"（不计回避时为{data_avail}名）" if data_avail != navail else ""),
                 (f"{cname} needs at least {r.lo} cadres, but after the forbid rules only {navail} cadres "
                  f"can be assigned to {cname}"))]
    nclass = int(in_c.sum())
    if r.lo > nclass:
        return [([r], f"{cname}至少{r.lo}名干部，但{cname}只有{nclass}个班级",
                 f"{cname} needs at least {r.lo} cadres, but has only {nclass} classes")]
    reach, used_caps = 0, []            # level caps limit how many available cadres of each level may come
    for lev in LEVELS:
        k = int((avail & (ctx.levels == lev)).sum())
        cs = ctx.caps_by.get((c, lev), [])
        if cs:
            lim = min(x.hi for x in cs)
            if lim < k:
                used_caps += [x for x in cs if x.hi == lim]
            k = min(k, lim)
        reach += k
    if reach < r.lo:
        return [([r] + used_caps, f"{cname}至少{r.lo}名干部，但受层级上限限制最多只能有{reach}名",
                 f"{cname} needs at least {r.lo} cadres, but the level caps allow at most {reach}")]
    return []


def _priority_vs_max(ctx: Context, r) -> list:
    p = ctx.prob
    if p.cfg.priority != "hard" or r.hi is None:
        return []
    c = r.c
    npri = int((p.priority & (p.col == c)).sum())
    most = int(np.sort(p.cap[ctx.allowed[:, p.col == c].any(axis=1)])[::-1][:r.hi].sum())
    if npri <= most:
        return []
    cname = p.college_names[c]
    return [([r, PRIORITY], f"{cname}有{npri}个重点关注班级必须有班主任，但至多{r.hi}名干部最多只能带{most}个班",
             f"{cname} has {npri} priority classes, but at most {r.hi} cadres can take at most {most}")]


def college_quota(ctx: Context, rules) -> list:
    out = []
    for r in rules:
        out += _max_vs_locks(ctx, r)
        if r.lo is not None:
            out += _quota_min(ctx, r)
    for r in rules:
        out += _priority_vs_max(ctx, r)
    return out


def level_cap(ctx: Context, rules) -> list:
    return [f for r in rules for f in _max_vs_locks(ctx, r)]
