"""Best n: which n cadres keep the coverage of priority classes (重点关注班级) at its maximum — exact.

For a capacity sweep ("what if only n cadres were available?") the answer is not the first n cadres
of a fixed order but the n cadres that together can cover the most priority classes under every hard
rule of the round — so that a solve with exactly those cadres (the others at capacity 0) reaches it.
One MIP over the whole assignment (HiGHS, fixed seed, one thread):

    maximise   (n + 1) Σ_{j priority} x_ij − Σ_i z_i            coverage first, then the fewest cadres
    subject to Σ_j x_ij = cap_i · z_i                         capacity: a chosen cadre takes exactly cap_i
               Σ_i x_ij ≤ 1                                   each class at most one adviser
               x_ij = 1                                       a lock (so its cadre is always chosen)
               Σ_{i ∈ mask} y_ic ≤ hi,  ≥ lo                  college quota, level cap (count cadres)
               y_ic ≤ Σ_{j ∈ c} x_ij ≤ cap_i · y_ic           y_ic: cadre i advises a class of college c
               Σ_{(i,j) not in the previous round} x_ij ≤ k   change budget
               Σ_i z_i ≤ n                                    at most n cadres
               x, y, z ∈ {0, 1};  x only on allowed pairs     forbids, own unit "forbid", scores file

Every family of the registry (matching.families FAMILIES and ROUND_FAMILIES) is handled: HANDLED lists
them, and a family added there without a block here stops best_n (tests check the registry). The
counting rows come from `families.count_rows`, so a quota or cap reads exactly as in the solver. The
priority rule is what is maximised, not a constraint. HiGHS solves with zero gap, so an optimal answer
is labelled exact; tests/test_fit_best_n.py checks it against brute force over all n-subsets and
assignments with the families' `holds` predicates, and re-solves each answer with its cadres.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp

from . import families
from .config import MatchConfig, load_config
from .highs import Model
from .model import MatchingInput, Problem

# The rule families this model writes (one block each below); "priority" is the objective.
HANDLED = frozenset({"forbid", "own_unit", "lock", "college_quota", "level_cap", "capacity", "change_budget",
                     "priority"})


@dataclasses.dataclass(frozen=True)
class BestN:
    n: int
    covered: int                      # priority classes covered by the best n cadres
    priority_classes: int
    cadre_ids: tuple                  # the chosen cadres (sorted by id)
    pairs: tuple                      # (cadre_id, class_id) covering the priority classes
    exact: bool                       # True when HiGHS proved the optimum (or the infeasibility)
    feasible: bool = True             # False: no assignment with at most n cadres keeps every rule
    assignment: tuple = ()            # every (cadre_id, class_id) of the witness, priority or not

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


class _Rows:
    """Sparse rows lo ≤ A v ≤ hi, added a block at a time: entries (local row, column, value)."""

    def __init__(self):
        self.rows, self.cols, self.vals, self.lo, self.hi = [], [], [], [], []
        self.count = 0

    def block(self, rows, cols, vals, lo, hi):
        """Rows 0 … len(lo)−1 of the block, with their bounds `lo`, `hi` (one value per row)."""
        lo, hi = np.asarray(lo, dtype=float).reshape(-1), np.asarray(hi, dtype=float).reshape(-1)
        rows = np.asarray(rows, dtype=np.int64)
        self.rows.append(rows + self.count)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), rows.shape))
        self.lo.append(lo)
        self.hi.append(hi)
        self.count += len(lo)

    def add(self, cols, vals, lo, hi):
        """One row."""
        cols = np.asarray(cols, dtype=np.int64)
        self.block(np.zeros(len(cols), dtype=np.int64), cols, vals, [lo], [hi])

    def matrix(self, ncols):
        def cat(a, dtype):
            return np.concatenate(a).astype(dtype) if a else np.zeros(0, dtype)
        A = sp.csc_matrix((cat(self.vals, float), (cat(self.rows, np.int64), cat(self.cols, np.int64))),
                          shape=(self.count, ncols))
        return A, cat(self.lo, float), cat(self.hi, float)


def class_groups(prob: Problem, ok: np.ndarray, budget: bool) -> np.ndarray:
    """Group index of every class: classes no rule tells apart (same college, priority flag, cadres
    allowed, previous holders when a change budget counts them; a locked class stays alone). Within a
    group any count of classes per cadre can be handed out as distinct classes, so the model counts
    classes per (cadre, group) — exact, and much smaller than one column per pair."""
    m = prob.m
    locked = np.full(m, -1, dtype=np.int64)
    for r in prob.rules:
        if r.family == "lock":
            locked[r.j] = r.j
    keys = [prob.col[:, None], prob.priority[:, None].astype(np.int64), locked[:, None], ok.T.astype(np.int64)]
    if budget:
        prev = np.zeros((m, prob.n), dtype=np.int64)
        for i, j in prob.prev_pairs:
            prev[j, i] = 1
        keys.append(prev)
    _, g = np.unique(np.hstack(keys), axis=0, return_inverse=True)
    return g.reshape(-1)


@dataclasses.dataclass
class _Built:
    I: np.ndarray          # per x column: cadre
    G: np.ndarray          # per x column: class group
    members: list          # group -> its class indices
    cost: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    A: sp.csc_matrix
    lo: np.ndarray
    hi: np.ndarray


def _model(prob: Problem, n_max: int) -> _Built | None:
    """The MIP above, with classes in groups (class_groups): x_ig = classes of group g cadre i takes.
    Columns: x per (cadre, group) allowed, then z per cadre, then y per (cadre, counted college).
    Returns None when no answer can exist: a lock on a pair no rule allows, or quota minimums that n_max
    cadres cannot meet by counting (short_of_minimums)."""
    unknown = {r.family for r in prob.rules} - HANDLED
    if unknown:
        raise NotImplementedError(f"best_n: rule families {sorted(unknown)} are not modelled")
    n = prob.n
    # ---- Data
    ok = _allowed(prob)                                   # forbid, own_unit (and the scores file's pairs)
    locks = [(r.i, r.j) for r in prob.rules if r.family == "lock"]
    if any(not ok[i, j] for i, j in locks) or short_of_minimums(prob, ok, n_max):
        return None
    counts = [row for r in prob.rules for row in families.count_rows(r, prob)]   # (college, mask, coef, bound)
    counted = sorted({c for c, _, _, _ in counts})
    budget = next((r for r in prob.rules if r.family == "change_budget"), None)
    g_of = class_groups(prob, ok, budget is not None)
    ng = int(g_of.max()) + 1 if prob.m else 0
    members = [[] for _ in range(ng)]
    for j, g in enumerate(g_of.tolist()):
        members[g].append(j)
    rep = np.array([ms[0] for ms in members], dtype=np.int64)          # one class stands for its group
    size = np.array([len(ms) for ms in members], dtype=np.int64)
    g_col, g_pri = prob.col[rep], prob.priority[rep]
    # ---- Variables: x (nx, integer 0..min(cap_i, |g|)), z (n), y (ny)
    I, G = np.nonzero(ok[:, rep]) if ng else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    nx = len(I)
    y_at = np.full((n, prob.C), -1, dtype=np.int64)     # (cadre, counted college) -> column of y
    if counted:
        reach = np.zeros((n, prob.C), dtype=bool)
        reach[I, g_col[G]] = True
        reach[:, [c for c in range(prob.C) if c not in set(counted)]] = False
        yi, yc = np.nonzero(reach)
        y_at[yi, yc] = nx + n + np.arange(len(yi))
    y_who = np.nonzero(y_at >= 0)[0] if counted else np.zeros(0, np.int64)
    ny = int((y_at >= 0).sum())
    ncols = nx + n + ny
    lb, ub = np.zeros(ncols), np.ones(ncols)
    ub[:nx] = np.minimum(prob.cap[I], size[G])
    ub[nx:nx + n][prob.cap == 0] = 0.0               # a cadre without classes is never one of the n
    rows = _Rows()
    xs = np.arange(nx)
    # ---- Constraints
    # capacity: Σ_g x_ig − cap_i z_i = 0
    rows.block(np.concatenate([I, np.arange(n)]), np.concatenate([xs, nx + np.arange(n)]),
               np.concatenate([np.ones(nx), -prob.cap.astype(float)]), np.zeros(n), np.zeros(n))
    # each class at most one adviser: Σ_i x_ig ≤ |g| (only where the bounds alone allow more)
    room = np.bincount(G, weights=ub[:nx], minlength=ng)
    tight = np.flatnonzero(room > size)
    row_of = np.full(ng, -1, dtype=np.int64)
    row_of[tight] = np.arange(len(tight))
    s_ = row_of[G] >= 0
    rows.block(row_of[G[s_]], xs[s_], 1.0, np.full(len(tight), -np.inf), size[tight].astype(float))
    # lock: the locked class (a group of its own) is taken by its cadre
    for i, j in locks:
        lb[np.flatnonzero((I == i) & (G == g_of[j]))] = 1.0
    # college quota / level cap: count cadres through y (families.count_rows: coef · count ≤ coef · bound)
    for c, mask, coef, bound in counts:
        ys = y_at[mask, c]
        rows.add(ys[ys >= 0], coef, -np.inf, coef * bound)
    # y_ic = 1 exactly when cadre i takes a class of college c: y_ic ≤ Σ_{g ∈ c} x_ig ≤ cap_i · y_ic
    yx = y_at[I, g_col[G]]
    lk = np.flatnonzero(yx >= 0)
    yr = yx[lk] - nx - n
    capy = prob.cap[y_who].astype(float)
    rows.block(np.concatenate([yr, np.arange(ny)]), np.concatenate([lk, nx + n + np.arange(ny)]),
               np.concatenate([np.ones(len(lk)), -capy]), np.full(ny, -np.inf), np.zeros(ny))
    rows.block(np.concatenate([yr, np.arange(ny)]), np.concatenate([lk, nx + n + np.arange(ny)]),
               np.concatenate([-np.ones(len(lk)), np.ones(ny)]), np.full(ny, -np.inf), np.zeros(ny))
    # change budget: classes outside the previous round (a group's previous holders are the same for all)
    if budget is not None:
        prev = set(prob.prev_pairs)
        new = [k for k in range(nx) if (int(I[k]), int(rep[G[k]])) not in prev]
        rows.add(new, 1.0, -np.inf, float(prob.cfg.change_budget))
    # at most n cadres
    rows.add(np.arange(nx, nx + n), 1.0, -np.inf, float(n_max))
    A, lo, hi = rows.matrix(ncols)
    # ---- Objective: priority classes covered; among equal coverage, fewest cadres (n + 1 > any count)
    cost = np.zeros(ncols)
    cost[:nx] = (n + 1) * g_pri[G].astype(float)
    cost[nx:nx + n] = -1.0
    return _Built(I, G, members, cost, lb, ub, A, lo, hi)


def _hand_out(prob: Problem, b: _Built, v: np.ndarray) -> list:
    """Pairs (i, j) from the group counts: each group's classes handed out in order (distinct classes)."""
    left = [list(ms) for ms in b.members]
    pairs = []
    for k in np.flatnonzero(v[:len(b.I)]).tolist():
        g = int(b.G[k])
        for _ in range(int(v[k])):
            pairs.append((int(b.I[k]), left[g].pop(0)))
    return pairs


def short_of_minimums(prob: Problem, ok: np.ndarray, n_max: int) -> bool:
    """A counting proof that no n_max cadres can meet the quota minimums: college c needs lo_c distinct
    cadres (the largest minimum a counting row sets for it), and cadre i counts in at most
    min(cap_i, colleges with a minimum it may take a class of); if the n_max largest of these add up to
    less than Σ_c lo_c, there is no answer (the MIP's own LP can take seconds to find this out)."""
    need: dict[int, float] = {}
    for r in prob.rules:
        for c, _mask, coef, bound in families.count_rows(r, prob):
            if coef < 0:
                need[c] = max(need.get(c, 0.0), float(bound))
    if not need:
        return False
    reach = np.stack([ok[:, prob.col == c].any(axis=1) for c in sorted(need)], axis=1).sum(axis=1)
    give = np.sort(np.minimum(prob.cap, reach))[::-1]
    return float(give[:max(n_max, 0)].sum()) < sum(need.values())


def best_n(prob: Problem, n_max: int, time_limit_s: float | None = None, cancel=None) -> BestN:
    """The n_max (or fewer) cadres covering the most priority classes under every rule, and how.
    `cancel`: a flag (threading.Event) that stops HiGHS (highs.Cancelled is raised)."""
    total = int(prob.priority.sum())
    b = _model(prob, n_max)
    if b is None:                       # proven without a solve
        return BestN(n_max, 0, total, (), (), True, False)
    nx, n = len(b.I), prob.n
    # ---- Solve
    m = Model(seed=prob.cfg.seed, threads=1, cancel=cancel,
              deadline=time.perf_counter() + (time_limit_s or prob.cfg.time_limit_s))
    m.load(b.cost, b.lb, b.ub, b.A, b.lo, b.hi, integer=True)
    status = m.run()
    if status == "infeasible":          # e.g. more locked cadres than n, a quota minimum n cannot meet
        return BestN(n_max, 0, total, (), (), True, False)
    if not m.has_solution():
        return BestN(n_max, 0, total, (), (), False, False)
    v = np.round(m.values()).astype(int)
    chosen = tuple(sorted(prob.cadre_ids[i] for i in np.flatnonzero(v[nx:nx + n])))
    every = tuple(sorted((prob.cadre_ids[i], prob.class_ids[j]) for i, j in _hand_out(prob, b, v)))
    pairs = tuple(p for p in every if prob.priority[prob.cj[p[1]]])
    return BestN(n_max, len(pairs), total, chosen, pairs, status == "optimal", True, every)


def sweep(inp: MatchingInput, ns, cfg: MatchConfig | None = None) -> list[BestN]:
    """best_n for each n in `ns` (the data's own capacities and rules)."""
    prob = Problem(inp, cfg or load_config(None))
    return [best_n(prob, int(k)) for k in ns]
