"""What one solve shares: options, result types, named tolerances, the solve's data (`_Solve`),
the initial pool (phase 1) and prices from multipliers. The phases are in colgen.py (2–3), mip.py (4–5)
and solver.py (the whole solve)."""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from . import families
from .highs import Cancelled, Model, is_cancelled
from .model import Problem, _first_of_each
from .rows import Rows
from .space import PairSpace, Prices

__all__ = ["Cancelled", "Core", "Duals", "Opts"]

POOL_EXTRA = 8            # initial pool: cap_i + this many best classes per cadre
# With priority = "hard", each priority class's PRIORITY_EXTRA best cadres join the initial pool too, so
# that the first LP covers those classes without artificial columns. Measured (min of 3, L seeds 0/2/3):
# without them 1.55/1.44/1.61 s, the first LP needing artificials on 522 classes and three extra rounds;
# with 16: 1.16/1.10/1.25 s (8: 84 classes still uncovered; 32: slower first LP). M seeds 0/1/2/10/19:
# CPU 1.52 s in all either way (M's time is in its final MIP).
PRIORITY_EXTRA = 16
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
        self.warm_lp = None            # explanations: the solve's warm LP (bounded pricing passes)
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
    parts = [I * m + J, S._allowed(prev), S._allowed(prob.anchor_keys), S.lock_keys, S.required_keys,
             _class_best(S, np.flatnonzero(S.rows.class_eq), PRIORITY_EXTRA)]
    if S.opts.warm_pool is not None and len(S.opts.warm_pool):
        parts.append(S._allowed(np.asarray(S.opts.warm_pool, dtype=np.int64)))
    return np.unique(np.concatenate(parts).astype(np.int64))


def _class_best(S: _Solve, js, k: int) -> np.ndarray:
    """Keys of the k best allowed cadres (capacity > 0) of each given class (sorted class indices)."""
    if not len(js) or not S.space.dense or k <= 0:
        return np.zeros(0, np.int64)
    n = S.prob.n
    w = S.space.class_columns(js)
    w[S.prob.cap == 0] = -np.inf
    k = min(k, n)
    top = np.argpartition(-w, k - 1, axis=0)[:k] if k < n else np.tile(np.arange(n)[:, None], (1, len(js)))
    ok = np.isfinite(np.take_along_axis(w, top, axis=0))
    return (top * S.m + js[None, :])[ok]


# ====================================================================== prices from multipliers
def _prices(S: _Solve, lam, link_keys, link_mu) -> Prices:
    prob, rows = S.prob, S.rows
    n, m = prob.n, prob.m
    G = rows.college_price(lam)
    if S.space.dense:
        G = G + S.space.ex_col              # +inf: the college's classes are not allowed for the cadre
    Gu, group = _distinct_rows(G)
    vg = lam[n:n + m][None, :] + Gu[:, prob.col]
    ck, cv = rows.sparse_corrections(lam, m, prob.prev_keys)
    ex = S.space.ex_keys                    # single forbidden pairs: reduced cost −inf
    keys = np.concatenate([ck, link_keys, ex]).astype(np.int64)
    vals = np.concatenate([cv, -link_mu, np.full(len(ex), -np.inf)])
    uk, inv = np.unique(keys, return_inverse=True)
    return Prices(lam[:n], np.asarray(group).ravel(), vg, rows.budget_price(lam), uk,
                  np.bincount(inv, weights=vals, minlength=len(uk)))


def _distinct_rows(G: np.ndarray):
    """(distinct rows in order of first appearance, row index of each row), rows compared byte for byte
    (a dict of each row's bytes: np.unique(axis=0) sorted them and took 80 % of `_prices` at L)."""
    G = np.ascontiguousarray(G)
    ids: dict[bytes, int] = {}
    group = np.fromiter((ids.setdefault(row.tobytes(), len(ids)) for row in G), np.int64, len(G))
    return G[_first_of_each(group, len(ids))], group


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


