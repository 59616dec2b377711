"""Anchored solves (a manual adjustment): the most anchor pairs kept first, then the best objective —
checked by brute force; and a swap made by hand (checked by matching.assess) is exactly what the
anchored re-solve with the swap's locks returns."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matching_exact import brute, instances
from test_matching_support import cadres, classes, constraints, previous, scores

from matching import MatchingInput, load_config, solve
from matching.assess import assess
from matching.model import Problem

EXAMPLES = int(__import__("os").environ.get("MATCHING_EXAMPLES", "80"))


@st.composite
def anchored(draw):
    cad, cls, sc, cons, prev, cfg = draw(instances())
    pairs = list(zip(sc.cadre_id, sc.class_id))
    anchor = sorted({p for p in pairs if draw(st.integers(0, 2)) == 0})
    return cad, cls, sc, cons, prev, cfg, previous(anchor)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anchored())
def test_anchor_keeps_the_most_pairs_then_the_best_objective(inst):
    cad, cls, sc, cons, prev, cfg, anchor = inst
    keep = set(zip(anchor.cadre_id, anchor.class_id))

    def key(pairs, w, val):
        return (len(set(pairs) & keep), val)

    expect = brute(cad, cls, sc, cons, prev, cfg, key=key)
    res = solve(MatchingInput(cad, cls, None, cons, sc, prev, anchor=anchor), cfg)
    if expect is None:
        assert res.status == "infeasible"
        return
    assert res.status == "optimal"
    got = set(zip(res.assignment.cadre_id, res.assignment.class_id))
    plain = Problem(MatchingInput(cad, cls, None, cons, sc, prev), cfg)      # the objective without the anchor
    value = sum((Fraction(int(plain.W[plain.ci[a], plain.cj[k]]), plain.scale) for a, k in got), Fraction(0))
    assert (len(got & keep), value) == expect
    if keep:
        assert res.report["anchor"]["kept"] == expect[0]


def _swap(pairs: list[tuple[str, str]], a: int, b: int) -> list[tuple[str, str]]:
    out = list(pairs)
    (x, cx), (y, cy) = out[a], out[b]
    out[a], out[b] = (x, cy), (y, cx)
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 10), st.integers(0, 10))
def test_a_swap_made_by_hand_is_what_the_anchored_re_solve_returns(inst, a, b):
    cad, cls, sc, cons, prev, cfg = inst
    base = solve(MatchingInput(cad, cls, None, cons, sc, prev), cfg)
    pairs = sorted(zip(base.assignment.cadre_id, base.assignment.class_id))
    if base.status != "optimal" or len(pairs) < 2:
        return
    a, b = a % len(pairs), b % len(pairs)
    if pairs[a][0] == pairs[b][0]:
        return
    swapped = _swap(pairs, a, b)
    locks = [{"type": "lock", "cadre_id": swapped[k][0], "class_id": swapped[k][1]} for k in (a, b)]
    rules = pd.concat([cons, constraints(locks)], ignore_index=True)
    inp = MatchingInput(cad, cls, None, rules, sc, prev, anchor=previous(pairs))
    made = assess(inp, cfg, swapped)
    if made.violations:
        return
    again = solve(inp, cfg)                 # the swap's rules, this answer's pairs kept first
    assert again.status == "optimal"
    assert sorted(zip(again.assignment.cadre_id, again.assignment.class_id)) == sorted(swapped)
    assert again.objective_exact == made.result.objective_exact
    assert list(again.assignment["score"]) == list(made.result.assignment["score"])


def test_an_anchor_never_changes_a_pairs_score():
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "5"), ("A", "Y", "1"), ("B", "X", "1"), ("B", "Y", "5")])
    inp = MatchingInput(cad, cls, None, None, sc, anchor=previous([("A", "Y"), ("B", "X")]))
    res = solve(inp, load_config(None))
    assert set(zip(res.assignment.cadre_id, res.assignment.class_id)) == {("A", "Y"), ("B", "X")}
    assert list(res.assignment["score"]) == [1.0, 1.0] and res.report["total_fit"] == 2.0
    assert res.report["anchor"]["kept"] == 2 and res.report["anchor"]["changed"] == 0
    assert dataclasses.replace(inp, anchor=None).anchor is None


def test_move_costs_of_an_anchored_answer_are_in_the_objectives_own_units():
    # A holds X (fit 5), B holds Y (fit 5); moving A to Y costs 8 (5+5 → 1+1) with or without the anchor
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "5"), ("A", "Y", "1"), ("B", "X", "1"), ("B", "Y", "5")])
    plain = solve(MatchingInput(cad, cls, None, None, sc), load_config(None))
    held = solve(MatchingInput(cad, cls, None, None, sc, anchor=previous([("A", "X"), ("B", "Y")])),
                 load_config(None))
    i, j = held.problem.ci["A"], held.problem.cj["Y"]
    assert plain.move_cost(i, [j]) == held.move_cost(i, [j]) == 8


def test_an_anchored_answer_reports_and_explains_in_the_objectives_own_units():
    # a manual move of A to Y (score 0): without the lock the kept answer is worth 9 more, not 9 + anchors
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "5"), ("A", "Y", "0"), ("B", "X", "1"), ("B", "Y", "5")])
    lock = constraints([{"type": "lock", "cadre_id": "A", "class_id": "Y", "reason": "手动调整"}])
    res = solve(MatchingInput(cad, cls, None, lock, sc, anchor=previous([("A", "X"), ("B", "Y")])),
                load_config(None))
    assert set(zip(res.assignment.cadre_id, res.assignment.class_id)) == {("A", "Y"), ("B", "X")}
    assert res.objective_plain == 1 and res.report["objective"] == 1.0
    why = res.verify_reasons()[(res.problem.ci["A"], res.problem.cj["Y"])]
    assert "+9" in why["zh"] and "+9" in why["en"], why
