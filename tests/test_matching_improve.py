"""The incumbent heuristic before the final MIPs (mip.improve, RINS): whatever it returns is an
assignment under every rule (`verify`), worth at least the incumbent it was given and at most the
optimum; and the solve's answer is the same optimum with or without it."""
from __future__ import annotations

import numpy as np
import pytest

from matching import load_config
from matching.bench import generate
from matching.colgen import lp_over_all_pairs
from matching.mip import Incumbent, improve, mip, price_and_branch
from matching.model import Problem
from matching.state import INT_TOL, Opts, _Solve, initial_pool
from matching.verify import verify

CFG = load_config(None)
# bench instances whose LP bound is above the optimum (the heuristic has something to do)
CASES = ((150, 800, 5), (150, 800, 9), (400, 3000, 0))


def _setup(n, m, seed):
    prob = Problem(generate(n, m, seed), CFG)
    S = _Solve(prob, Opts())
    lp = lp_over_all_pairs(S, initial_pool(S))
    return prob, S, lp


def _check(prob, S, inc: Incumbent):
    keys = np.sort(inc.keys)
    pairs = list(zip((keys // S.m).tolist(), (keys % S.m).tolist()))
    verify(prob, pairs, inc.value, S.space.weight)          # raises if any rule is broken
    assert inc.value == S.exact_value(keys // S.m, keys % S.m)


@pytest.mark.parametrize("case", CASES)
def test_improved_incumbent_meets_every_rule_and_is_no_worse(case, monkeypatch):
    import matching.mip as mip_mod
    from matching.solver import solve_core
    monkeypatch.setattr(mip_mod, "IMPROVE_MIN_POOL", 0)        # these pools are small: run it anyway
    prob, S, lp = _setup(*case)
    opt = solve_core(prob, Opts()).obj
    starts = [price_and_branch(S, lp)]
    # a weaker start too: the support MIP's answer with the LP's fractional pairs left out, if any
    whole = lp.duals.pool[lp.x > 1 - INT_TOL]
    weak = mip(S, np.union1d(whole, lp.duals.pool[lp.x > INT_TOL][:len(whole) // 2]))
    if weak is not None:
        starts.append(weak)
    for start in starts:
        assert start is not None
        out = improve(S, lp, start)
        _check(prob, S, out)
        assert start.value <= out.value <= opt


def test_no_incumbent_stays_none():
    _, S, lp = _setup(150, 800, 5)
    assert improve(S, lp, None) is None


@pytest.mark.parametrize("case", CASES[:2])
def test_same_optimum_without_the_heuristic(case, monkeypatch):
    import matching.mip as mip_mod
    import matching.solver as solver_mod
    from matching.solver import solve_core
    monkeypatch.setattr(mip_mod, "IMPROVE_MIN_POOL", 0)        # with it = it runs
    prob = Problem(generate(*case), CFG)
    with_it = solve_core(prob, Opts())
    monkeypatch.setattr(solver_mod, "improve", lambda S, lp, best: best)
    without = solve_core(prob, Opts())
    assert with_it.status == without.status == "optimal"
    assert with_it.obj == without.obj and with_it.bound == with_it.obj


def test_small_pools_skip_the_heuristic(monkeypatch):
    """Under IMPROVE_MIN_POOL pool pairs the incumbent goes to the final MIPs as it is: no MIP is run."""
    import matching.mip as mip_mod
    _, S, lp = _setup(400, 3000, 0)
    start = price_and_branch(S, lp)
    assert len(lp.duals.pool) < mip_mod.IMPROVE_MIN_POOL and start.value < lp.duals.bound - 1

    def no_mip(*a, **k):
        raise AssertionError("RINS ran a MIP on a small pool")
    monkeypatch.setattr(mip_mod, "mip", no_mip)
    assert improve(S, lp, start) is start
