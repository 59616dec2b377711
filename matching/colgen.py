"""Phases 2–3: column generation over all pairs, ending with the Lagrangian bound (see solver.py)."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp

from . import memory
from .highs import INF
from .space import Priced, Prices
from .state import (
    ADD_PER_CADRE,
    ARTIFICIAL_PENALTY,
    CORE_GAP,
    CORE_PER_CADRE,
    INT_TOL,
    MAX_LP_ROUNDS,
    PRICE_TOL,
    Duals,
    _bound,
    _check,
    _prices,
    _rc,
    _Solve,
)


# ====================================================================== phase 2: column generation
class _PoolLP:
    """The LP over the pool, kept warm in one HiGHS model: new pairs are appended as columns with
    their link rows, and the simplex restarts from the previous basis.
    Column order: first pool pairs, y, one artificial per static row that x = 0 breaks, then appended
    pairs."""

    def __init__(self, S: _Solve, keys, phase1: bool, allow_artificial: bool):
        self.S, self.phase1 = S, phase1
        rows, m = S.rows, S.m
        self.I, self.J = keys // m, keys % m
        self.in_pool = memory.zeros((S.prob.n, m), dtype=bool) if S.space.dense else set(keys.tolist())
        if S.space.dense:
            self.in_pool[self.I, self.J] = True
        # An artificial column only where x = 0, y = 0 breaks the row (equalities, lower bounds above 0,
        # upper bounds below 0): every other row holds at 0, so the LP is feasible with these alone.
        # (At least one column stays: HiGHS refuses a model without columns.)
        need = np.flatnonzero(rows.is_eq | (rows.lo > 0) | (rows.hi < 0))
        if not len(need) and not len(keys) and not rows.ny:
            need = np.arange(min(rows.count, 1))
        nx, ny, nr = len(keys), rows.ny, len(need)
        X = rows.x_matrix(self.I, self.J, np.isin(keys, S.prob.prev_keys))
        art = sp.csc_matrix((np.where(rows.is_eq[need], 1.0, -1.0), (need, np.arange(nr))), shape=(rows.count, nr))
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
        self.added = nx                  # columns appended since the last solve

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
        self.added += len(I)
        self.xcol = np.concatenate([self.xcol, base + np.arange(len(I))])
        self.I, self.J = np.concatenate([self.I, I]), np.concatenate([self.J, J])
        if S.space.dense:
            self.in_pool[I, J] = True
        else:
            self.in_pool.update(keys.tolist())

    def activate_cap_links(self, ks) -> None:
        """Switch cap-link rows on (rows.py): a right-hand side change keeps the basis dual feasible,
        so the next solve uses the dual simplex."""
        rows = self.S.rows.activate_cap_links(ks)
        self.model.h.changeRowsBounds(len(rows), rows.astype(np.int32), np.full(len(rows), -INF),
                                      np.zeros(len(rows)))
        self.added = self.model.num_cols()

    def set_bounds(self, col: int, lo: float, hi: float) -> None:
        """New bounds of one column (explanations force a pair): the basis stays dual feasible, so the
        next solve uses the dual simplex."""
        self.model.h.changeColBounds(col, lo, hi)
        self.added = self.model.num_cols()

    def solve(self):
        """Run; returns (static λ, link μ) sign-corrected, or None when the LP is infeasible."""
        few = self.added <= PRIMAL_MAX_ADDED_SHARE * self.model.num_cols()
        self.model.h.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL if few else SIMPLEX_DUAL)
        self.added = 0
        if self.model.run() == "infeasible":
            return None
        d = self.model.row_duals()
        rows = self.S.rows
        lam = np.where(rows.is_eq, d[:rows.count], np.maximum(d[:rows.count], 0.0))
        return lam, np.maximum(d[rows.count:], 0.0)


# The previous basis stays primal feasible when columns are appended: the primal simplex then needs a
# few pivots per attractive column, while the dual simplex first repairs dual feasibility and pays
# thousands of iterations even for a handful of columns. For large batches the dual simplex is faster.
PRIMAL_MAX_ADDED_SHARE = 0.02
SIMPLEX_DUAL, SIMPLEX_PRIMAL = 1, 4      # HiGHS `simplex_strategy` values


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


def column_generation(S: _Solve, keys, phase1=False, allow_artificial=True, lp=None,
                      bounded=False) -> LPResult | None:
    """LP optimum over all pairs (up to PRICE_TOL), or None when even the pool LP is infeasible.

    A dense pricing pass over every pair also keeps, per cadre, the CORE_PER_CADRE pairs with the
    largest reduced costs above −CORE_GAP·(1 + max|w|) (the "core"); the next rounds price only the
    core, and a dense pass is due again when the core has nothing left to add. The loop ends with a
    dense pass that finds nothing: its multipliers and its Σ max(0, rc) give the bound."""
    lp = lp or _PoolLP(S, keys, phase1, allow_artificial)
    m = S.m
    tol = PRICE_TOL * (1.0 + S.space.maxabs)
    core = getattr(lp, "core", np.zeros(0, np.int64))      # a warm LP keeps its last core
    solved = False
    before_cut = None                  # the last dense pass, when cap-link rows were switched on after it
    for it in range(1, MAX_LP_ROUNDS + 1):
        _check(S.opts, min(0.6, 0.05 + 0.05 * it), f"线性松弛第{it}轮 / LP round {it}")
        if not solved:
            duals = lp.solve()
            if duals is None:
                return None
            if before_cut is not None:
                kept = _same_bound_after_cut(S, lp, before_cut, it)
                if kept is not None:
                    return kept
                before_cut = None
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
        priced = full_or_bounded_pass(S, lp, P, phase1, bounded, collect=CORE_PER_CADRE,
                                      tol=-CORE_GAP * (1.0 + S.space.maxabs))
        core = lp.core = priced.new_I * m + priced.new_J
        new = _best_per_cadre(core, priced.new_rc, m, ADD_PER_CADRE, tol)
        if not len(new) or it == MAX_LP_ROUNDS or time.perf_counter() > S.deadline:
            v = lp.model.values()
            if not phase1 and it < MAX_LP_ROUNDS and time.perf_counter() <= S.deadline:
                cut = S.rows.violated_cap_links(lp.I, lp.J, v[lp.xcol], v[lp.ycol])
                if len(cut):                      # separation: tighten, then price again
                    before_cut = (lam, mu, P, priced.bound_part, lp.model.objective())
                    lp.activate_cap_links(cut)
                    solved = False
                    continue
            return _result(S, lp, v, lam, mu, P, priced.bound_part, it)
        lp.add(new // m, new % m)
        solved = False
    raise AssertionError("unreachable")


def _same_bound_after_cut(S: _Solve, lp: _PoolLP, before, it: int) -> LPResult | None:
    """The LP re-solved after switching cap-link rows on: when it is worth as much as before (within
    OBJ_TOL), the multipliers of the dense pass before the cut still give a valid bound (the new rows
    have multiplier 0 there, and a valid row only shrinks the feasible set), and no pass under the new
    multipliers can give a lower one (any bound is at least the LP optimum, which did not move) — so that
    pass's bound is returned with the new LP optimum, without pricing again. Cap-link rows the new
    optimum violates are switched on too (None: price as usual)."""
    lam, mu, P, bound_part, obj = before
    if lp.model.objective() < obj - OBJ_TOL * (1.0 + abs(obj)):
        return None
    v = lp.model.values()
    if len(S.rows.violated_cap_links(lp.I, lp.J, v[lp.xcol], v[lp.ycol])):
        return None
    return _result(S, lp, v, lam, mu, P, bound_part, it)


def _result(S: _Solve, lp: _PoolLP, v, lam, mu, P: Prices, bound_part: float, it: int) -> LPResult:
    """The LP optimum `v` with the bound of the multipliers (λ, μ) whose prices P gave `bound_part`."""
    ub = _bound(S, lam, lp.link_y, mu, bound_part)
    d = Duals(lam, lp.link_keys, lp.link_y, mu, ub, lp.I * S.m + lp.J)
    return LPResult(lp.I, lp.J, v[lp.xcol], v[lp.ycol], float(v[lp.artcol].sum()), d, P, it, lp)


# An LP re-solved after a cut whose optimum is lower by at most this (relative) is "worth as much":
# only the bound's tightness depends on it (by at most this amount), never its validity.
OBJ_TOL = 1e-9
BOUNDED_MAX_SHARE = 0.4   # a bounded pass that must price more than this share of all pairs does a full one


def full_or_bounded_pass(S: _Solve, lp: _PoolLP, P: Prices, phase1=False, bounded=False, collect=0, tol=0.0,
                         keep_gap=None) -> Priced:
    """A pricing pass over every pair; a full one is remembered in `lp` (its prices, row bounds and
    core) so that later passes of a warm re-solve (`bounded`) can skip what those bounds rule out."""
    if bounded and getattr(lp, "rho", None) is not None:
        out = _bounded_pass(S, lp, P, collect, tol, keep_gap)
        if out is not None:
            return out
    out = S.space.price(P, S.lock_keys, phase1, collect=collect, in_model=lp.in_model, tol=tol, keep_gap=keep_gap)
    if not bounded and collect and not phase1 and S.space.dense:
        lp.rho, lp.rho_P, lp.core0 = out.row_bound, P, out.new_I * S.m + out.new_J
    return out


def _bounded_pass(S: _Solve, lp: _PoolLP, P: Prices, collect, tol, keep_gap) -> Priced | None:
    """The same result as a full pass, pricing only pairs the stored bounds cannot rule out.

    A pair outside the model and the stored core had rc0 ≤ ρ_i under the stored prices P0; now
    rc = rc0 − Δu_i − Δbudget − Δvg(i, j) (no sparse corrections apply to it), so it is at most
    ρ_i − Δu_i − Δbudget − Δvg(i, j). Rows where that can be > 0 (bound and new pairs) or ≥ −gap
    (kept pairs) at a class whose Δvg ≥ 0 are priced in full; elsewhere only the classes whose Δvg
    allows it. None when that is most of the pairs."""
    m, n = S.m, S.prob.n
    P0 = lp.rho_P
    # a pair must be priced if it may have rc > 0 (bound, new pairs) or rc ≥ −gap (kept pairs)
    exceeds = (lambda b: b > 0.0) if keep_gap is None else (lambda b: b >= -keep_gap)
    bplus = lp.rho - (P.u - P0.u) - (P.budget - P0.budget)
    full = np.flatnonzero(exceeds(bplus))
    rest = np.setdiff1d(np.arange(n), full)
    base = int(P0.group.max(initial=0)) + 1
    uc, inv = np.unique(P.group[rest].astype(np.int64) * base + P0.group[rest], return_inverse=True)
    parts = []
    for k, c in enumerate(uc.tolist()):
        rows = rest[inv.ravel() == k]
        with np.errstate(invalid="ignore"):             # inf − inf: a class the cadre may not take
            d = P.vg[c // base] - P0.vg[c % base]
            js = np.flatnonzero(exceeds(bplus[rows].max() - d))
        if len(js):
            parts.append((rows[:, None] * m + js[None, :]).ravel())
    model_keys = lp.I * m + lp.J
    K = np.unique(np.concatenate([model_keys, lp.core0, *parts]).astype(np.int64))
    K = K[~np.isin(K // m, full)]
    if len(K) + len(full) * m > BOUNDED_MAX_SHARE * n * m:
        return None
    none = np.zeros(0, np.int64)
    out = S.space.price(P, S.lock_keys, False, collect=collect, in_model=lp.in_model, tol=tol,
                        keep_gap=keep_gap, rows=full) if len(full) else \
        Priced(0.0, new_I=none, new_J=none, new_rc=np.zeros(0), kept_I=none, kept_J=none)
    rc = _rc(S, P, K)
    ok = np.isfinite(rc)
    K, rc = K[ok], rc[ok]
    out.bound_part += float(rc[rc > 0].sum())
    lk = np.isin(K, S.lock_keys)
    out.bound_part += float(np.minimum(rc[lk], 0.0).sum())
    if collect:
        fresh = (rc > tol) & ~lp.in_model(K // m, K % m)
        new = _top_per_cadre(K[fresh], rc[fresh], m, collect)
        out.new_I = np.concatenate([out.new_I, new[0] // m])
        out.new_J = np.concatenate([out.new_J, new[0] % m])
        out.new_rc = np.concatenate([out.new_rc, new[1]])
    if keep_gap is not None:
        kk = K[rc >= -keep_gap]
        out.kept_I = np.concatenate([out.kept_I, kk // m])
        out.kept_J = np.concatenate([out.kept_J, kk % m])
    return out


def _top_per_cadre(keys, rc, m: int, k: int):
    o = np.lexsort((keys, -rc, keys // m))
    keys, rc = keys[o], rc[o]
    i = keys // m
    top = np.arange(len(keys)) - np.searchsorted(i, i, "left") < k
    return keys[top], rc[top]


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


