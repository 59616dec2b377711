"""Exactness: brute force on tiny random instances with random rules, and linear_sum_assignment."""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from test_matching_support import cadres, classes, constraints, previous, scores

from matching import MatchingInput, families, load_config, solve
from matching.model import Problem

LEVELS = ["school", "head", "deputy"]


def brute(cad, cls, sc, cons, prev, cfg, key=None):
    """Enumerate every class → (nobody | cadre) map; return the best exact objective (or best `key`).
    Capacity, priority, budget and the objective are checked here; constraint rows by their family's
    `holds` predicate (the registry the solver's model and `verify` also read)."""
    cids = list(cad.cadre_id)
    kids = list(cls.class_id)
    cap = dict(zip(cad.cadre_id, cad.capacity))
    pri = dict(zip(cls.class_id, cls.priority))
    w = {(a, b): Fraction(t) for a, b, t in zip(sc.cadre_id, sc.class_id, sc.score_text)}
    prevset = set(zip(prev.cadre_id, prev.class_id)) if prev is not None else set()
    bonus = cfg.weights["priority_bonus"]
    pen = cfg.weights["change_penalty"]
    prob = Problem(MatchingInput(cad, cls, None, cons, sc, prev), cfg)
    row_rules = [r for r in prob.rules if r.ref["kind"] == "constraint"]
    best = None
    for choice in itertools.product([None, *cids], repeat=len(kids)):
        pairs = [(a, k) for a, k in zip(choice, kids) if a is not None]
        if any(p not in w for p in pairs):
            continue
        cnt = {a: 0 for a in cids}
        for a, _ in pairs:
            cnt[a] += 1
        if any(cnt[a] != cap[a] for a in cids):
            continue
        if cfg.priority == "hard" and any(pri[k] and a is None for a, k in zip(choice, kids)):
            continue
        s = set(pairs)
        # constraint rows: each family's own `holds` (matching.families), on index pairs
        at = {(prob.ci[a], prob.cj[k]) for a, k in pairs}
        if not all(families.family(r.family).holds(r, prob, at) for r in row_rules):
            continue
        if cfg.change_budget is not None and len(s - prevset) > cfg.change_budget:
            continue
        val = sum((w[p] for p in pairs), Fraction(0))
        if cfg.priority == "weighted":
            val += bonus * sum(1 for a, k in pairs if pri[k])
        if cfg.objective == "min_change":
            val += pen * len(s & prevset)
        k = val if key is None else key(pairs, w, val)
        if best is None or k > best:
            best = k
    return best


@st.composite
def instances(draw):
    n = draw(st.integers(1, 3))
    m = draw(st.integers(1, 5))
    cols = ["甲院", "乙院"]
    cad = cadres([(f"T{i}", draw(st.sampled_from(LEVELS)), draw(st.integers(0, 2))) for i in range(n)])
    cls = classes([(f"C{j}", draw(st.sampled_from(cols)), draw(st.booleans()) and draw(st.booleans()))
                   for j in range(m)])
    sc = []
    for i in range(n):
        for j in range(m):
            if draw(st.integers(0, 4)) > 0:
                sc.append((f"T{i}", f"C{j}", f"{draw(st.integers(-300, 900)) / 100:.2f}"))
    if not sc:
        sc.append(("T0", "C0", "1.50"))
    cons = []
    for _ in range(draw(st.integers(0, 4))):
        t = draw(st.sampled_from(["forbid", "forbid_college", "lock", "college_quota", "level_cap"]))
        a, k, c = f"T{draw(st.integers(0, n - 1))}", f"C{draw(st.integers(0, m - 1))}", draw(st.sampled_from(
            sorted(set(cls.college))))
        if t == "forbid":
            cons.append({"type": "forbid", "cadre_id": a, "class_id": k})
        elif t == "forbid_college":
            cons.append({"type": "forbid", "cadre_id": a, "college": c})
        elif t == "lock":
            cons.append({"type": "lock", "cadre_id": a, "class_id": k})
        elif t == "college_quota":
            lo = draw(st.one_of(st.none(), st.integers(0, 2)))
            hi = draw(st.one_of(st.none(), st.integers(max(lo or 0, 0), 3)))
            if lo is None and hi is None:
                hi = 1
            cons.append({"type": "college_quota", "college": c, "min": lo, "max": hi})
        else:
            cons.append({"type": "level_cap", "college": c, "level": draw(st.sampled_from(LEVELS)),
                         "max": draw(st.integers(0, 2))})
    prev = previous([(f"T{i}", f"C{draw(st.integers(0, m - 1))}") for i in range(n) if draw(st.booleans())])
    cfg = load_config(None).replace(
        priority=draw(st.sampled_from(["hard", "weighted", "off"])),
        objective=draw(st.sampled_from(["total", "min_change"])),
        change_budget=draw(st.one_of(st.none(), st.integers(0, 2))), time_limit_s=20.0)
    return cad, cls, scores(sc), constraints(cons), prev, cfg


@settings(max_examples=int(__import__("os").environ.get("MATCHING_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_brute_force_equal(inst):
    cad, cls, sc, cons, prev, cfg = inst
    expect = brute(cad, cls, sc, cons, prev, cfg)
    res = solve(MatchingInput(cad, cls, None, cons, sc, prev), cfg)
    if expect is None:
        assert res.status == "infeasible"
        assert res.diagnosis, "an infeasible input must name conflicting rules"
    else:
        assert res.status == "optimal"
        assert res.objective_exact == expect
        assert res.report["bound"] == res.report["objective"]


def test_equal_to_linear_sum_assignment_without_side_rules():
    rng = np.random.default_rng(7)
    for n, m in ((6, 9), (15, 15), (20, 40)):
        cents = rng.integers(0, 10000, size=(n, m))
        sc = scores([(f"T{i:02d}", f"C{j:02d}", f"{cents[i, j] / 100:.2f}") for i in range(n) for j in range(m)])
        cad = cadres([(f"T{i:02d}", "head", 1) for i in range(n)])
        cls = classes([(f"C{j:02d}", "甲院") for j in range(m)])
        res = solve(MatchingInput(cad, cls, scores=sc), load_config(None))
        r, c = linear_sum_assignment(cents, maximize=True)
        assert res.status == "optimal"
        assert res.objective_exact == Fraction(int(cents[r, c].sum()), 100)


def test_exact_scaling_keeps_tiny_differences():
    # 2-decimal rounding would tie these; exact scaling must prefer the 0.001 better pairing
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "1.004"), ("A", "Y", "1.000"), ("B", "X", "1.000"), ("B", "Y", "0.997")])
    res = solve(MatchingInput(cad, cls, scores=sc), load_config(None))
    assert res.objective_exact == Fraction("2.001")
    assert set(zip(res.assignment.cadre_id, res.assignment.class_id)) == {("A", "X"), ("B", "Y")}


def test_overflowing_scores_are_rejected_clearly():
    import pytest

    from matching import InputError
    cad = cadres([("A", "head", 1)])
    cls = classes([("X", "甲院")])
    sc = scores([("A", "X", "123456789012345678.000000001")])
    with pytest.raises(InputError) as e:
        solve(MatchingInput(cad, cls, scores=sc), load_config(None))
    assert "overflow" in str(e.value)


def test_unlisted_pairs_are_not_allowed():
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "5"), ("B", "X", "9")])
    res = solve(MatchingInput(cad, cls, scores=sc), load_config(None))
    assert res.status == "infeasible"      # B needs a class but only X is listed for both


@settings(max_examples=int(__import__("os").environ.get("MATCHING_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_fair_lexicographic_brute_force(inst):
    cad, cls, sc, cons, prev, cfg = inst
    cfg = cfg.replace(objective="fair")
    big = Fraction(10 ** 9)

    def key(pairs, w, val):
        return (min((w[p] for p in pairs), default=big), val)

    expect = brute(cad, cls, sc, cons, prev, cfg.replace(objective="total"), key=key)
    res = solve(MatchingInput(cad, cls, None, cons, sc, prev), cfg)
    if expect is None:
        assert res.status == "infeasible"
    else:
        assert res.status == "optimal"
        ws = {(a, b): Fraction(t) for a, b, t in zip(sc.cadre_id, sc.class_id, sc.score_text)}
        got_min = min((ws[p] for p in zip(res.assignment.cadre_id, res.assignment.class_id)), default=big)
        assert (got_min, res.objective_exact) == expect
