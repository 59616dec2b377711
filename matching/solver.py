"""Exact solver: column generation over all pairs, Lagrangian bound, reduced-cost fixing, final MIP.

The model is in rows.py; shared data and tolerances in state.py. `solve_core` runs five named phases
(state.initial_pool, colgen.column_generation, the bound at its end, mip.price_and_branch with
mip.reduced_cost_fixing, and mip.mip for every MIP):

1. initial_pool        every cadre's cap_i + POOL_EXTRA best classes, previous pairs, locks, required
                       pairs (or the pool and multipliers of an earlier solve: `Opts.warm`).
2. column_generation   HiGHS LP over the pool; every allowed pair is priced (space.PairSpace.price)
                       and the ADD_PER_CADRE best pairs per cadre with reduced cost > PRICE_TOL join;
                       rounds between dense passes price only the core the last pass kept; it ends
                       with a dense pass that adds nothing [1]; cap-link rows (rows.py) the LP
                       optimum violates are then switched on and pricing goes on (separation [4]).
                       Artificial columns keep each LP feasible; if any stays positive, phase 1 over
                       all pairs decides feasibility.
3. bound               for the final multipliers λ (sign-correct), every assignment is worth at most
                       UB = λ·b + Σ_pairs max(0, rc_ij) + Σ_y max(0, rc_y)   (locks: rc, not max)
                       [2]; objective values are integers, so none exceeds T = ⌊UB + slack⌋.
4. reduced-cost fixing a pair with rc_ij < −g lowers that bound by more than g: it cannot be in any
                       assignment worth ≥ UB − g; one with rc_ij > g must be in every such assignment
                       [3]. If the LP optimum is integral and worth T: done. Else "price and branch":
                       a MIP over the LP's support; only if it has no solution, over the pool pairs
                       an assignment worth T may use; reaching T proves optimality.
5. final MIPs          otherwise, with the best value Z found, a bisection on the value V between Z and
                       T: MIP(V) keeps the pairs with rc ≥ −g and fixes those with rc > g (g = UB +
                       slack − V); worth ≥ V is optimal, below V (or none) proves T ≤ V − 1. Without
                       any Z, g grows ×4 until a MIP has a solution (or holds every pair, nothing
                       fixed) — the only loop (mip.reduced_cost_fixing).

Tie rule: objective values are integers (model.py scales every weight exactly), so an assignment worth
T = ⌊UB + slack⌋ is optimal; among optimal assignments the one returned is HiGHS's answer with a fixed
seed, on models built in id order — the same input gives the same answer.

[1] Desrosiers & Lübbecke, "A primer in column generation", in Column Generation (Springer 2005).
[2] Geoffrion, "Lagrangean relaxation for integer programming", Math. Prog. Study 2 (1974) 82–114.
[3] Crowder, Johnson & Padberg, "Solving large-scale zero-one linear programming problems",
    Operations Research 31 (1983) 803–834 (reduced-cost fixing).
[4] Wolsey, Integer Programming (Wiley 1998), §9.6 (separation; aggregated vs disaggregated links).
[5] Danna, Rothberg & Le Pape, "Exploring relaxation induced neighborhoods to improve MIP solutions",
    Math. Prog. 102 (2005) 71–90 (RINS).
"""
from __future__ import annotations

import copy
import dataclasses
import math
import time

import numpy as np

from .colgen import LPResult, column_generation, lp_over_all_pairs
from .highs import Cancelled
from .mip import Incumbent, improve, price_and_branch, reduced_cost_fixing  # noqa: F401  (Incumbent: re-export)
from .model import Problem
from .state import INT_TOL, Core, Duals, Opts, _check, _prices, _rc, _Solve, initial_pool
from .verify import verify

__all__ = ["Cancelled", "Core", "Duals", "Opts", "move", "prove", "solve_core"]

# ====================================================================== the whole solve
def solve_core(prob: Problem, opts: Opts) -> Core:
    t0 = time.perf_counter()
    _check(opts, 0.0, "建立模型 / building the model")
    S = _Solve(prob, opts)
    if not S.locks_possible() or any(not len(S._allowed(i * S.m + js)) for _, i, js in S.rows.requires):
        return Core("infeasible", [])
    if opts.warm is not None:
        lp = _warm_lp(S, opts.warm)
    else:
        lp = lp_over_all_pairs(S, initial_pool(S))
    if lp is None:
        return Core("infeasible", [], phase_seconds={"lp": time.perf_counter() - t0})
    core = prove(S, lp, {"lp": time.perf_counter() - t0})
    core.solve = S
    return core


def prove(S: _Solve, lp: LPResult, ph: dict) -> Core:
    """Phases 3–5 on a finished LP: bound, integral LP, price and branch, reduced-cost fixing."""
    t0 = time.perf_counter()
    UB, T = lp.duals.bound, math.floor(lp.duals.bound + S.slack)
    _check(S.opts, 0.65, "整数解 / integer solution")
    pool = lp.I * S.m + lp.J
    if lp.x is not None and _integral(lp.x) and _integral(lp.y):
        sel = np.round(lp.x) == 1
        Z = S.exact_value(lp.I[sel], lp.J[sel])
        if Z >= T:
            return _core(S, "optimal", pool[sel], Z, lp, S.total_pairs - len(pool), True, ph)
    best = improve(S, lp, price_and_branch(S, lp))
    kept = len(np.unique(pool))
    if best is None or best.value < T:
        best, kept = reduced_cost_fixing(S, lp.prices, UB, best)
        if best is None:
            return Core("infeasible", [], iterations=lp.rounds)
    ph["mip"] = time.perf_counter() - t0
    status = "optimal" if best.proven else "feasible"
    return _core(S, status, best.keys, best.value, lp, S.total_pairs - kept, False, ph)


def move(core: Core, i: int, j: int, time_limit: float) -> Core:
    """Exact re-solve of a finished solve with pair (i, j) forced, from its warm LP: the pair's column
    is fixed to 1 (like a lock) and column generation continues from the optimal basis, so the new
    multipliers give a tight bound at the cost of a few simplex pivots and pricing passes."""
    S0, lp = core.solve, core.lp
    key = i * S0.m + j
    if not np.isfinite(S0.space.weight(np.array([i]), np.array([j])))[0]:
        return Core("infeasible", [])
    S = copy.copy(S0)
    S.opts = dataclasses.replace(S0.opts, requires=((i, np.array([j])),), progress=None, cancel=None, last=[0.0])
    S.lock_keys = np.union1d(S0.lock_keys, [key]).astype(np.int64)
    S.deadline = time.perf_counter() + time_limit
    if len(np.unique(S.lock_keys % S.m)) < len(S.lock_keys):
        return Core("infeasible", [])              # the class is locked to someone else
    lp.S, lp.model.deadline, S.warm_lp = S, S.deadline, lp
    if not lp.in_model(np.array([i]), np.array([j]))[0]:
        lp.add(np.array([i]), np.array([j]))
    col = int(lp.xcol[np.flatnonzero(lp.I * S.m + lp.J == key)[0]])
    lp.set_bounds(col, 1.0, 1.0)
    try:
        out = column_generation(S, None, lp=lp, bounded=True)
        if out is None or out.artificial > INT_TOL:
            return Core("infeasible", [])
        return prove(S, out, {})
    finally:
        lp.set_bounds(col, 0.0, 1.0)
        lp.S = S0


def _integral(v) -> bool:
    return bool(np.all(np.abs(v - np.round(v)) < INT_TOL))


def _core(S: _Solve, status, keys, Z, lp: LPResult, pruned, integral, ph) -> Core:
    keys = np.sort(np.asarray(keys, dtype=np.int64))
    pairs = list(zip((keys // S.m).tolist(), (keys % S.m).tolist()))
    o = S.opts
    verify(S.prob, pairs, int(Z), S.space.weight, disabled=o.disabled, requires=o.requires, rank_max=o.rank_max,
           min_fit=o.min_fit)
    bound = float(Z) if status == "optimal" else lp.duals.bound
    return Core(status, pairs, int(Z), bound, int(max(pruned, 0)), integral, lp.rounds, lp.duals.pool, ph,
                lp.duals, lp=lp.model)


def _warm_lp(S: _Solve, warm: Duals) -> LPResult:
    """No column generation: the multipliers of an earlier solve of the same pairs and rules give a
    valid bound here too; a require row (multiplier 0) lowers it to UB + min(0, max_{j∈J_i} rc_ij)."""
    lam = np.concatenate([warm.lam, np.zeros(S.rows.count - len(warm.lam))])
    P = _prices(S, lam, warm.link_keys, warm.link_mu)
    UB = warm.bound
    for _, i, js in S.rows.requires:
        keys = S._allowed(i * S.m + js)
        UB += min(0.0, float(_rc(S, P, keys).max(initial=-np.inf))) if len(keys) else -np.inf
    pool = np.unique(np.concatenate([warm.pool, S.required_keys, S.lock_keys]))
    d = Duals(lam, warm.link_keys, warm.link_y, warm.link_mu, UB, pool)
    return LPResult(pool // S.m, pool % S.m, None, None, 0.0, d, P, 0)

