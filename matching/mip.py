"""Phases 4–5: price and branch, reduced-cost fixing and the final MIP (see solver.py)."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sp

from .colgen import LPResult, full_or_bounded_pass
from .highs import INF
from .space import Prices
from .state import INT_TOL, _check, _rc, _Solve


# ====================================================================== phases 4–5: MIP with reduced-cost fixing
@dataclasses.dataclass
class Incumbent:
    value: int
    keys: np.ndarray
    proven: bool               # optimal over the pairs of its MIP


# HiGHS presolve, measured (matching/README.md): 20× faster on small MIPs (L support MIP: 0.04 s against
# 0.7 s) but slower on the larger final MIPs. With feasibility jump off (highs.py), M seed 0's final MIP
# (4,314 pairs) took 0.080 s with presolve and 0.055 s without; the whole M solve (fastest of 3, seeds
# 0/1/2/10/19/5/9/16) 0.240/0.117/0.109/0.140/0.189/0.108/0.119/0.114 s with the limit at 5,000 pairs,
# 0.196/0.120/0.114/0.145/0.182/0.111/0.119/0.114 s at 2,000 (1,000 and 3,000 alike; 0 slowed the small
# MIPs); L seeds 0/1/2 unchanged. Used below this many pairs.
MIP_PRESOLVE_MAX_PAIRS = 2000


def mip(S: _Solve, keys, start: Incumbent | None = None, ones=None) -> Incumbent | None:
    """Exact MIP (HiGHS) over the given pairs (plus locks and required pairs), all y, the static rows
    and the pairs' link rows. A class row with at most one of these pairs is only the bound x ≤ 1
    and is left out unless it is an equality (priority class). Pairs in `ones` are fixed to 1 like
    locks, and the other pairs of their classes (and of their cadres with capacity 1) are left out.
    `start` is given to HiGHS only when it is a solution of this MIP."""
    rows, m = S.rows, S.m
    keys = np.unique(np.concatenate([keys, S.lock_keys, S.required_keys]).astype(np.int64))
    fixed = S.lock_keys
    if ones is not None and len(ones):
        fixed = np.union1d(S.lock_keys, ones)
        fI, fJ = fixed // m, fixed % m
        full = fI[S.prob.cap[fI] == 1]
        I, J = keys // m, keys % m
        keys = np.union1d(keys[~(np.isin(J, fJ) | np.isin(I, full))], fixed)
    I, J = keys // m, keys % m
    nx, ny = len(keys), rows.ny
    X = rows.x_matrix(I, J, np.isin(keys, S.prob.prev_keys))
    pos, yk = rows.links(I, J)
    L = sp.csc_matrix((np.concatenate([np.ones(len(pos)), -np.ones(len(pos))]),
                       (np.tile(np.arange(len(pos)), 2), np.concatenate([pos, nx + yk]))), shape=(len(pos), nx + ny))
    A = sp.vstack([sp.hstack([X, rows.y_matrix()]), L], format="csr")
    lo = np.concatenate([rows.lo, np.full(len(pos), -INF)])
    hi = np.concatenate([rows.hi, np.zeros(len(pos))])
    n = S.prob.n
    per_class = np.bincount(J, minlength=m)
    drop = np.zeros(len(lo), dtype=bool)
    drop[n:n + m] = (per_class <= 1) & ~rows.class_eq
    A, lo, hi = A[~drop], lo[~drop], hi[~drop]
    w = S.space.weight(I, J)
    lb = np.zeros(nx + ny)
    lb[:nx][np.isin(keys, fixed)] = 1.0
    model = S.model()
    model.load(np.concatenate([w, np.zeros(ny)]), lb, np.ones(nx + ny), A.tocsc(), lo, hi, integer=True,
               presolve=nx < MIP_PRESOLVE_MAX_PAIRS)
    if start is not None and np.isin(start.keys, keys).all() and np.isin(fixed, start.keys).all():
        model.set_start(_start_vector(S, keys, start))
    status = model.run()
    if status == "infeasible":
        return None
    if status == "time_limit" and not model.has_solution():
        raise TimeoutError("time limit reached before any solution was found")
    sel = np.round(model.values()[:nx]) == 1
    return Incumbent(S.exact_value(I[sel], J[sel]), keys[sel], status == "optimal")


def _start_vector(S: _Solve, keys, start: Incumbent) -> np.ndarray:
    x = np.isin(keys, start.keys).astype(float)
    y = np.zeros(S.rows.ny)
    I, J = start.keys // S.m, start.keys % S.m
    yk = S.rows.y_index[I, S.prob.col[J]]
    y[yk[yk >= 0]] = 1.0
    return np.concatenate([x, y])


def price_and_branch(S: _Solve, lp: LPResult) -> Incumbent | None:
    """Cheap MIPs first [1, §4]: over the LP's support (pairs with x > 0); only when that has no
    solution, over the model pairs an assignment worth T = ⌊UB + slack⌋ may use (rc ≥ −(UB + slack − T)).
    Reaching T proves optimality; else the best found is the incumbent of the final MIP.
    Measured with the cap-link rows (rows.py) on M seeds 0/1/2/10/16/19/5/9, CPU of the whole
    `solve_core` (min of 3): with the pool MIP after every support MIP 0.326/0.125/0.123/0.237/0.105/
    0.286/0.127/0.140 s, only after a support MIP without solution 0.236/0.120/0.125/0.175/0.102/0.229/
    0.123/0.141 s — the pool MIP never improved the support MIP's incumbent there. (Before those rows,
    seed 19 needed it: matching/README.md.)"""
    pool = lp.duals.pool
    UB = lp.duals.bound
    T = math.floor(UB + S.slack)
    if lp.x is not None:
        best = mip(S, pool[lp.x > INT_TOL])
        if best is not None:
            return best
    rc = _rc(S, lp.prices, pool)
    return mip(S, pool[rc >= -(UB + S.slack - T) - S.slack])


def improve(S: _Solve, lp: LPResult, best: Incumbent | None) -> Incumbent | None:
    """LP-guided improvement of the incumbent before the final MIPs (RINS [5], solver.py): the pairs where the
    incumbent and the LP optimum agree (x = 1 in both) are fixed to 1, and a MIP over the pool pairs an
    assignment better than the incumbent may use (rc ≥ −(UB + slack − Z − 1), the incumbent's pairs
    added) starts from the incumbent. A heuristic: it proves nothing (its answer is an assignment under
    every rule like any MIP answer, and worth T it is optimal by the bound). The final MIPs run from a
    better start: HiGHS spends most of a large final MIP finding the better answer (L seed 1: 14 s over
    81,526 pairs from 99187 to 99189, 1.5 s to prove 99189 when that was the start)."""
    pool = lp.duals.pool
    if best is None or lp.x is None or len(pool) < IMPROVE_MIN_POOL:
        return best
    T = math.floor(lp.duals.bound + S.slack)
    if best.value >= T:
        return best
    agree = np.intersect1d(pool[lp.x > 1 - INT_TOL], best.keys)
    g = lp.duals.bound + S.slack - (best.value + 1)
    rc = _rc(S, lp.prices, pool)
    r = mip(S, np.union1d(pool[rc >= -(g + S.slack)], best.keys), best, agree)
    if r is None or r.value <= best.value:
        return best
    return dataclasses.replace(r, proven=r.value >= T)


# RINS pays where the final MIP is large (L seed 1: 81,526 pairs, 14 s to find what RINS found in 1.5 s);
# on a small pool the final MIP is cheap and RINS found nothing better (M seeds 0/10/19) at ≈ 0.01 s each.
# Measured (fastest of 3, wall): M seeds 0/10/19 0.193/0.140/0.174 → 0.184/0.131/0.170 s; L pools are
# 60,000–80,000 pairs.
IMPROVE_MIN_POOL = 20_000


def reduced_cost_fixing(S: _Solve, P: Prices, UB: float, best: Incumbent | None):
    """Final MIPs: a bisection on the objective value between the incumbent Z and T = ⌊UB + slack⌋.

    MIP(V) holds every pair with rc ≥ −g and fixes to 1 every pair with rc > g, for g = UB + slack − V:
    any assignment worth ≥ V loses at most g of the bound, so it uses no pair whose inclusion costs
    more and keeps every pair whose removal costs more [3] — every assignment worth ≥ V is a solution
    of MIP(V). So an optimum of MIP(V) worth ≥ V is optimal, and one below V (or none) proves that
    nothing reaches V: T becomes V − 1. V is the halfway value Z + ⌈(T − Z)/2⌉ when its MIP keeps at
    most HALF_MIP_SHARE of the pairs of MIP(Z + 1), else Z + 1. Without an incumbent, g starts at
    max(1, 4·frac) and grows ×4 until a MIP has a solution; a MIP over every pair with nothing fixed
    and no solution proves the rules infeasible. Returns (incumbent or None, pairs of the largest MIP)."""
    top = UB + S.slack
    T = math.floor(top)
    g_first = max(1.0, 4.0 * (top - T))
    largest = 0
    while True:
        if best is not None and best.value >= T:
            return dataclasses.replace(best, proven=True), largest
        _check(S.opts, 0.8, "约简后精确求解 / exact solve of the reduced model")
        V = math.ceil(top - g_first) if best is None else best.value + 1
        kept = full_or_bounded_pass(S, S.warm_lp, P, bounded=True, keep_gap=top - V + S.slack) \
            if S.warm_lp is not None else S.space.price(P, S.lock_keys, keep_gap=top - V + S.slack)
        keys = kept.kept_I * S.m + kept.kept_J
        rc = _rc(S, P, keys)
        if best is not None and T - best.value >= 2:
            half = best.value + math.ceil((T - best.value) / 2)
            if (rc >= -(top - half + S.slack)).sum() <= HALF_MIP_SHARE * len(keys):
                V = half
        g = top - V
        sel = rc >= -(g + S.slack)
        largest = max(largest, int(sel.sum()))
        r = _fixed_mip(S, keys, rc, g, best)
        if r is not None and not r.proven:
            # out of time: the best found, unproven — also when it came from an earlier MIP that was
            # optimal over its own, fewer pairs
            found = r if best is None or r.value > best.value else best
            return dataclasses.replace(found, proven=False), largest
        if r is not None and (best is None or r.value > best.value):
            best = r
        if r is not None and r.value >= V:
            return dataclasses.replace(best, proven=True), largest
        if best is None and len(keys) >= S.total_pairs and not (sel & (rc > g + S.slack)).any():
            return None, largest                           # every pair, nothing fixed, no solution
        T = min(T, V - 1)                                  # nothing is worth V or more
        if best is None:
            g_first *= 4


# The halfway MIP runs first only when it keeps at most this share of the pairs of MIP(Z + 1): MIP time
# grows faster than its size. Measured on M, seeds 0/10/16/19 (prove phase CPU, median of 3): share 0.6
# 0.34/0.12/0.16/0.15 s, 0.8 0.21/0.12/0.15/0.15 s, 1.0 (always bisect) 0.20/0.16/0.21/0.20 s.
HALF_MIP_SHARE = 0.8


def _fixed_mip(S: _Solve, keys, rc, g: float, best: Incumbent | None) -> Incumbent | None:
    """The MIP over the pairs with rc ≥ −g, those with rc > g fixed to 1: an assignment worth
    ≥ UB − g loses less than g of the bound, so it contains every pair whose removal costs more."""
    sel = rc >= -(g + S.slack)
    return mip(S, keys[sel], best, keys[sel & (rc > g + S.slack)])
