"""Best n: which n cadres keep the coverage of priority classes (重点关注班级) at its maximum — exact.

For a capacity sweep ("what if only n cadres were available?") the answer is not the first n cadres
of a fixed order but the n cadres that together can cover the most priority classes. One small MIP
(HiGHS, fixed seed, one thread):

    maximise   Σ x_ij                                  (i cadre, j priority class, (i, j) allowed)
    subject to Σ_i x_ij ≤ 1                            each priority class once
               Σ_j x_ij ≤ (cap_i − L_i) · z_i          capacity; L_i = the cadre's locks on other classes
               x_ij ≥ z_i                              a lock (i, j) on a priority class
               Σ_i z_i ≤ n                             at most n cadres
               x, z ∈ {0, 1}

The rules that matter for coverage are kept: allowed pairs (forbids, own-unit "forbid", the pairs of a
scores file), capacities, and locks (a chosen cadre keeps its locked classes). Counting rules (quotas,
level caps) and the change budget are not part of this question. HiGHS solves with zero gap, so the
answer is labelled exact; tests/test_fit_best_n.py checks it against brute force.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp

from .config import MatchConfig, load_config
from .highs import Model
from .model import MatchingInput, Problem


@dataclasses.dataclass(frozen=True)
class BestN:
    n: int
    covered: int                      # priority classes covered by the best n cadres
    priority_classes: int
    cadre_ids: tuple                  # the chosen cadres (sorted by id)
    pairs: tuple                      # (cadre_id, class_id) covering the priority classes
    exact: bool                       # True when HiGHS proved the optimum

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _allowed(prob: Problem) -> np.ndarray:
    """n × m: pairs allowed by the data and the pair rules (forbids, own unit, scores file)."""
    ok = np.vstack([prob.allowed_classes(i) for i in range(prob.n)]) if prob.n else np.zeros((0, prob.m), bool)
    for r in prob.rules:
        if r.family == "forbid":
            if r.j >= 0:
                ok[r.i, r.j] = False
            else:
                ok[r.i, prob.col == r.c] = False
    return ok


def _model(prob: Problem, n_max: int):
    """Columns: x for each allowed (cadre, priority class) pair, then z per cadre."""
    P = np.flatnonzero(prob.priority)
    ok = _allowed(prob)[:, P]
    locks = [(r.i, r.j) for r in prob.rules if r.family == "lock"]
    I, K = np.nonzero(ok)
    nx, n = len(I), prob.n
    pos = {(int(i), int(P[k])): c for c, (i, k) in enumerate(zip(I, K))}
    other_locks = np.zeros(n, dtype=np.int64)
    for i, j in locks:
        if (i, j) not in pos:
            other_locks[i] += 1
    rows, cols, vals, lo, hi = [], [], [], [], []

    def row(entries, a, b):
        r = len(lo)
        for c, v in entries:
            rows.append(r), cols.append(c), vals.append(v)
        lo.append(a), hi.append(b)

    for k in range(len(P)):
        row([(c, 1.0) for c in np.flatnonzero(K == k)], -np.inf, 1.0)
    for i in range(n):
        room = max(0, int(prob.cap[i]) - int(other_locks[i]))
        row([(c, 1.0) for c in np.flatnonzero(I == i)] + [(nx + i, -float(room))], -np.inf, 0.0)
    for i, j in locks:
        if (i, j) in pos:
            row([(pos[(i, j)], 1.0), (nx + i, -1.0)], 0.0, np.inf)
    row([(nx + i, 1.0) for i in range(n)], -np.inf, float(n_max))
    A = sp.csc_matrix((vals, (rows, cols)), shape=(len(lo), nx + n))
    return P, I, K, A, np.array(lo), np.array(hi)


def best_n(prob: Problem, n_max: int, time_limit_s: float | None = None) -> BestN:
    """The n_max (or fewer) cadres covering the most priority classes, and which classes they cover."""
    P, I, K, A, lo, hi = _model(prob, n_max)
    nx, n = len(I), prob.n
    cost = np.concatenate([np.ones(nx), np.zeros(n)])
    m = Model(seed=prob.cfg.seed, threads=1,
              deadline=time.perf_counter() + (time_limit_s or prob.cfg.time_limit_s))
    m.load(cost, np.zeros(nx + n), np.ones(nx + n), A, lo, hi, integer=True)
    status = m.run()
    if status == "infeasible":          # only locks can make it so (more locked cadres than n)
        return BestN(n_max, 0, len(P), (), (), True)
    v = np.round(m.values()).astype(int) if m.has_solution() else np.zeros(nx + n, int)
    chosen = tuple(sorted(prob.cadre_ids[i] for i in np.flatnonzero(v[nx:])))
    pairs = tuple(sorted((prob.cadre_ids[int(I[c])], prob.class_ids[int(P[K[c]])]) for c in np.flatnonzero(v[:nx])))
    return BestN(n_max, len(pairs), len(P), chosen, pairs, status == "optimal")


def sweep(inp: MatchingInput, ns, cfg: MatchConfig | None = None) -> list[BestN]:
    """best_n for each n in `ns` (the data's own capacities and pair rules)."""
    prob = Problem(inp, cfg or load_config(None))
    return [best_n(prob, int(k)) for k in ns]
