"""Exact solver: column generation over all pairs, Lagrangian bound, reduced-cost fixing, final MIP.

The model is in rows.py. `solve_core` runs five named phases:

1. initial_pool        every cadre's cap_i + POOL_EXTRA best classes, previous pairs, locks, required
                       pairs (or the pool and multipliers of an earlier solve: `Opts.warm`).
2. column_generation   HiGHS LP over the pool; every allowed pair is priced (space.PairSpace.price)
                       and the ADD_PER_CADRE best pairs per cadre with reduced cost > PRICE_TOL join;
                       repeated until none is left [1, ch. 3]. Artificial columns keep each LP
                       feasible; if any stays positive, phase 1 over all pairs decides feasibility.
3. bound               for the final multipliers λ (sign-correct), every assignment is worth at most
                       UB = λ·b + Σ_pairs max(0, rc_ij) + Σ_y max(0, rc_y)   (locks: rc, not max)
                       [2]; objective values are integers, so none exceeds T = ⌊UB + slack⌋.
4. reduced-cost fixing a pair with rc_ij < −g lowers that bound by more than g: it cannot be in any
                       assignment worth ≥ UB − g [3]. First a MIP over the pool pairs that an
                       assignment worth T may use ("price and branch"); reaching T proves optimality.
5. final MIP           otherwise, with the best value Z found, g = UB + slack − Z and a MIP over every
                       pair with rc ≥ −g: its optimum is optimal over all pairs. Without any Z, g grows
                       ×4 until the MIP is feasible (or every pair is in it) — the only loop.

Tie rule: objective values are integers (model.py scales every weight exactly), so an assignment worth
T = ⌊UB + slack⌋ is optimal; among optimal assignments the one returned is HiGHS's answer with a fixed
seed, on models built in id order — the same input gives the same answer.

[1] Desrosiers & Lübbecke, "A primer in column generation", in Column Generation (Springer 2005).
[2] Geoffrion, "Lagrangean relaxation for integer programming", Math. Prog. Study 2 (1974) 82–114.
[3] Crowder, Johnson & Padberg, "Solving large-scale zero-one linear programming problems",
    Operations Research 31 (1983) 803–834 (reduced-cost fixing).
"""
from __future__ import annotations

import copy
import dataclasses
import math
import time

import numpy as np
import scipy.sparse as sp

from . import families
from .highs import INF, Cancelled, Model, is_cancelled
from .model import Problem
from .rows import Rows
from .space import PairSpace, Prices
from .verify import verify

__all__ = ["Cancelled", "Core", "Duals", "Opts", "solve_core"]

POOL_EXTRA = 8            # initial pool: cap_i + this many best classes per cadre
ADD_PER_CADRE = 6         # column generation: at most this many new pairs per cadre and round
CORE_PER_CADRE = 30       # pairs per cadre kept from a dense pricing pass for the next rounds
CORE_GAP = 0.1            # ... if their reduced cost is above −CORE_GAP·(1 + max|w|)
MAX_LP_ROUNDS = 200
# Named tolerances. None of them can make a non-optimal answer "optimal":
# PRICE_TOL: pairs with rc ≤ PRICE_TOL·(1 + max|w|) are not added to the LP. Only speed depends on it:
#   the bound (phase 3) adds max(0, rc) of every pair, whatever was added.
PRICE_TOL = 1e-9
# INT_TOL: an LP solution within INT_TOL of integers is rounded. All data are integers, so a rounded
#   solution that met every row within 1e-6 meets it exactly; `verify` checks it again after the solve.
INT_TOL = 1e-6
# BOUND_SLACK: float64 rounding in UB. Each of the N terms of UB is exact integer data combined with a
#   few float operations, each off by < 2^-52 of its magnitude ≤ M; N·M·2^-48 bounds the sum's error,
#   so UB + slack is a true upper bound and T = ⌊UB + slack⌋ is safe.
# ARTIFICIAL_PENALTY: cost per unit of an artificial column, relative to max|w|. Any value is correct:
#   a positive artificial at the end triggers phase 1, which decides feasibility exactly.
ARTIFICIAL_PENALTY = 100.0


@dataclasses.dataclass
class Duals:
    """Multipliers of a finished solve, reusable as a valid bound for a related solve (explanations)."""
    lam: np.ndarray            # static rows (rows.Rows order, without require rows)
    link_keys: np.ndarray      # pair keys with a link row, their y and multiplier
    link_y: np.ndarray
    link_mu: np.ndarray
    bound: float               # UB over all pairs of the solve with these multipliers
    pool: np.ndarray           # pair keys of the final LP


@dataclasses.dataclass
class Opts:
    disabled: frozenset = frozenset()        # Rule.key of rules switched off (diagnosis)
    requires: tuple = ()                     # ((i, class index array), ...): cadre i gets ≥1 of these
    rank_max: int | None = None              # fair: cadres with wishes only get classes of rank ≤ this
    min_fit: float | None = None             # fair: no pair with fit below this (scaled)
    time_limit: float = 60.0
    warm: Duals | None = None                # skip column generation: bound from these multipliers
    warm_pool: object = None                 # pair keys from an earlier solve: fewer LP rounds
    cancel: object = None
    progress: object = None
    p0: float = 0.0
    p1: float = 1.0
    last: list = dataclasses.field(default_factory=lambda: [0.0])


@dataclasses.dataclass
class Core:
    status: str                  # optimal | feasible | infeasible | cancelled
    pairs: list                  # [(i, j)] sorted
    obj: int = 0                 # scaled integer objective
    bound: float = 0.0           # scaled
    pruned: int = 0
    lp_integral: bool = False
    iterations: int = 0
    pool: object = None          # final LP column pool (pair keys), reusable as Opts.warm_pool
    phase_seconds: dict = dataclasses.field(default_factory=dict)
    duals: Duals | None = None
    lp: object = None            # warm LP of the solve (explanations)
    solve: object = None         # the solve's shared data (explanations)


def _check(opts: Opts, frac: float, msg: str):
    if is_cancelled(opts.cancel):
        raise Cancelled()
    if opts.progress is not None:
        # phases may restart their own counters (phase 1, fair probes): never report going backwards
        f = max(opts.p0 + (opts.p1 - opts.p0) * frac, opts.last[0])
        opts.last[0] = f
        opts.progress(f, msg)


class _Solve:
    """Everything one solve shares: problem, options, pair space, rows, locks, deadline."""

    def __init__(self, prob: Problem, opts: Opts):
        self.prob, self.opts = prob, opts
        self.m = prob.m
        self.deadline = time.perf_counter() + opts.time_limit
        active = [r for r in prob.rules if r.key not in opts.disabled]
        self.space = PairSpace(prob, opts, active)
        self.rows = Rows(prob, active, opts.disabled, opts.requires)
        locks = sorted({(r.i, r.j) for r in active if families.family(r.family).fixes})
        self.lock_keys = np.array([i * self.m + j for i, j in locks], dtype=np.int64)
        req = [i * self.m + np.asarray(js, dtype=np.int64) for i, js in opts.requires]
        self.required_keys = np.unique(np.concatenate(req)) if req else np.zeros(0, np.int64)
        self.required_keys = self._allowed(self.required_keys)
        self.total_pairs = self.space.count()
        self.slack = 2.0 ** -48 * (self.total_pairs + self.rows.count + 1) * (self.space.maxabs + 1.0) * \
            max(1.0, float(prob.cap.sum()))

    def locks_possible(self) -> bool:
        """Locks must be allowed pairs, at most one per class (else the model has no solution)."""
        lk = self.lock_keys
        return len(self._allowed(lk)) == len(lk) and len(np.unique(lk % self.m)) == len(lk)

    def _allowed(self, keys):
        return keys[np.isfinite(self.space.weight(keys // self.m, keys % self.m))] if len(keys) else keys

    def model(self) -> Model:
        cfg = self.prob.cfg
        return Model(seed=cfg.seed, threads=cfg.workers, deadline=self.deadline, cancel=self.opts.cancel)

    def exact_value(self, I, J) -> int:
        return round(float(self.space.weight(I, J).sum()))


# ====================================================================== phase 1: initial pool
def initial_pool(S: _Solve) -> np.ndarray:
    m, prob = S.m, S.prob
    I, J = S.space.best_per_cadre(POOL_EXTRA)
    prev = np.asarray(prob.prev_keys, dtype=np.int64)
    parts = [I * m + J, S._allowed(prev), S.lock_keys, S.required_keys]
    if S.opts.warm_pool is not None and len(S.opts.warm_pool):
        parts.append(S._allowed(np.asarray(S.opts.warm_pool, dtype=np.int64)))
    return np.unique(np.concatenate(parts).astype(np.int64))


# ====================================================================== prices from multipliers
def _prices(S: _Solve, lam, link_keys, link_mu) -> Prices:
    prob, rows = S.prob, S.rows
    n, m = prob.n, prob.m
    G = rows.college_price(lam)
    Gu, group = np.unique(G, axis=0, return_inverse=True) if n else (np.zeros((0, prob.C)), np.zeros(0, int))
    vg = lam[n:n + m][None, :] + Gu[:, prob.col]
    ck, cv = rows.sparse_corrections(lam, m, prob.prev_keys)
    keys = np.concatenate([ck, link_keys]).astype(np.int64)
    vals = np.concatenate([cv, -link_mu])
    uk, inv = np.unique(keys, return_inverse=True)
    return Prices(lam[:n], np.asarray(group).ravel(), vg, rows.budget_price(lam), uk,
                  np.bincount(inv, weights=vals, minlength=len(uk)))


def _rc(S: _Solve, P: Prices, keys, phase1=False) -> np.ndarray:
    """Reduced costs of given pairs (same formula as the pricing pass)."""
    I, J = keys // S.m, keys % S.m
    w = np.where(np.isfinite(S.space.weight(I, J)), 0.0, -np.inf) if phase1 else S.space.weight(I, J)
    rc = w - P.u[I] - P.vg[P.group[I], J] - P.budget
    if len(P.corr_keys):
        pos = np.minimum(np.searchsorted(P.corr_keys, keys), len(P.corr_keys) - 1)
        hit = P.corr_keys[pos] == keys
        rc[hit] += P.corr_vals[pos[hit]]
    return rc


def _bound(S: _Solve, lam, link_y, link_mu, pairs_part: float) -> float:
    """UB = λ·b + Σ_pairs max(0, rc) + Σ_y max(0, rc_y)."""
    return float(lam @ S.rows.hi) + pairs_part + float(np.maximum(S.rows.y_reduced_costs(lam, link_y, link_mu), 0).sum())


# ====================================================================== phase 2: column generation
class _PoolLP:
    """The LP over the pool, kept warm in one HiGHS model: new pairs are appended as columns with
    their link rows, and the simplex restarts from the previous basis.
    Column order: first pool pairs, y, one artificial per static row, then appended pairs."""

    def __init__(self, S: _Solve, keys, phase1: bool, allow_artificial: bool):
        self.S, self.phase1 = S, phase1
        rows, m = S.rows, S.m
        self.I, self.J = keys // m, keys % m
        self.in_pool = np.zeros((S.prob.n, m), dtype=bool) if S.space.dense else set(keys.tolist())
        if S.space.dense:
            self.in_pool[self.I, self.J] = True
        nx, ny, nr = len(keys), rows.ny, rows.count
        X = rows.x_matrix(self.I, self.J, np.isin(keys, S.prob.prev_keys))
        art = sp.diags(np.where(rows.is_eq, 1.0, -1.0), format="csc")
        pos, yk = rows.links(self.I, self.J)
        L = sp.csc_matrix((np.concatenate([np.ones(len(pos)), -np.ones(len(pos))]),
                           (np.tile(np.arange(len(pos)), 2), np.concatenate([pos, nx + yk]))),
                          shape=(len(pos), nx + ny + nr))
        A = sp.vstack([sp.hstack([X, rows.y_matrix(), art]), L], format="csc")
        penalty = 1.0 if phase1 else ARTIFICIAL_PENALTY * (S.space.maxabs + 1.0)
        cost = np.concatenate([self._cost(self.I, self.J), np.zeros(ny), np.full(nr, -penalty)])
        lb = np.zeros(nx + ny + nr)
        lb[:nx][np.isin(keys, S.lock_keys)] = 1.0
        ub = np.concatenate([np.ones(nx + ny), np.full(nr, INF if allow_artificial else 0.0)])
        self.model = S.model()
        self.model.load(cost, lb, ub, A, np.concatenate([rows.lo, np.full(len(pos), -INF)]),
                        np.concatenate([rows.hi, np.zeros(len(pos))]), presolve=False)
        self.xcol = np.arange(nx)
        self.ycol = nx + np.arange(ny)
        self.artcol = nx + ny + np.arange(nr)
        self.link_keys, self.link_y = keys[pos], yk

    def _cost(self, I, J):
        return np.zeros(len(I)) if self.phase1 else self.S.space.weight(I, J)

    def in_model(self, I, J):
        if self.S.space.dense:
            return self.in_pool[I, J]
        return np.isin(I * self.S.m + J, np.fromiter(self.in_pool, np.int64, len(self.in_pool)))

    def add(self, I, J) -> None:
        S, rows = self.S, self.S.rows
        keys = I * S.m + J
        base = self.model.num_cols()
        self.model.add_cols(self._cost(I, J), np.zeros(len(I)), np.ones(len(I)),
                            rows.x_matrix(I, J, np.isin(keys, S.prob.prev_keys)))
        pos, yk = rows.links(I, J)
        if len(pos):
            cols = np.column_stack([base + pos, self.ycol[yk]]).ravel()
            A = sp.csr_matrix((np.tile([1.0, -1.0], len(pos)), cols, 2 * np.arange(len(pos) + 1)),
                              shape=(len(pos), self.model.num_cols()))
            self.model.add_rows(np.full(len(pos), -INF), np.zeros(len(pos)), A)
            self.link_keys = np.concatenate([self.link_keys, keys[pos]])
            self.link_y = np.concatenate([self.link_y, yk])
        self.xcol = np.concatenate([self.xcol, base + np.arange(len(I))])
        self.I, self.J = np.concatenate([self.I, I]), np.concatenate([self.J, J])
        if S.space.dense:
            self.in_pool[I, J] = True
        else:
            self.in_pool.update(keys.tolist())

    def solve(self):
        """Run; returns (static λ, link μ) sign-corrected, or None when the LP is infeasible."""
        if self.model.run() == "infeasible":
            return None
        d = self.model.row_duals()
        rows = self.S.rows
        lam = np.where(rows.is_eq, d[:rows.count], np.maximum(d[:rows.count], 0.0))
        return lam, np.maximum(d[rows.count:], 0.0)


@dataclasses.dataclass
class LPResult:
    I: np.ndarray              # pool pairs
    J: np.ndarray
    x: np.ndarray
    y: np.ndarray
    artificial: float          # Σ artificial values
    duals: Duals
    prices: Prices
    rounds: int
    model: object = None       # the _PoolLP, kept warm for explanations (MatchResult.move_cost)


def _best_per_cadre(keys, rc, m: int, k: int, tol: float):
    """Of the given pairs, those with rc > tol, at most k per cadre (largest rc first)."""
    s = rc > tol
    keys, rc = keys[s], rc[s]
    o = np.lexsort((keys, -rc, keys // m))
    keys = keys[o]
    i = keys // m
    return keys[np.arange(len(keys)) - np.searchsorted(i, i, "left") < k]


def column_generation(S: _Solve, keys, phase1=False, allow_artificial=True, lp=None) -> LPResult | None:
    """LP optimum over all pairs (up to PRICE_TOL), or None when even the pool LP is infeasible.

    A dense pricing pass over every pair also keeps, per cadre, the CORE_PER_CADRE pairs with the
    largest reduced costs above −CORE_GAP·(1 + max|w|) (the "core"); the next rounds price only the
    core, and a dense pass is due again when the core has nothing left to add. The loop ends with a
    dense pass that finds nothing: its multipliers and its Σ max(0, rc) give the bound."""
    lp = lp or _PoolLP(S, keys, phase1, allow_artificial)
    m = S.m
    tol = PRICE_TOL * (1.0 + S.space.maxabs)
    core = np.zeros(0, np.int64)
    solved = False
    for it in range(1, MAX_LP_ROUNDS + 1):
        _check(S.opts, min(0.6, 0.05 + 0.05 * it), f"线性松弛第{it}轮 / LP round {it}")
        if not solved:
            duals = lp.solve()
            if duals is None:
                return None
            lam, mu = duals
            P = _prices(S, lam, lp.link_keys, mu)
            solved = True
        if len(core):
            core = core[~lp.in_model(core // m, core % m)]
            new = _best_per_cadre(core, _rc(S, P, core, phase1), m, ADD_PER_CADRE, tol)
            if len(new):
                lp.add(new // m, new % m)
                solved = False
                continue
        priced = S.space.price(P, S.lock_keys, phase1, collect=CORE_PER_CADRE, in_model=lp.in_model,
                               tol=-CORE_GAP * (1.0 + S.space.maxabs))
        core = priced.new_I * m + priced.new_J
        new = _best_per_cadre(core, priced.new_rc, m, ADD_PER_CADRE, tol)
        if not len(new) or it == MAX_LP_ROUNDS or time.perf_counter() > S.deadline:
            v = lp.model.values()
            ub = _bound(S, lam, lp.link_y, mu, priced.bound_part)
            d = Duals(lam, lp.link_keys, lp.link_y, mu, ub, lp.I * m + lp.J)
            return LPResult(lp.I, lp.J, v[lp.xcol], v[lp.ycol], float(v[lp.artcol].sum()), d, P, it, lp)
        lp.add(new // m, new % m)
        solved = False
    raise AssertionError("unreachable")


def lp_over_all_pairs(S: _Solve, keys) -> LPResult | None:
    """Phase 2 with artificials; if one stays positive, phase 1 (minimise the artificials over all
    pairs) decides: a bound below zero proves the model infeasible, else phase 2 again without them."""
    out = column_generation(S, keys)
    if out is None or out.artificial <= INT_TOL:
        return out
    p1 = column_generation(S, out.duals.pool, phase1=True)
    if p1 is None or p1.duals.bound < -S.slack:
        return None
    out2 = column_generation(S, p1.duals.pool, allow_artificial=False)
    if out2 is not None:
        out2.rounds += out.rounds + p1.rounds
    return out2


# ====================================================================== phases 4–5: MIP with reduced-cost fixing
@dataclasses.dataclass
class Incumbent:
    value: int
    keys: np.ndarray
    proven: bool               # optimal over the pairs of its MIP


# HiGHS presolve, measured (matching/README.md): 20× faster on small MIPs (L support MIP: 0.04 s against
# 0.7 s) but half as fast on the large final MIP (M: 1.0 s against 0.5 s). Used below this many pairs.
MIP_PRESOLVE_MAX_PAIRS = 5000


def mip(S: _Solve, keys, start: Incumbent | None = None) -> Incumbent | None:
    """Exact MIP (HiGHS) over the given pairs (plus locks and required pairs), all y, the static rows
    and the pairs' link rows. A class row with at most one of these pairs is only the bound x ≤ 1
    and is left out unless it is an equality (priority class)."""
    rows, m = S.rows, S.m
    keys = np.unique(np.concatenate([keys, S.lock_keys, S.required_keys]).astype(np.int64))
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
    lb[:nx][np.isin(keys, S.lock_keys)] = 1.0
    model = S.model()
    model.load(np.concatenate([w, np.zeros(ny)]), lb, np.ones(nx + ny), A.tocsc(), lo, hi, integer=True,
               presolve=nx < MIP_PRESOLVE_MAX_PAIRS)
    if start is not None:
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
    """Cheap MIPs first [1, §4]: over the LP's support (pairs with x > 0), then over the model pairs an
    assignment worth T = ⌊UB + slack⌋ may use (rc ≥ −(UB + slack − T)). Reaching T proves optimality;
    else the best found is the incumbent of the final MIP."""
    pool = lp.duals.pool
    UB = lp.duals.bound
    T = math.floor(UB + S.slack)
    best = None
    if lp.x is not None:
        best = mip(S, pool[lp.x > INT_TOL])
        if best is not None and best.value >= T:
            return best
    rc = _rc(S, lp.prices, pool)
    r = mip(S, pool[rc >= -(UB + S.slack - T) - S.slack], best)
    if r is not None and (best is None or r.value > best.value):
        best = r
    return best


def reduced_cost_fixing(S: _Solve, P: Prices, UB: float, best: Incumbent | None):
    """Final MIP over every pair with rc ≥ −g. Returns (incumbent or None, pairs kept)."""
    top = UB + S.slack
    g = top - best.value if best else max(1.0, 4.0 * (top - math.floor(top)))
    while True:
        _check(S.opts, 0.8, "约简后精确求解 / exact solve of the reduced model")
        kept = S.space.price(P, S.lock_keys, keep_gap=g + S.slack)
        keys = kept.kept_I * S.m + kept.kept_J
        r = mip(S, keys, best)
        everything = len(keys) >= S.total_pairs
        if r is None:
            if everything:
                return best, len(keys)
            g *= 4
            continue
        if best is None or r.value > best.value or (r.value == best.value and r.proven):
            best = r
        if not r.proven or best.value >= top - g or everything:
            return best, len(keys)
        g = top - best.value


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
    best = price_and_branch(S, lp)
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
    lp.S, lp.model.deadline = S, S.deadline
    if not lp.in_model(np.array([i]), np.array([j]))[0]:
        lp.add(np.array([i]), np.array([j]))
    col = int(lp.xcol[np.flatnonzero(lp.I * S.m + lp.J == key)[0]])
    lp.model.h.changeColBounds(col, 1.0, 1.0)
    try:
        out = column_generation(S, None, lp=lp)
        if out is None or out.artificial > INT_TOL:
            return Core("infeasible", [])
        return prove(S, out, {})
    finally:
        lp.model.h.changeColBounds(col, 0.0, 1.0)
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
