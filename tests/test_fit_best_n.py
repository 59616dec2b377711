"""Best n (exact MIP) against brute force: every set of at most n cadres × every assignment, judged by the
`holds` predicates of matching.families (every rule family: forbids, own unit, locks, college quotas,
level caps, capacity, change budget) on the round restricted to those cadres. Each answer is also
re-solved (matching.solve with those n cadres, coverage first) to show it is achievable and maximal."""
from __future__ import annotations

import dataclasses
import itertools
import random
from fractions import Fraction

import pytest
from test_matching_support import cadres, classes, constraints, previous

from matching import MatchingInput, load_config, solve
from matching import families as fam
from matching.best_n import HANDLED, best_n
from matching.model import Problem

CFG = load_config(None)


def restricted(inp: MatchingInput, chosen) -> MatchingInput:
    """The same round in which only the cadres `chosen` (ids) take classes."""
    cad = inp.cadres.copy()
    cad.loc[~cad["cadre_id"].isin(set(chosen)), "capacity"] = 0
    return dataclasses.replace(inp, cadres=cad)


def brute(inp: MatchingInput, cfg) -> dict[int, int | None]:
    """k -> most priority classes covered by an assignment that uses exactly k cadres and keeps every
    rule of the round restricted to them (None: no such assignment). Every cadre takes 0 or exactly its
    capacity of classes, from all classes (the forbid / own-unit predicates judge the pairs)."""
    prob = Problem(inp, cfg)
    n, m = prob.n, prob.m
    probs: dict[frozenset, Problem] = {}
    best: dict[int, int | None] = {k: None for k in range(n + 1)}

    def judge(pairs):
        chosen = frozenset(i for i, _ in pairs)
        if chosen not in probs:
            probs[chosen] = Problem(restricted(inp, [prob.cadre_ids[i] for i in chosen]), cfg)
        p = probs[chosen]
        rules = [r for r in p.rules if r.family != "priority"]   # coverage is what is maximised
        if fam.broken(rules, p, pairs):
            return
        cov = sum(1 for _, j in pairs if p.priority[j])
        k = len(chosen)
        best[k] = cov if best[k] is None else max(best[k], cov)

    def rec(i, used, pairs):
        if i == n:
            judge(pairs)
            return
        rec(i + 1, used, pairs)                                 # cadre i not chosen
        c = int(prob.cap[i])
        if c == 0:
            return
        for js in itertools.combinations([j for j in range(m) if j not in used], c):
            rec(i + 1, used | set(js), pairs + [(i, j) for j in js])
    rec(0, frozenset(), [])
    return best


def best_up_to(table: dict[int, int | None], n: int) -> int | None:
    vals = [v for k, v in table.items() if k <= n and v is not None]
    return max(vals) if vals else None


def coverage_solve(inp: MatchingInput, cfg, chosen) -> tuple[str, int | None]:
    """An actual solve with only `chosen` taking classes, priority classes covered first."""
    big = Fraction(10 ** 6)
    c = cfg.replace(priority="weighted", objective="total", weights={**cfg.weights, "priority_bonus": big})
    res = solve(restricted(inp, chosen), c)
    if res.status != "optimal":
        return res.status, None
    return res.status, sum(1 for _, j in res.pairs if res.problem.priority[j])


def check_answer(inp, cfg, prob, got, n):
    """The answer keeps every rule of the restricted round, and a solve with its cadres reaches it."""
    assert got.exact and len(got.cadre_ids) <= n
    sub = Problem(restricted(inp, got.cadre_ids), cfg)
    pairs = [(sub.ci[a], sub.cj[b]) for a, b in got.assignment]
    assert not fam.broken([r for r in sub.rules if r.family != "priority"], sub, pairs)
    assert {(a, b) for a, b in got.assignment if prob.priority[prob.cj[b]]} == set(got.pairs)
    status, cov = coverage_solve(inp, cfg, got.cadre_ids)
    assert status == "optimal" and cov == got.covered


# ---------------------------------------------------------------- rules that limit coverage
def _two_priority(cap=1, levels=("head", "head")):
    cad = cadres([("A0", levels[0], cap), ("A1", levels[1], cap)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    return cad, cls


@pytest.mark.parametrize("rule", [
    {"type": "level_cap", "college": "甲院", "level": "head", "max": 1},
    {"type": "college_quota", "college": "甲院", "max": 1},
])
def test_a_counting_rule_caps_the_coverage(rule):
    cad, cls = _two_priority()
    inp = MatchingInput(cad, cls, None, constraints([rule]))
    prob = Problem(inp, CFG)
    got = best_n(prob, 2)
    assert got.covered == 1 == best_up_to(brute(inp, CFG), 2)       # ignoring the rule would say 2
    check_answer(inp, CFG, prob, got, 2)


def test_a_quota_minimum_elsewhere_takes_the_only_cadre():
    cad = cadres([("A0", "head", 1)])
    cls = classes([("P1", "甲院", True), ("N", "乙院")])
    inp = MatchingInput(cad, cls, None, constraints([{"type": "college_quota", "college": "乙院", "min": 1}]))
    prob = Problem(inp, CFG)
    got = best_n(prob, 1)
    assert got.feasible and got.covered == 0 and got.cadre_ids == ("A0",)
    assert not best_n(prob, 0).feasible and brute(inp, CFG)[0] is None
    check_answer(inp, CFG, prob, got, 1)


def test_a_cadre_who_cannot_fill_its_capacity_is_of_no_use():
    # A0 must take exactly two classes but may only take P1: it cannot be one of the n
    cad = cadres([("A0", "head", 2), ("A1", "head", 1)])
    cls = classes([("P1", "甲院", True), ("P2", "乙院", True)])
    inp = MatchingInput(cad, cls, None, constraints([
        {"type": "forbid", "cadre_id": "A0", "class_id": "P2"},
        {"type": "forbid", "cadre_id": "A1", "class_id": "P1"}]))
    prob = Problem(inp, CFG)
    got = best_n(prob, 1)
    assert got.covered == 1 == best_up_to(brute(inp, CFG), 1) and got.cadre_ids == ("A1",)
    assert best_n(prob, 2).covered == 1
    check_answer(inp, CFG, prob, got, 1)


def test_the_change_budget_limits_the_coverage():
    cad = cadres([("A0", "head", 1), ("A1", "head", 1)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    inp = MatchingInput(cad, cls, None, None, None, previous([("A0", "N"), ("A1", "N")]))
    cfg = CFG.replace(change_budget=1)
    prob = Problem(inp, cfg)
    got = best_n(prob, 2)
    assert got.covered == 1 == best_up_to(brute(inp, cfg), 2)
    check_answer(inp, cfg, prob, got, 2)


def test_a_locked_cadre_is_always_one_of_the_n():
    # the lock holds only if A0 takes N, so A0 is one of any n; with n = 1 nothing is left for P1
    cad = cadres([("A0", "head", 1), ("A1", "head", 1)])
    cls = classes([("P1", "甲院", True), ("N", "乙院")])
    inp = MatchingInput(cad, cls, None, constraints([{"type": "lock", "cadre_id": "A0", "class_id": "N"}]))
    prob = Problem(inp, CFG)
    one = best_n(prob, 1)
    assert one.cadre_ids == ("A0",) and one.covered == 0 == best_up_to(brute(inp, CFG), 1)
    assert coverage_solve(inp, CFG, ["A1"])[0] == "infeasible"          # without A0 the lock breaks
    assert not best_n(prob, 0).feasible
    assert best_n(prob, 2).covered == 1
    check_answer(inp, CFG, prob, one, 1)


def test_every_family_of_the_registry_is_handled():
    assert set(fam.FAMILIES) | set(fam.ROUND_FAMILIES) <= HANDLED


def test_not_the_first_n_in_a_fixed_order():
    # A0 and A1 can only take non-priority or the same class; A2 covers two priority classes
    cad = cadres([("A0", "head", 1), ("A1", "head", 1), ("A2", "head", 2)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "forbid", "cadre_id": "A0", "college": "甲院"},
                        {"type": "forbid", "cadre_id": "A1", "class_id": "P2"}])
    prob = Problem(MatchingInput(cad, cls, None, cons), CFG)
    one = best_n(prob, 1)
    assert one.cadre_ids == ("A2",) and one.covered == 2 and one.priority_classes == 2


# ---------------------------------------------------------------- random small cases against brute force
COLLEGES = ["甲院", "乙院", "丙院"]
LEVELS = ["school", "head", "deputy"]


def case(seed):
    rnd = random.Random(seed)
    nc, nk = rnd.randint(2, 4), rnd.randint(2, 5)
    cad = cadres([(f"A{i}", rnd.choice(LEVELS), rnd.choice([0, 1, 1, 1, 2]), rnd.choice(COLLEGES + ["机关"]))
                  for i in range(nc)])
    rows = [(f"K{j}", rnd.choice(COLLEGES), rnd.random() < 0.6) for j in range(nk)]
    cls = classes(rows)
    used = sorted({r[1] for r in rows})
    cons = []
    for _ in range(rnd.randint(0, 3)):
        cons.append({"type": "forbid", "cadre_id": f"A{rnd.randrange(nc)}", "class_id": f"K{rnd.randrange(nk)}"})
    if rnd.random() < 0.25:
        cons.append({"type": "forbid", "cadre_id": f"A{rnd.randrange(nc)}", "college": rnd.choice(used)})
    if rnd.random() < 0.3:
        cons.append({"type": "lock", "cadre_id": f"A{rnd.randrange(nc)}", "class_id": f"K{rnd.randrange(nk)}"})
    if rnd.random() < 0.5:
        lo = rnd.choice([None, None, 1])
        hi = rnd.choice([None, 0, 1, 1, 2])
        if lo is None and hi is None:
            hi = 1
        if lo is not None and hi is not None and lo > hi:
            lo = None
        cons.append({"type": "college_quota", "college": rnd.choice(used), "min": lo, "max": hi})
    if rnd.random() < 0.5:
        cons.append({"type": "level_cap", "college": rnd.choice(used), "level": rnd.choice(LEVELS),
                     "max": rnd.choice([0, 1])})
    prev = None
    cfg = CFG.replace(own_unit=rnd.choice(["neutral", "forbid"]))
    if rnd.random() < 0.4:
        prev = previous([(f"A{rnd.randrange(nc)}", f"K{rnd.randrange(nk)}") for _ in range(rnd.randint(1, 3))])
        cfg = cfg.replace(change_budget=rnd.choice([0, 1, 2]))
    return MatchingInput(cad, cls, None, constraints(cons) if cons else None, None, prev), cfg


@pytest.mark.parametrize("seed", range(40))
def test_best_n_equals_brute_force(seed):
    inp, cfg = case(seed)
    prob = Problem(inp, cfg)
    table = brute(inp, cfg)
    for n in range(prob.n + 1):
        got = best_n(prob, n)
        want = best_up_to(table, n)
        assert got.exact
        if want is None:
            assert not got.feasible and got.covered == 0, (seed, n)
            assert coverage_solve(inp, cfg, got.cadre_ids)[0] == "infeasible"
            continue
        assert got.feasible and got.covered == want, (seed, n)
        check_answer(inp, cfg, prob, got, n)


def test_random_cases_exercise_every_family():
    """The generator above does reach every family with a case where it changes the answer."""
    hit = set()
    for seed in range(40):
        inp, cfg = case(seed)
        prob = Problem(inp, cfg)
        base = {r.family for r in prob.rules}
        hit |= base
    assert {"forbid", "lock", "college_quota", "level_cap", "capacity", "change_budget", "own_unit"} <= hit


# ---------------------------------------------------------------- the scenarios' capacity sweep
def _fr(cad, cls, cons):
    import pandas as pd
    return {"cadres": cad, "classes": cls, "constraints": cons,
            "preferences": pd.DataFrame(columns=["cadre_id", "rank", "kind", "value"])}


def test_scenario_capacity_sweep_best_order(demo_db):
    from services import scenarios as sc
    from services import sweeps as sw
    cad = cadres([("A0", "head", 1), ("A1", "school", 1), ("A2", "deputy", 2)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "forbid", "cadre_id": "A0", "college": "甲院"},
                        {"type": "forbid", "cadre_id": "A1", "class_id": "P2"}])
    fr = _fr(cad, cls, cons)
    params = sc.default_params()
    best = sw.capacity_sweep(fr, params, order="best", sizes=[0, 1, 2], find_minimum=True)
    level = sw.capacity_sweep(fr, params, order="level", sizes=[1], find_minimum=False)
    one = next(p for p in best.points if p.n == 1)
    assert one.chosen == ("A2",) and one.best_exact and one.priority_covered == 2 == one.priority_total
    assert one.best_confirmed
    assert level.points[0].priority_covered == 1           # the first in level order is A1 (school)
    assert best.minimum == 1 and best.verification.n == 0 and not best.verification.covers_all


def test_scenario_sweep_best_order_honours_a_level_cap(demo_db):
    from services import scenarios as sc
    from services import sweeps as sw
    # two heads could cover both priority classes, but 甲院 takes at most one head: the best 2 mix levels
    cad = cadres([("A0", "head", 1), ("A1", "head", 1), ("A2", "deputy", 1)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "level_cap", "college": "甲院", "level": "head", "max": 1},
                        {"type": "forbid", "cadre_id": "A2", "class_id": "P2"}])
    res = sw.capacity_sweep(_fr(cad, cls, cons), sc.default_params(), order="best", sizes=[1, 2, 3],
                            find_minimum=True)
    by_n = {p.n: p for p in res.all_points()}
    assert by_n[2].priority_covered == 2 and "A2" in by_n[2].chosen and by_n[2].best_confirmed
    assert all(p.best_exact and p.best_confirmed for p in res.all_points())
    assert res.minimum == 2


def test_a_set_cancel_flag_stops_best_n():
    from matching.highs import Cancelled
    cad, cls = _two_priority()
    with pytest.raises(Cancelled):
        best_n(Problem(MatchingInput(cad, cls), CFG), 2, cancel=lambda: True)


def test_quota_minimums_short_by_counting_are_infeasible_without_a_solve():
    # 甲院 and 乙院 each need one cadre; A0 (capacity 2) could serve both, A1 only 乙院
    cad = cadres([("A0", "head", 2), ("A1", "head", 1)])
    cls = classes([("P1", "甲院", True), ("N1", "乙院"), ("N2", "乙院")])
    cons = constraints([{"type": "college_quota", "college": "甲院", "min": 1},
                        {"type": "college_quota", "college": "乙院", "min": 2}])
    inp = MatchingInput(cad, cls, None, cons)
    prob = Problem(inp, CFG)
    from matching.best_n import _allowed, short_of_minimums
    ok = _allowed(prob)
    assert short_of_minimums(prob, ok, 1) and not short_of_minimums(prob, ok, 2)   # needs 3, A0 gives 2
    table = brute(inp, CFG)
    assert best_up_to(table, 1) is None and not best_n(prob, 1).feasible and best_n(prob, 1).exact
    got = best_n(prob, 2)
    assert got.feasible and got.covered == 1 == best_up_to(table, 2)
    check_answer(inp, CFG, prob, got, 2)
