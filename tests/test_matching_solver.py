"""Solver plumbing: public HiGHS bindings, cancel inside a MIP, the post-solve check, exact scaling."""
from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from test_matching_support import cadres, classes, constraints, scores

from matching import InputError, MatchingInput, load_config, solve
from matching.highs import Cancelled, Model
from matching.model import Problem
from matching.scaling import scale_scores
from matching.verify import VerificationError, verify

ROOT = Path(__file__).resolve().parents[1]
CFG = load_config(None)


def test_only_public_highs_bindings():
    for f in (ROOT / "matching").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        assert "_highspy" not in text and "highspy._core" not in text, f.name


def _hard_knapsack(cancel, seconds: float) -> Model:
    rng = np.random.default_rng(1)
    n, m = 300, 30
    A = rng.integers(1, 100, size=(m, n)).astype(float)
    model = Model(seed=0, threads=1, deadline=time.perf_counter() + seconds, cancel=cancel)
    model.load(rng.integers(1, 100, size=n).astype(float), np.zeros(n), np.ones(n), sp.csc_matrix(A),
               np.full(m, -np.inf), A.sum(axis=1) / 3, integer=True)
    return model


def test_hard_mip_takes_several_seconds_without_cancel():
    # the instance of the cancel test below really is slow: 3 s pass without an answer
    t = time.perf_counter()
    assert _hard_knapsack(None, 3.0).run() == "time_limit"
    assert time.perf_counter() - t >= 2.9


def test_cancel_stops_a_running_mip_within_a_second():
    """The engine's MIPs all run through highs.Model: a cancel set while one is running stops it."""
    ev = threading.Event()
    model = _hard_knapsack(ev, 30.0)
    threading.Timer(0.5, ev.set).start()
    t = time.perf_counter()
    with pytest.raises(Cancelled):
        model.run()
    assert time.perf_counter() - t < 1.5          # set at 0.5 s, stopped within a second of it


def test_cancel_during_a_solve_returns_within_a_second():
    from matching.bench import generate
    inp = generate(600, 5000, 3, n_colleges=10)     # ~1 s to solve: long enough to be cancelled
    cancelled = 0
    for delay in (0.1, 0.3):
        ev = threading.Event()
        threading.Timer(delay, ev.set).start()
        t = time.perf_counter()
        res = solve(inp, CFG, cancel=ev)
        if res.status == "cancelled":
            cancelled += 1
            assert time.perf_counter() - t < delay + 1.0
    assert cancelled                      # the solve takes longer than 0.1 s: at least one was stopped


def test_verify_catches_a_broken_answer():
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "乙院")])
    sc = scores([("A", "X", "9"), ("A", "Y", "3"), ("B", "X", "8"), ("B", "Y", "5")])
    cons = constraints([{"type": "lock", "cadre_id": "B", "class_id": "X"}])
    prob = Problem(MatchingInput(cad, cls, None, cons, sc), CFG.replace(priority="off"))
    w = (lambda I, J: prob.W[I, J])
    good = [(0, 1), (1, 0)]                           # A-Y, B-X: the lock holds
    verify(prob, good, 3 * prob.scale + 8 * prob.scale, w)
    with pytest.raises(VerificationError, match="lock"):
        verify(prob, [(0, 0), (1, 1)], 14 * prob.scale, w)        # A-X breaks B's lock
    with pytest.raises(VerificationError, match="more than one adviser"):
        verify(prob, [(0, 0), (1, 0)], 17 * prob.scale, w)
    with pytest.raises(VerificationError, match="objective"):
        verify(prob, good, 12 * prob.scale, w)
    with pytest.raises(VerificationError, match="capacity"):
        verify(prob, [(1, 0)], 8 * prob.scale, w)


def test_vectorised_scaling_is_exact():
    ints, D, bad = scale_scores(["1.004", "-2.25", "3", ".5", "-0.125", "1e-3", "7.10"], [Fraction(5), Fraction(2)])
    assert not bad
    got = [Fraction(int(x), D) for x in ints]
    assert got == [Fraction("1.004"), Fraction("-2.25"), 3, Fraction(1, 2), Fraction(-1, 8), Fraction(1, 1000),
                   Fraction("7.1")]
    assert D == 1000
    _, _, bad = scale_scores(["1.5", "abc", "nan"], [])
    assert [r for r, _ in bad] == [1, 2]
    with pytest.raises(OverflowError):
        scale_scores(["12345678901234567.5", "0.000000000000000001"], [])


def test_scores_file_problems_are_listed():
    cad = cadres([("A", "head", 1)])
    cls = classes([("X", "甲院")])
    sc = scores([("A", "X", "1.5"), ("A", "X", "2"), ("Q", "X", "1")])
    with pytest.raises(InputError) as e:
        solve(MatchingInput(cad, cls, scores=sc), CFG)
    msg = e.value.message("en")
    assert "scores row 2: duplicates row 1" in msg and "scores row 3: cadre_id 'Q'" in msg
    bad = scores([("A", "X", "1.5")])
    bad["score_text"] = ["one"]
    with pytest.raises(InputError, match="not a number"):
        solve(MatchingInput(cad, cls, scores=bad), CFG)


def test_changing_thread_count_between_solves():
    from matching.bench import generate
    inp = generate(30, 90, 4, n_colleges=4)
    objs = {solve(inp, CFG.replace(workers=w)).objective_exact for w in (1, 2, 3)}
    assert len(objs) == 1


def test_bounded_pricing_equals_a_full_pass(monkeypatch):
    """Explanations price only what stored row bounds cannot rule out; that must give exactly what a
    full pass over every pair gives: the bound's Σ max(0, rc), the new pairs and the kept pairs."""
    import copy

    from matching import colgen
    from matching.bench import generate
    from matching.state import _prices
    monkeypatch.setattr(colgen, "BOUNDED_MAX_SHARE", 2.0)          # never fall back to a full pass here
    res = solve(generate(60, 300, 5, n_colleges=5), CFG)
    S0, lp = res.core.solve, res.core.lp
    checked = 0
    for i, j in [(a, b) for a, b in res.core.pairs[:6]] + [(3, 7), (10, 200), (25, 31)]:
        j = (j + 11) % S0.m                                       # a class the cadre does not have
        key = i * S0.m + j
        if not np.isfinite(S0.space.weight(np.array([i]), np.array([j])))[0] or j in S0.lock_keys % S0.m:
            continue
        S = copy.copy(S0)
        S.lock_keys = np.union1d(S0.lock_keys, [key]).astype(np.int64)
        if not lp.in_model(np.array([i]), np.array([j]))[0]:
            lp.add(np.array([i]), np.array([j]))
        col = int(lp.xcol[np.flatnonzero(lp.I * S.m + lp.J == key)[0]])
        lp.model.h.changeColBounds(col, 1.0, 1.0)
        try:
            duals = lp.solve()
            if duals is None:
                continue
            P = _prices(S, duals[0], lp.link_keys, duals[1])
            for gap in (None, 0.5, 3.0 * res.problem.scale):
                full = S.space.price(P, S.lock_keys, collect=5, in_model=lp.in_model, tol=1e-7, keep_gap=gap)
                bounded = colgen._bounded_pass(S, lp, P, 5, 1e-7, gap)
                assert bounded is not None
                assert abs(bounded.bound_part - full.bound_part) < 1e-6
                assert set(zip(bounded.new_I.tolist(), bounded.new_J.tolist())) == \
                    set(zip(full.new_I.tolist(), full.new_J.tolist()))
                if gap is not None:
                    assert set(zip(bounded.kept_I.tolist(), bounded.kept_J.tolist())) == \
                        set(zip(full.kept_I.tolist(), full.kept_J.tolist()))
                checked += 1
        finally:
            lp.model.h.changeColBounds(col, 0.0, 1.0)
    assert checked >= 6


# Instances of the bench's generator whose LP bound is above the optimum (150×800, seeds 5 and 9): the
# final MIP of reduced-cost fixing runs, with pairs fixed to 1 by their reduced cost.
GAP_SEEDS = (5, 9)


def _gap_problem(seed):
    from matching.bench import generate
    return Problem(generate(150, 800, seed), CFG)


@pytest.mark.parametrize("seed", GAP_SEEDS)
def test_pairs_fixed_by_reduced_cost_are_in_every_optimal_answer(seed):
    """The claim behind fixing to 1: an answer worth Z keeps every pair with rc > UB + slack − Z and
    uses none with rc < −(UB + slack − Z) (locks aside: the bound counts their rc whatever its sign).
    Checked on every allowed pair against the optimal answer."""
    from matching.solver import Opts, solve_core
    from matching.state import _prices, _rc
    core = solve_core(_gap_problem(seed), Opts())
    S, d = core.solve, core.duals
    assert core.status == "optimal" and d.bound > core.obj     # the instance has a gap: the MIP ran
    P = _prices(S, d.lam, d.link_keys, d.link_mu)
    keys = np.arange(S.prob.n * S.m, dtype=np.int64)
    keys = keys[np.isfinite(S.space.weight(keys // S.m, keys % S.m)) & ~np.isin(keys, S.lock_keys)]
    rc = _rc(S, P, keys)
    g = d.bound + S.slack - core.obj
    chosen = np.isin(keys, [i * S.m + j for i, j in core.pairs])
    assert (rc > g).any()                                        # the fixing has something to fix
    assert chosen[rc > g].all()
    assert not (chosen & (rc < -g)).any()


@pytest.mark.parametrize("seed", GAP_SEEDS)
def test_final_mip_paths_reach_the_same_optimum(seed, monkeypatch):
    """Halfway MIP first (always / never) and no fixing to 1 at all: one optimum, proven each time."""
    import matching.mip as mip_mod
    from matching.solver import Opts, solve_core
    prob = _gap_problem(seed)
    plain_fixed = mip_mod._fixed_mip

    def no_fixing(S, keys, rc, g, best):
        return mip_mod.mip(S, keys[rc >= -(g + S.slack)], best)

    objs = []
    for share, fixed in ((mip_mod.HALF_MIP_SHARE, plain_fixed), (1.0, plain_fixed), (0.0, plain_fixed),
                         (0.0, no_fixing)):
        monkeypatch.setattr(mip_mod, "HALF_MIP_SHARE", share)
        monkeypatch.setattr(mip_mod, "_fixed_mip", fixed)
        core = solve_core(prob, Opts())
        assert core.status == "optimal" and core.bound == core.obj
        objs.append(core.obj)
    assert len(set(objs)) == 1, objs


@pytest.mark.parametrize("own_unit", ["forbid", "prefer"])
def test_pair_space_without_a_weights_copy_matches_pair_by_pair(own_unit):
    """The pair space keeps the problem's weights and prices out excluded pairs (own college, forbids,
    capacity 0): its count, weights and pricing agree with checking every pair on its own."""
    from matching.bench import explicit_scores, generate
    from matching.solver import Opts
    from matching.state import _prices, _rc, _Solve
    for inp in (generate(80, 300, 2), explicit_scores(40, 120)):
        prob = Problem(inp, CFG.replace(own_unit=own_unit))
        S = _Solve(prob, Opts())
        keys = np.arange(prob.n * prob.m, dtype=np.int64)
        I, J = keys // prob.m, keys % prob.m
        allowed = np.isfinite(prob.W[I, J]) & (prob.cap[I] > 0)
        if own_unit == "forbid":
            allowed &= prob.unit_col[I] != prob.col[J]
        for r in prob.rules:
            if r.family == "forbid":
                allowed &= ~((I == r.i) & ((J == r.j) if r.j >= 0 else (prob.col[J] == r.c)))
        assert S.total_pairs == int(allowed.sum())
        assert (np.isfinite(S.space.weight(I, J)) == allowed).all()
        lam = np.random.default_rng(0).normal(size=S.rows.count)
        P = _prices(S, lam, np.zeros(0, np.int64), np.zeros(0))
        rc = np.concatenate([R.copy() for _, R in S.space._blocks(P, False)])
        assert (np.isfinite(rc) == allowed).all()
        np.testing.assert_allclose(rc[allowed], _rc(S, P, keys[allowed]), rtol=0, atol=1e-9)


def test_final_mip_out_of_time_is_not_called_optimal(monkeypatch):
    """A final MIP stopped by the time limit proves nothing: the answer is the best found, status
    "feasible" with the LP bound — even when that answer came from an earlier MIP that was optimal over
    its own (fewer) pairs. (Seen on L seed 1 under load: the pool MIP's 99187 came back "optimal", the
    optimum is 99189.)"""
    import dataclasses

    import matching.mip as mip_mod
    from matching.solver import Opts, solve_core
    calls = []

    def out_of_time(S, keys, rc, g, best):
        calls.append(g)
        return dataclasses.replace(best, proven=False) if best is not None else None

    monkeypatch.setattr(mip_mod, "_fixed_mip", out_of_time)
    core = solve_core(_gap_problem(GAP_SEEDS[0]), Opts())
    assert calls, "the instance must reach the final MIP"
    assert core.status == "feasible"
    assert core.bound > core.obj


@pytest.mark.parametrize("own_unit", ["forbid", "prefer"])
def test_priority_classes_best_cadres_join_the_initial_pool(own_unit):
    """Each priority class's PRIORITY_EXTRA best allowed cadres are in the initial pool (so the first LP
    covers it without an artificial column): checked against the weights pair by pair, forbids,
    capacity 0 and own college included."""
    from matching.bench import generate
    from matching.solver import Opts
    from matching.state import PRIORITY_EXTRA, _Solve, initial_pool
    prob = Problem(generate(80, 300, 2), CFG.replace(own_unit=own_unit, priority="hard"))
    S = _Solve(prob, Opts())
    js = np.flatnonzero(prob.priority)
    assert len(js) and (prob.cap == 0).any() and any(r.family == "forbid" for r in prob.rules)
    cols = S.space.class_columns(js)
    I = np.repeat(np.arange(prob.n), len(js))
    J = np.tile(js, prob.n)
    np.testing.assert_array_equal(cols.ravel(), S.space.weight(I, J))
    pool = set(initial_pool(S).tolist())
    for k, j in enumerate(js):
        w = np.where(prob.cap > 0, cols[:, k], -np.inf)
        ok = np.flatnonzero(np.isfinite(w))
        kth = np.sort(w[ok])[::-1][min(PRIORITY_EXTRA, len(ok)) - 1]
        must = ok[w[ok] > kth]                   # strictly better than the k-th: always in (ties may go either way)
        assert {int(i) * prob.m + int(j) for i in must} <= pool
        got = [i for i in range(prob.n) if i * prob.m + int(j) in pool and np.isfinite(w[i])]
        assert len(got) >= min(PRIORITY_EXTRA, len(ok))
    assert not any(np.isinf(S.space.weight(np.array([q // prob.m]), np.array([q % prob.m])))[0] for q in pool)


def test_pricing_in_threads_equals_one_thread_bit_for_bit(monkeypatch):
    """A dense pricing pass split over two threads returns exactly what one thread returns: the bound's
    sums (block order kept), the collected pairs, the row bounds and the kept pairs."""
    import matching.space as space_mod
    from matching.bench import generate
    from matching.solver import Opts
    from matching.state import _prices, _Solve, initial_pool
    monkeypatch.setattr(space_mod, "BLOCK_ENTRIES", 20_000)
    outs = []
    for workers in (1, 2):
        prob = Problem(generate(200, 1200, 3), CFG.replace(workers=workers))
        S = _Solve(prob, Opts())
        assert len(S.space._chunks()) >= 2 * space_mod.PARALLEL_MIN_BLOCKS
        lam = np.random.default_rng(1).normal(size=S.rows.count)
        P = _prices(S, lam, np.zeros(0, np.int64), np.zeros(0))
        pool = initial_pool(S)
        in_pool = np.zeros((prob.n, prob.m), dtype=bool)
        in_pool[pool // prob.m, pool % prob.m] = True
        rows = np.arange(3, prob.n, 2)
        outs.append([S.space.price(P, S.lock_keys, collect=5, in_model=lambda i, j, p=in_pool: p[i, j], tol=-0.5,
                                   keep_gap=0.3, rows=r) for r in (None, rows)])
    for one, two in zip(*outs):
        assert one.bound_part == two.bound_part
        for f in ("new_I", "new_J", "new_rc", "kept_I", "kept_J", "row_bound"):
            np.testing.assert_array_equal(getattr(one, f), getattr(two, f))
    assert len(outs[0][0].new_I) and len(outs[0][0].kept_I) and len(outs[0][1].new_I)


def test_distinct_rows_of_college_prices():
    """Cadres with the same college prices share one row of prices (inf included), first seen first."""
    from matching.state import _distinct_rows
    G = np.array([[1.0, np.inf], [0.5, 2.0], [1.0, np.inf], [0.5, 2.0], [3.0, 0.0]])
    Gu, group = _distinct_rows(G)
    assert group.tolist() == [0, 1, 0, 1, 2]
    np.testing.assert_array_equal(Gu[group], G)
    Gu, group = _distinct_rows(np.zeros((0, 3)))
    assert Gu.shape == (0, 3) and group.shape == (0,)


def test_large_arrays_on_ordinary_pages_behave_like_numpy_arrays():
    """matching.memory: zeros/empty/copy give writable arrays of the shape and dtype asked (large ones
    backed by a memory map of their own), equal to numpy's."""
    import mmap as mmap_mod

    from matching import memory
    seen = set()
    for shape, dtype in (((3, 4), np.float64), ((1200, 1000), np.float64), ((2000, 4100), np.int16),
                         ((3000, 3000), bool), ((3000, 3000), np.float64)):
        a = memory.zeros(shape, dtype)
        assert a.shape == shape and a.dtype == dtype and a.flags.writeable and not a.any()
        b, mapped = a, False
        while b is not None and not mapped:
            mapped = isinstance(b, memoryview) and isinstance(b.obj, mmap_mod.mmap)
            b = getattr(b, "base", None)
        assert mapped == (a.nbytes >= memory.LARGE)
        seen.add(mapped)
        a[-1, -1] = 1
        b = memory.copy(a)
        np.testing.assert_array_equal(a, b)
        b[0, 0] = 1
        assert a[0, 0] == 0
    assert seen == {True, False}
    rng = np.random.default_rng(0)
    for n, k, m in ((5, 3, 7), (700, 40, 3100)):                       # small, and large (17 MB) in 2 threads
        F, idx = rng.normal(size=(n, k)), rng.integers(0, k, m)
        np.testing.assert_array_equal(memory.take_columns(F, idx, workers=2), F[:, idx])
