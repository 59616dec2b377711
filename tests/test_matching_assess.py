"""matching.assess: a hand-made assignment checked against every hard rule, named at the pairs that
break it; an answer that holds becomes a MatchResult marked hand-made, equal in score to the solve's."""
from __future__ import annotations

import itertools

from test_matching_support import cadres, classes, constraints

from matching import MatchingInput, families, load_config, solve
from matching.assess import HAND_MADE, assess


def _inp(cons=()):
    cad = cadres([("A", "head", 1, "文学院"), ("B", "deputy", 1), ("C", "deputy", 1)])
    cls = classes([("k1", "理学院", True), ("k2", "文学院"), ("k3", "工学院"), ("k4", "工学院")])
    return MatchingInput(cad, cls, constraints=constraints(list(cons)))


def _cfg(**kw):
    return load_config(None).replace(**kw)


def test_every_family_names_the_pairs_that_break_it():
    # a family without culprits could only ever be reported for the whole file
    assert all(families.family(f).culprits is not None for f in families.FAMILIES)


def test_solver_answer_passes_and_scores_the_same():
    inp, cfg = _inp([{"type": "forbid", "cadre_id": "A", "class_id": "k3"}]), _cfg()
    res = solve(inp, cfg)
    given = list(zip(res.assignment["cadre_id"], res.assignment["class_id"]))
    verdict = assess(inp, cfg, given)
    assert verdict.violations == []
    assert verdict.result.report[HAND_MADE] is True and verdict.result.report["bound"] is None
    assert verdict.result.objective_exact == res.objective_exact
    assert verdict.result.assignment[["cadre_id", "class_id", "score"]].equals(res.assignment[["cadre_id", "class_id", "score"]])


def test_each_broken_rule_is_named_at_its_row():
    cons = [{"type": "forbid", "cadre_id": "B", "class_id": "k3", "reason": "亲属回避"},
            {"type": "lock", "cadre_id": "C", "class_id": "k4"}]
    inp, cfg = _inp(cons), _cfg(own_unit="forbid", priority="hard")
    # A → k2 is A's own college; B → k3 is forbidden; C → k1 breaks C's lock; k1 (priority) is covered
    verdict = assess(inp, cfg, [("A", "k2"), ("B", "k3"), ("C", "k1")])
    by_row = {(v.rows, v.zh.split("：")[0]) for v in verdict.violations}
    assert ((0,), "违反规则") in by_row
    texts = {v.rows: v.zh for v in verdict.violations}
    assert "亲属回避" in texts[(1,)] and "锁定" in texts[(2,)]
    assert any("本单位" in v.zh and v.rows == (0,) for v in verdict.violations)
    assert verdict.result is None


def test_capacity_priority_and_shape_problems():
    inp, cfg = _inp(), _cfg(priority="hard")
    verdict = assess(inp, cfg, [("A", "k2"), ("B", "k2"), ("B", "k3"), ("X", "k9")])
    got = [(v.rows, v.column, v.value) for v in verdict.violations]
    assert ((3,), "cadre_id", "X") in got and ((3,), "class_id", "k9") in got        # unknown ids
    assert ((0, 1), "class_id", "k2") in got                                         # two advisers
    assert ((1, 2), "cadre_id", "B") in got                                          # capacity 1, given 2
    assert ((), "cadre_id", "C") in got                                              # capacity 1, given 0
    assert ((), "class_id", "k1") in got                                             # priority uncovered


def test_brute_force_every_assignment_passes_exactly_when_every_rule_holds():
    """Oracle: on a small instance, assess accepts exactly the assignments the family predicates accept."""
    cons = [{"type": "forbid", "cadre_id": "A", "class_id": "k3"},
            {"type": "college_quota", "college": "工学院", "max": 1}]
    inp, cfg = _inp(cons), _cfg(own_unit="forbid", priority="hard")
    solved = solve(inp, cfg)
    prob = solved.problem
    for js in itertools.permutations(range(prob.m), prob.n):
        pairs = list(zip(range(prob.n), js))
        given = [(prob.cadre_ids[i], prob.class_ids[j]) for i, j in pairs]
        ok = not families.broken(prob.rules, prob, pairs)
        verdict = assess(inp, cfg, given)
        assert (verdict.result is not None) == ok, given
        if ok:
            assert verdict.result.objective_exact <= solved.objective_exact
