"""Best n (exact MIP) against brute force over every set of at most n cadres on small cases."""
from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from test_matching_support import cadres, classes, constraints

from matching import MatchingInput, load_config
from matching.best_n import _allowed, best_n
from matching.model import Problem

CFG = load_config(None)


def max_cover(prob, ok, chosen, locks):
    """Most priority classes the chosen cadres can cover (every assignment tried)."""
    P = [j for j in range(prob.m) if prob.priority[j]]
    best = 0
    slots = []
    for i in chosen:
        locked = [j for (a, j) in locks if a == i]
        room = int(prob.cap[i]) - len([j for j in locked if j not in P])
        fixed = [j for j in locked if j in P]
        slots.append((i, max(0, room), fixed))

    def rec(k, used):
        nonlocal best
        if k == len(slots):
            best = max(best, len(used))
            return
        i, room, fixed = slots[k]
        if len(set(fixed)) != len(fixed) or used & set(fixed) or len(fixed) > room:
            return
        base = used | set(fixed)
        free = [j for j in P if ok[i, j] and j not in base]
        for r in range(room - len(fixed) + 1):
            for extra in itertools.combinations(free, r):
                rec(k + 1, base | set(extra))
    rec(0, frozenset())
    return best


def brute(prob, n):
    ok = _allowed(prob)
    locks = [(r.i, r.j) for r in prob.rules if r.family == "lock"]
    return max(max_cover(prob, ok, c, locks) for k in range(n + 1) for c in itertools.combinations(range(prob.n), k))


def case(seed):
    rnd = random.Random(seed)
    nc, nk = rnd.randint(2, 5), rnd.randint(2, 6)
    cols = ["甲院", "乙院", "丙院"]
    cad = cadres([(f"A{i}", "head", rnd.choice([0, 1, 1, 2]), rnd.choice(cols)) for i in range(nc)])
    rows = [(f"K{j}", rnd.choice(cols), rnd.random() < 0.7) for j in range(nk)]
    cls = classes(rows)
    used = sorted({r[1] for r in rows})
    cons = []
    for _ in range(rnd.randint(0, 4)):
        cons.append({"type": "forbid", "cadre_id": f"A{rnd.randrange(nc)}", "class_id": f"K{rnd.randrange(nk)}"})
    if rnd.random() < 0.3:
        cons.append({"type": "forbid", "cadre_id": f"A{rnd.randrange(nc)}", "college": rnd.choice(used)})
    cfg = CFG.replace(own_unit=rnd.choice(["neutral", "forbid"]))
    return Problem(MatchingInput(cad, cls, None, constraints(cons)), cfg)


@pytest.mark.parametrize("seed", range(25))
def test_best_n_equals_brute_force(seed):
    prob = case(seed)
    for n in range(prob.n + 1):
        got = best_n(prob, n)
        assert got.exact and len(got.cadre_ids) <= n
        assert got.covered == brute(prob, n), (seed, n)
        # the answer is itself valid: allowed pairs, capacities, each class once, only chosen cadres
        ok = _allowed(prob)
        per = {}
        for a, b in got.pairs:
            i, j = prob.ci[a], prob.cj[b]
            assert ok[i, j] and prob.priority[j] and a in got.cadre_ids
            per[i] = per.get(i, 0) + 1
        assert all(per[i] <= prob.cap[i] for i in per)
        assert len({b for _, b in got.pairs}) == len(got.pairs)


def test_not_the_first_n_in_a_fixed_order():
    # A0 and A1 can only take non-priority or the same class; A2 covers two priority classes
    cad = cadres([("A0", "head", 1), ("A1", "head", 1), ("A2", "head", 2)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "forbid", "cadre_id": "A0", "college": "甲院"},
                        {"type": "forbid", "cadre_id": "A1", "class_id": "P2"}])
    prob = Problem(MatchingInput(cad, cls, None, cons), CFG)
    one = best_n(prob, 1)
    assert one.cadre_ids == ("A2",) and one.covered == 2 and one.priority_classes == 2


def test_locks_keep_a_chosen_cadre_on_its_class():
    cad = cadres([("A0", "head", 1), ("A1", "head", 1)])
    cls = classes([("P1", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "lock", "cadre_id": "A0", "class_id": "N"}])
    prob = Problem(MatchingInput(cad, cls, None, cons), CFG)
    assert best_n(prob, 1).cadre_ids == ("A1",) and brute(prob, 1) == 1
    assert np.array_equal(_allowed(prob), np.ones((2, 2), bool))


def test_scenario_capacity_sweep_best_order(demo_db):
    import pandas as pd

    from services import scenarios as sc
    from services import sweeps as sw
    cad = cadres([("A0", "head", 1), ("A1", "school", 1), ("A2", "deputy", 2)])
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True), ("N", "乙院")])
    cons = constraints([{"type": "forbid", "cadre_id": "A0", "college": "甲院"},
                        {"type": "forbid", "cadre_id": "A1", "class_id": "P2"}])
    fr = {"cadres": cad, "classes": cls, "constraints": cons,
          "preferences": pd.DataFrame(columns=["cadre_id", "rank", "kind", "value"])}
    params = sc.default_params()
    best = sw.capacity_sweep(fr, params, order="best", sizes=[0, 1, 2], find_minimum=True)
    level = sw.capacity_sweep(fr, params, order="level", sizes=[1], find_minimum=False)
    one = next(p for p in best.points if p.n == 1)
    assert one.chosen == ("A2",) and one.best_exact and one.priority_covered == 2 == one.priority_total
    assert level.points[0].priority_covered == 1           # the first in level order is A1 (school)
    assert best.minimum == 1 and best.verification.n == 0 and not best.verification.covers_all
