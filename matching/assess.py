"""A hand-made assignment (an edited result file, a mapped scenario) checked against every hard rule of
a round, and — only when every rule holds — made into a MatchResult marked hand-made.

The rules are the solve's own: `families.broken` over the Problem's rules (constraint rows and round
rules alike) with each family's `holds`, the pairs the data allow (`PairSpace.weight`), one adviser per
class; then `verify` checks the answer exactly as it checks a solver's. Each violation names the
positions (in the given pair list) of the pairs that break it, so a caller can name file rows. Pure:
no Streamlit, no database.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import families
from .api import MatchResult
from .config import MatchConfig
from .model import MatchingInput, Problem
from .space import PairSpace
from .state import Core, Opts
from .verify import verify

HAND_MADE = "hand_made"      # the report key that marks a result no solver produced


@dataclass(frozen=True)
class Violation:
    rows: tuple[int, ...]    # positions in the given pair list; () = the answer as a whole
    column: str              # "cadre_id" or "class_id": the column to change
    value: str
    zh: str
    en: str


@dataclass
class Assessment:
    violations: list[Violation] = field(default_factory=list)
    result: MatchResult | None = None      # the checked answer (None when any rule is broken)


def _positions(pairs: list[tuple[int, int]], keep: list[int]) -> dict[tuple[int, int], list[int]]:
    out: dict[tuple[int, int], list[int]] = {}
    for k in keep:
        out.setdefault(pairs[k], []).append(k)
    return out


def _ids(prob: Problem, given: list[tuple[str, str]]) -> tuple[list, list[int], list[Violation]]:
    """Index pairs; rows naming a cadre or class outside the round are violations and left out."""
    bad, idx, keep = [], [], []
    for k, (a, b) in enumerate(given):
        if a not in prob.ci:
            bad.append(Violation((k,), "cadre_id", a, "工号不在本轮干部名单中", "cadre_id is not in this round's cadres"))
        if b not in prob.cj:
            bad.append(Violation((k,), "class_id", b, "班级编号不在本轮班级名单中", "class_id is not in this round's classes"))
        idx.append((prob.ci.get(a, -1), prob.cj.get(b, -1)))
        if a in prob.ci and b in prob.cj:
            keep.append(k)
    return idx, keep, bad


def _shape(prob: Problem, idx: list, keep: list[int]) -> list[Violation]:
    """A pair twice, a class with two advisers, a pair the data do not allow."""
    bad = []
    where = _positions(idx, keep)
    for (i, j), ks in where.items():
        if len(ks) > 1:
            bad.append(Violation(tuple(ks[1:]), "class_id", prob.class_ids[j], "同一配对重复出现",
                                 "the same pair appears twice"))
    holders: dict[int, list[int]] = {}
    for (i, j), ks in where.items():
        holders.setdefault(j, []).append(ks[0])
    for j, ks in holders.items():
        if len(ks) > 1:
            bad.append(Violation(tuple(sorted(ks)), "class_id", prob.class_ids[j], "每个班级只能有一名班主任",
                                 "a class has one adviser only"))
    data = PairSpace(prob, Opts(), active=[])          # what the data allow, before any rule
    for (i, j), ks in where.items():
        if prob.cap[i] > 0 and not np.isfinite(data.weight(np.array([i]), np.array([j])))[0]:
            bad.append(Violation(tuple(ks), "class_id", prob.class_ids[j], "该配对不可分配（外部评分表未列出）",
                                 "the pair is not allowed (not listed in the scores file)"))
    return bad


def _rules(prob: Problem, idx: list, keep: list[int]) -> list[Violation]:
    """Every rule of the round that the pairs break, named at the rows that break it."""
    pairs = sorted({idx[k] for k in keep})
    where = _positions(idx, keep)
    bad = []
    for rule in families.broken(prob.rules, prob, pairs):
        if rule.family == "capacity":
            got = Counter(i for i, _ in pairs)
            for i in np.flatnonzero(np.array([got.get(i, 0) != prob.cap[i] for i in range(prob.n)])).tolist():
                rows = tuple(k for k in keep if idx[k][0] == i)
                bad.append(Violation(rows, "cadre_id", prob.cadre_ids[i],
                                     f"带班数应为{int(prob.cap[i])}，文件中为{got.get(i, 0)}",
                                     f"capacity is {int(prob.cap[i])}, the file gives {got.get(i, 0)}"))
            continue
        if rule.family == "priority":
            covered = {j for _, j in pairs}
            for j in np.flatnonzero(prob.priority).tolist():
                if j not in covered:
                    bad.append(Violation((), "class_id", prob.class_ids[j],
                                         f"重点关注班级{prob.class_names[j]}必须有班主任",
                                         f"priority class {prob.class_names[j]} must get an adviser"))
            continue
        rows = sorted(k for p in families.culprits(rule, prob, pairs) for k in where.get(p, []))
        zh, en = f"违反规则：{rule.label_zh}", f"breaks the rule: {rule.label_en}"
        if not rows:
            bad.append(Violation((), "class_id", "", zh, en))
        for k in rows:
            bad.append(Violation((k,), "class_id", prob.class_ids[idx[k][1]], zh, en))
    return bad


def assess(inp: MatchingInput, cfg: MatchConfig, given: list[tuple[str, str]]) -> Assessment:
    """Check the pairs `given` [(cadre_id, class_id)] against every hard rule of (inp, cfg).
    Raises matching.InputError when the round's own data cannot be read (as solve does)."""
    prob = Problem(inp, cfg)
    idx, keep, bad = _ids(prob, given)
    bad += _shape(prob, idx, keep)
    bad += _rules(prob, idx, keep)
    if bad:
        return Assessment(sorted(bad, key=lambda v: (v.rows[:1] or (-1,), v.column)))
    pairs = sorted(set(idx))
    space = PairSpace(prob, Opts(), active=prob.rules)
    I = np.array([i for i, _ in pairs], dtype=np.int64)
    J = np.array([j for _, j in pairs], dtype=np.int64)
    value = round(float(space.weight(I, J).sum())) if pairs else 0
    verify(prob, pairs, value, space.weight)           # the check every solver answer passes
    opts = Opts(time_limit=cfg.time_limit_s)
    res = MatchResult(prob, cfg, Core("feasible", pairs, value, float(value)), opts, 0.0, [], None)
    res.input = inp
    res.report["bound"] = None                          # no solver bounded it
    res.report[HAND_MADE] = True
    return Assessment([], res)
