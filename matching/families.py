"""Constraint families, declared once: how a constraints row is read, how a rule is labelled, which
pairs it removes or fixes, which counting rows it adds to the model, and `holds` — the plain check of
an assignment that `verify` and the brute-force test oracle use.

A new family is one `Family(...)` entry here (plus its test). The solver model (rows.py), the pair
space (space.py), diagnosis, `verify` and tests/test_matching_exact.py read this table.

Round-level rules (capacity, priority, change_budget, own_unit) come from the configuration, not
from constraint rows; they are listed in ROUND_FAMILIES with their labels and `holds`. Family and
level labels come from common/vocabulary.py (CONSTRAINT_TYPES, LEVELS).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from common import vocabulary

LEVELS = vocabulary.LEVEL_ORDER
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)

from . import prechecks as _pre  # after LEVELS: prechecks reads them


def _label(code: str) -> tuple[str, str]:
    t = vocabulary.CONSTRAINT_TYPES[code]
    return t.zh, t.en


@dataclasses.dataclass
class Rule:
    """One named rule that can take part in an infeasibility (see diagnosis)."""
    ref: dict
    family: str            # a key of FAMILIES or ROUND_FAMILIES
    label_zh: str
    label_en: str
    i: int = -1            # cadre index (forbid/lock)
    j: int = -1            # class index (forbid/lock); -1 with c ≥ 0 = a whole college
    c: int = -1            # college index
    level: str = ""
    lo: int | None = None
    hi: int | None = None

    @property
    def key(self) -> tuple:
        r = self.ref
        return (r["kind"], r.get("rule_index", r.get("name")))


@dataclasses.dataclass(frozen=True)
class Row:
    """One constraints row, as text (cadre_id, class_id, college, level, reason) and ints (min, max)."""
    index: int
    type: str
    cadre_id: str
    class_id: str
    college: str
    level: str
    lo: int | None
    hi: int | None
    reason: str


@dataclasses.dataclass(frozen=True)
class Family:
    name: str
    label_zh: str
    label_en: str
    parse: Callable          # (row, prob, bad) -> Rule | None; bad(zh, en) records an input problem
    holds: Callable          # (rule, prob, pairs: set[(i, j)]) -> bool
    excludes: bool = False   # the rule removes pairs (space.PairSpace leaves them out)
    fixes: bool = False      # the rule fixes a pair to 1
    count_rows: Callable | None = None   # (rule, prob) -> [(college, cadre mask, coef, bound)]
    prechecks: Callable | None = None    # (prechecks.Context, rules of the family) -> [(refs, zh, en)]
    deletion_rank: int = 0   # order in which diagnosis tries to drop the family's rules
    culprits: Callable | None = None     # (rule, prob, pairs) -> the pairs that break it ([]: none to name)


def _reason(row: Row) -> tuple[str, str]:
    return (f"（{row.reason}）", f" ({row.reason})") if row.reason else ("", "")


def _cadre(row, prob, bad):
    if row.cadre_id not in prob.ci:
        bad(f"工号 {row.cadre_id!r} 不在干部名单中", f"cadre_id {row.cadre_id!r} is not in the cadre list")
        return None
    return prob.ci[row.cadre_id]


def _class(row, prob, bad):
    if row.class_id not in prob.cj:
        bad(f"班级编号 {row.class_id!r} 不在班级名单中", f"class_id {row.class_id!r} is not in the class list")
        return None
    return prob.cj[row.class_id]


def _college(row, prob, bad):
    if row.college not in prob.colx:
        bad(f"学院 {row.college!r} 没有班级", f"college {row.college!r} has no classes")
        return None
    return prob.colx[row.college]


# ------------------------------------------------------------------ forbid
def _parse_forbid(row, prob, bad):
    i = _cadre(row, prob, bad)
    if i is None:
        return None
    zh, en = _reason(row)
    nm, a = prob.names[i], row.cadre_id
    ref = {"kind": "constraint", "rule_index": row.index}
    if row.class_id:
        j = _class(row, prob, bad)
        if j is None:
            return None
        b = row.class_id
        return Rule(ref, "forbid", f"回避：{nm}（{a}）不带 {prob.class_names[j]}（{b}）{zh}",
                    f"forbid: {nm} ({a}) not with {prob.class_names[j]} ({b}){en}", i=i, j=j)
    if row.college:
        c = _college(row, prob, bad)
        if c is None:
            return None
        return Rule(ref, "forbid", f"回避：{nm}（{a}）不带{row.college}的班级{zh}",
                    f"forbid: {nm} ({a}) not with classes of {row.college}{en}", i=i, c=c)
    bad("回避需要班级编号或学院", "forbid needs a class_id or a college")
    return None


def _forbid_culprits(rule, prob, pairs) -> list:
    return [(i, j) for i, j in pairs if i == rule.i and (j == rule.j if rule.j >= 0 else prob.col[j] == rule.c)]


def _forbid_holds(rule, prob, pairs) -> bool:
    if rule.j >= 0:
        return (rule.i, rule.j) not in pairs
    return not any(prob.col[j] == rule.c for j in _classes_of(pairs, rule.i))


# ------------------------------------------------------------------ lock
def _parse_lock(row, prob, bad):
    i = _cadre(row, prob, bad)
    if i is None:
        return None
    j = _class(row, prob, bad)
    if j is None:
        return None
    zh, en = _reason(row)
    nm, a, b = prob.names[i], row.cadre_id, row.class_id
    return Rule({"kind": "constraint", "rule_index": row.index}, "lock",
                f"锁定：{nm}（{a}）→ {prob.class_names[j]}（{b}）{zh}",
                f"lock: {nm} ({a}) → {prob.class_names[j]} ({b}){en}", i=i, j=j)


def _lock_holds(rule, prob, pairs) -> bool:
    return (rule.i, rule.j) in pairs


def _lock_culprits(rule, prob, pairs) -> list:
    # the cadre's other classes, and whoever holds the locked class instead
    return [(i, j) for i, j in pairs if (i == rule.i) != (j == rule.j)]


# ------------------------------------------------------------------ college quota (counts cadres)
def _parse_quota(row, prob, bad):
    c = _college(row, prob, bad)
    if c is None:
        return None
    lo, hi = row.lo, row.hi
    if lo is None and hi is None:
        bad("学院名额需要下限或上限", "college_quota needs min or max")
        return None
    if lo is not None and hi is not None and lo > hi:
        bad(f"下限{lo}大于上限{hi}", f"min {lo} is greater than max {hi}")
        return None
    zh, en = _reason(row)
    pz = ([f"至少{lo}名"] if lo is not None else []) + ([f"至多{hi}名"] if hi is not None else [])
    pe = ([f"at least {lo}"] if lo is not None else []) + ([f"at most {hi}"] if hi is not None else [])
    return Rule({"kind": "constraint", "rule_index": row.index}, "college_quota",
                f"学院名额：{row.college}{'、'.join(pz)}干部{zh}",
                f"college quota: {row.college} {' and '.join(pe)} cadres{en}", c=c, lo=lo, hi=hi)


class Assignment(frozenset):
    """A set of pairs (i, j) with the look-ups the `holds` predicates need, built once."""

    def __new__(cls, pairs, prob):
        self = super().__new__(cls, pairs)
        self.by_cadre, self.by_college = {}, {}
        for i, j in self:
            self.by_cadre.setdefault(i, []).append(j)
            self.by_college.setdefault(int(prob.col[j]), set()).add(i)
        return self


def _classes_of(pairs, i) -> list:
    if isinstance(pairs, Assignment):
        return pairs.by_cadre.get(i, [])
    return [j for a, j in pairs if a == i]


def _cadres_in(prob, pairs, c, level=None) -> int:
    who = pairs.by_college.get(c, set()) if isinstance(pairs, Assignment) else \
        {i for i, j in pairs if prob.col[j] == c}
    return len(who) if level is None else sum(1 for i in who if prob.level[i] == level)


def _quota_holds(rule, prob, pairs) -> bool:
    k = _cadres_in(prob, pairs, rule.c)
    return (rule.lo is None or k >= rule.lo) and (rule.hi is None or k <= rule.hi)


def _quota_culprits(rule, prob, pairs) -> list:
    # too many: every pair of the college; too few: no pair to name (the whole answer)
    over = rule.hi is not None and _cadres_in(prob, pairs, rule.c) > rule.hi
    return [(i, j) for i, j in pairs if prob.col[j] == rule.c] if over else []


def _quota_rows(rule, prob):
    every = np.ones(prob.n, dtype=bool)
    out = []
    if rule.hi is not None:
        out.append((rule.c, every, 1.0, rule.hi))
    if rule.lo is not None:
        out.append((rule.c, every, -1.0, rule.lo))
    return out


# ------------------------------------------------------------------ level cap (counts cadres of one level)
def _parse_level_cap(row, prob, bad):
    c = _college(row, prob, bad)
    if c is None:
        return None
    if row.level not in LEVELS:
        bad(f"层级 {row.level!r} 无效", f"level {row.level!r} is not school/head/deputy")
        return None
    if row.hi is None:
        bad("层级上限需要上限", "level_cap needs max")
        return None
    zh, en = _reason(row)
    return Rule({"kind": "constraint", "rule_index": row.index}, "level_cap",
                f"层级上限：{row.college}至多{row.hi}名{LEVEL_ZH[row.level]}{zh}",
                f"level cap: {row.college} at most {row.hi} × {vocabulary.label(vocabulary.LEVELS, row.level, 'en')}{en}",
                c=c, level=row.level, hi=row.hi)


def _level_cap_holds(rule, prob, pairs) -> bool:
    return _cadres_in(prob, pairs, rule.c, rule.level) <= rule.hi


def _level_cap_culprits(rule, prob, pairs) -> list:
    return [(i, j) for i, j in pairs if prob.col[j] == rule.c and prob.level[i] == rule.level]


def _level_cap_rows(rule, prob):
    return [(rule.c, np.array(prob.level) == rule.level, 1.0, rule.hi)]


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("forbid", *_label("forbid"), _parse_forbid, _forbid_holds, excludes=True, prechecks=_pre.forbid,
           deletion_rank=0, culprits=_forbid_culprits),
    Family("lock", *_label("lock"), _parse_lock, _lock_holds, fixes=True, prechecks=_pre.lock, deletion_rank=1,
           culprits=_lock_culprits),
    Family("college_quota", *_label("college_quota"), _parse_quota, _quota_holds, count_rows=_quota_rows,
           prechecks=_pre.college_quota, deletion_rank=3, culprits=_quota_culprits),
    Family("level_cap", *_label("level_cap"), _parse_level_cap, _level_cap_holds, count_rows=_level_cap_rows,
           prechecks=_pre.level_cap, deletion_rank=2, culprits=_level_cap_culprits),
)}


# ------------------------------------------------------------------ round-level rules (from the configuration)
def _capacity_holds(rule, prob, pairs) -> bool:
    got = np.bincount(np.array([i for i, _ in pairs], dtype=np.int64), minlength=prob.n)
    return bool((got == prob.cap).all())


def _priority_holds(rule, prob, pairs) -> bool:
    covered = {j for _, j in pairs}
    return all(j in covered for j in np.flatnonzero(prob.priority).tolist())


def _budget_holds(rule, prob, pairs) -> bool:
    return len(set(pairs) - set(prob.prev_pairs)) <= prob.cfg.change_budget


def _own_unit_holds(rule, prob, pairs) -> bool:
    return not any(prob.unit_col[i] == prob.col[j] for i, j in pairs)


def _own_unit_culprits(rule, prob, pairs) -> list:
    return [(i, j) for i, j in pairs if prob.unit_col[i] == prob.col[j]]


def _capacity_culprits(rule, prob, pairs) -> list:
    # pairs of cadres holding more classes than their capacity (a cadre short of it has none to name)
    got = np.bincount(np.array([i for i, _ in pairs], dtype=np.int64), minlength=prob.n)
    return [(i, j) for i, j in pairs if got[i] > prob.cap[i]]


def _budget_culprits(rule, prob, pairs) -> list:
    prev = set(prob.prev_pairs)
    return [(i, j) for i, j in pairs if (i, j) not in prev]


ROUND_FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("capacity", "带班数", "capacity", None, _capacity_holds, deletion_rank=7, culprits=_capacity_culprits),
    Family("priority", "重点关注班级", "priority classes", None, _priority_holds, deletion_rank=6),
    Family("change_budget", "调整上限", "change budget", None, _budget_holds, deletion_rank=4,
           culprits=_budget_culprits),
    Family("own_unit", "本单位回避", "own unit", None, _own_unit_holds, excludes=True, deletion_rank=5,
           culprits=_own_unit_culprits),
)}


def deletion_order() -> list[str]:
    return sorted([*FAMILIES, *ROUND_FAMILIES], key=lambda f: family(f).deletion_rank)


def family(name: str) -> Family:
    return FAMILIES.get(name) or ROUND_FAMILIES[name]


def parse(row: Row, prob, bad) -> Rule | None:
    fam = FAMILIES.get(row.type)
    if fam is None:
        bad(f"类型 {row.type!r} 无效", f"type {row.type!r} is not {'/'.join(FAMILIES)}")
        return None
    return fam.parse(row, prob, bad)


def count_rows(rule: Rule, prob) -> list:
    fam = family(rule.family)
    return fam.count_rows(rule, prob) if fam.count_rows else []


def culprits(rule: Rule, prob, pairs) -> list:
    """The pairs of `pairs` that break `rule` ([] when no pair can be named: a rule short of pairs)."""
    fam = family(rule.family)
    return fam.culprits(rule, prob, pairs) if fam.culprits else []


def broken(rules, prob, pairs) -> list[Rule]:
    """Rules (constraint and round rules) that the assignment `pairs` breaks."""
    s = Assignment(pairs, prob)
    return [r for r in rules if not family(r.family).holds(r, prob, s)]
