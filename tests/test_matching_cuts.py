"""Valid inequalities of the model (rows.py, cap-link rows Σ_{j∈c} x_ij ≤ cap_i · y_ic): they cut off
no assignment that meets the rules, and they tighten the LP bound where capacity-2 cadres meet counting
rules."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from test_matching_exact import instances

import matching.rows as rows_mod
from matching import MatchingInput, families
from matching.model import Problem
from matching.state import Opts, _Solve


def _rule_meeting_assignments(prob: Problem, S: _Solve):
    """Every assignment (class → nobody | cadre) over allowed pairs that meets capacity, priority
    and every constraint row (each family's `holds`): the integer points the model must keep."""
    n, m = prob.n, prob.m
    rules = [r for r in prob.rules if r.ref["kind"] == "constraint"]
    for choice in itertools.product([-1, *range(n)], repeat=m):
        pairs = [(i, j) for j, i in enumerate(choice) if i >= 0]
        if pairs and not np.isfinite(S.space.weight(*map(np.array, zip(*pairs)))).all():
            continue
        if np.bincount([i for i, _ in pairs], minlength=n).tolist() != prob.cap.tolist():
            continue
        if S.rows.priority_hard and any(prob.priority[j] and choice[j] < 0 for j in range(m)):
            continue
        if all(families.family(r.family).holds(r, prob, set(pairs)) for r in rules):
            yield pairs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_cap_link_rows_cut_off_no_assignment_that_meets_the_rules(inst):
    """Every rule-meeting assignment, with y_ic = 1 exactly when cadre i advises a class of college c,
    meets every static row — the cap-link rows included (brute force over all assignments)."""
    cad, cls, sc, cons, prev, cfg = inst
    prob = Problem(MatchingInput(cad, cls, None, cons, sc, prev), cfg)
    S = _Solve(prob, Opts())
    rows = S.rows
    checked = 0
    for pairs in _rule_meeting_assignments(prob, S):
        if cfg.change_budget is not None:
            continue                                  # the budget row is not a cut: out of scope here
        I = np.array([i for i, _ in pairs], dtype=np.int64)
        J = np.array([j for _, j in pairs], dtype=np.int64)
        prevf = np.isin(I * prob.m + J, prob.prev_keys)
        y = np.zeros(rows.ny)
        if len(I):
            yk = rows.y_index[I, prob.col[J]]
            y[yk[yk >= 0]] = 1.0
        Ax = rows.x_matrix(I, J, prevf) @ np.ones(len(I)) + rows.y_matrix() @ y
        assert (Ax <= rows.hi + 1e-9).all() and (Ax >= rows.lo - 1e-9).all()
        cl = rows.caplink_row
        assert (Ax[cl] <= 0).all()
        checked += 1
    assert checked >= 0


def _lp_bound(prob: Problem) -> float:
    from matching.colgen import lp_over_all_pairs
    from matching.state import initial_pool
    S = _Solve(prob, Opts())
    return lp_over_all_pairs(S, initial_pool(S)).duals.bound


def test_cap_link_rows_tighten_the_lp_bound(monkeypatch):
    """A capacity-2 cadre spread as 2/3 over three classes of a college counted 2/3 against a level cap:
    on the bench's M instance (seed 0) the cap-link rows lower the LP bound, never below the optimum."""
    from matching.bench import generate
    from matching.config import load_config
    from matching.solver import solve_core
    prob = Problem(generate(400, 3000, 0), load_config(None))
    with_cuts = _lp_bound(prob)
    monkeypatch.setattr(rows_mod, "CAP_LINK_ROWS", False)
    without = _lp_bound(prob)
    monkeypatch.setattr(rows_mod, "CAP_LINK_ROWS", True)
    opt = solve_core(prob, Opts()).obj
    assert opt <= with_cuts + 1e-6
    assert with_cuts < without - 0.5


def test_bound_kept_after_a_cut_that_leaves_the_lp_worth_as_much(monkeypatch):
    """After cap-link rows are switched on, an LP worth as much as before keeps the last pass's bound
    (no new pricing pass): on bench instances where cuts happen the bound and the answer
    equal those of pricing again, and a cut that lowers the LP is priced again (the shortcut declines)."""
    from matching import colgen
    from matching.bench import generate
    from matching.config import load_config
    from matching.solver import solve_core
    from matching.state import initial_pool

    calls = []
    real = colgen._same_bound_after_cut

    def spy(*a):
        out = real(*a)
        calls.append(out is not None)
        return out

    seen = set()
    for seed in (5, 6, 7):
        prob = Problem(generate(200, 1200, seed), load_config(None))
        monkeypatch.setattr(colgen, "_same_bound_after_cut", spy)
        S = _Solve(prob, Opts())
        kept = colgen.lp_over_all_pairs(S, initial_pool(S))
        core = solve_core(prob, Opts())
        monkeypatch.setattr(colgen, "_same_bound_after_cut", lambda *a: None)
        S = _Solve(prob, Opts())
        priced = colgen.lp_over_all_pairs(S, initial_pool(S))
        again = solve_core(prob, Opts())
        assert abs(kept.duals.bound - priced.duals.bound) < 1e-6 * (1 + abs(priced.duals.bound))
        assert (core.status, core.obj) == (again.status, again.obj)
        seen.update(calls)
        calls.clear()
    assert seen == {True, False}          # both ways were taken on these instances
