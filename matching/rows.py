"""Row layout of the exact model for one solve (which rules are in force, which pairs are columns).

Variables: x_ij ∈ {0,1} for allowed pairs; y_ic ∈ {0,1} "cadre i advises college c" for every cadre
with capacity > 1 and every college that a counting rule (quota, level cap) names.

    cadre i     Σ_j x_ij = cap_i                        (≤ when the capacity rule is off in a diagnosis)
    class j     Σ_i x_ij ≤ 1                            (= 1 for priority classes when priority = "hard")
    count r     Σ_{i ∈ r, cap_i = 1} Σ_{j ∈ c_r} x_ij + Σ_{i ∈ r, cap_i > 1} y_ic_r ≤ hi_r   (a min is
                written as −count ≤ −lo: both count cadres, not classes)
    cover       y_ic ≤ Σ_{j ∈ c} x_ij                   (y only counts a college the cadre advises)
    link        x_ij ≤ y_ic                             (one row per model pair of a capacity>1 cadre)
    cap-link    Σ_{j ∈ c} x_ij ≤ cap_i · y_ic           (a valid inequality: tightens the LP, see below)
    budget      Σ_{(i,j) ∉ previous} x_ij ≤ k
    require     Σ_{j ∈ J_i} x_ij ≥ 1                    (explanations: cadre i gets one of the classes J_i)

The cap-link rows cut off fractional points the link rows allow: a capacity-2 cadre spread as
x = 2/3 over three classes of one college meets every link with y_ic = 2/3, so a quota or level cap
counted that cadre as 2/3 (M seed 0: the whole LP gap of 3 units). Every integer solution meets
Σ_{j∈c} x_ij ≤ cap_i · y_ic — y_ic = 0 forces every x_ij of the college to 0 (links), y_ic = 1 leaves
the cadre row's cap_i — so the row cuts off no assignment; with the cadre row Σ_j x_ij = cap_i it is
the aggregated ("weak") form of the variable upper bounds x_ij ≤ y_ic, whose LP relaxation is weaker
than the disaggregated one in general but not implied by it when a college has more than cap_i classes
(Wolsey, *Integer Programming*, Wiley 1998, §1.6 and §9.6 on aggregated and disaggregated
formulations of fixed-charge / facility-location links). It touches every pair of the college, like
the cover row, so pricing charges it through the cadre's college price (`college_price`).

The link appears in this one form everywhere (model, MIP, pricing): a pair that is not yet a column
has no link row, i.e. multiplier 0, which keeps every reduced cost and bound below valid.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import families
from .model import Problem

# The cap-link rows (a valid inequality, see above) are separated, not added up front: each starts
# inactive — right-hand side cap_i, implied by the cadre row, never binding — and column generation
# switches it on (right-hand side 0) when an LP optimum violates it (`violated_cap_links`). All of them
# from the start doubled the LP rounds at L seed 1 (13 → 25, bound unchanged). False: never switched on
# (tests measure what they gain); the layout is the same either way.
CAP_LINK_ROWS = True
# A violation smaller than this is not separated: only speed depends on it (any subset of valid rows
# gives a valid bound).
CUT_TOL = 1e-6


class Rows:
    """Static rows (everything but the per-pair link rows) and how a pair or a y enters them."""

    def __init__(self, prob: Problem, active: list, disabled: frozenset, requires: tuple):
        self.prob = prob
        n, m = prob.n, prob.m
        off = {r.family for r in prob.rules if r.key in disabled}
        self.capacity_relaxed = "capacity" in off
        self.priority_hard = prob.cfg.priority == "hard" and "priority" not in off
        lo, hi = [], []
        cap = prob.cap.astype(float)
        lo += list(np.full(n, -np.inf) if self.capacity_relaxed else cap)
        hi += list(cap)
        self.class_eq = prob.priority & self.priority_hard
        lo += list(np.where(self.class_eq, 1.0, -np.inf))
        hi += [1.0] * m
        # count rows: (row, college, cadre mask, coefficient)
        self.counts = []
        for rule in active:
            for c, mask, coef, bound in families.count_rows(rule, prob):
                self.counts.append((len(hi), c, mask, coef))
                lo.append(-np.inf)
                hi.append(coef * bound)
        big = prob.cap > 1
        linked = sorted({c for _, c, _, _ in self.counts})
        self.y_cadre = np.repeat(np.flatnonzero(big), len(linked)).astype(np.int64)
        self.y_college = np.tile(np.array(linked, dtype=np.int64), int(big.sum()))
        self.ny = len(self.y_cadre)
        self.y_index = np.full((n, prob.C), -1, dtype=np.int64)
        self.y_index[self.y_cadre, self.y_college] = np.arange(self.ny)
        self.cover_row = len(hi) + np.arange(self.ny)
        lo += [-np.inf] * self.ny
        hi += [0.0] * self.ny
        self.caplink_row = len(hi) + np.arange(self.ny)
        lo += [-np.inf] * self.ny
        hi += list(cap[self.y_cadre])                  # inactive until violated (CAP_LINK_ROWS)
        self.budget_row = None
        if any(r.family == "change_budget" for r in active):
            self.budget_row = len(hi)
            lo.append(-np.inf)
            hi.append(float(prob.cfg.change_budget))
        self.requires = []
        for i, js in requires:
            self.requires.append((len(hi), int(i), np.asarray(js, dtype=np.int64)))
            lo.append(-np.inf)
            hi.append(-1.0)
        self.lo, self.hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
        self.count = len(hi)
        self.is_eq = self.lo == self.hi

    # ---------------------------------------------------------------- columns
    def x_matrix(self, I, J, previous_flag) -> sp.csc_matrix:
        """Static-row entries of the pair columns (i, j) (link rows excluded)."""
        prob = self.prob
        k = np.arange(len(I))
        rows, cols, vals = [I, prob.n + J], [k, k], [np.ones(len(I)), np.ones(len(I))]
        cj = prob.col[J]
        if self.counts:
            # a count row touches only the pairs of its college: visit those (pairs sorted by college)
            by_col = np.argsort(cj, kind="stable")
            start = np.searchsorted(cj[by_col], np.arange(prob.C + 1))
            cap1 = prob.cap == 1
        for row, c, mask, coef in self.counts:
            ks = by_col[start[c]:start[c + 1]]
            ks = ks[cap1[I[ks]] & mask[I[ks]]]
            rows.append(np.full(len(ks), row))
            cols.append(ks)
            vals.append(np.full(len(ks), coef))
        yk = self.y_index[I, cj]
        s = yk >= 0
        rows += [self.cover_row[yk[s]], self.caplink_row[yk[s]]]
        cols += [k[s], k[s]]
        vals += [-np.ones(s.sum()), np.ones(s.sum())]
        if self.budget_row is not None:
            s = ~previous_flag
            rows.append(np.full(s.sum(), self.budget_row))
            cols.append(k[s])
            vals.append(np.ones(s.sum()))
        for row, i, js in self.requires:
            s = (I == i) & np.isin(J, js)
            rows.append(np.full(s.sum(), row))
            cols.append(k[s])
            vals.append(-np.ones(s.sum()))
        return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(self.count, len(I)))

    def y_matrix(self) -> sp.csc_matrix:
        """Static-row entries of the y columns (the same for every model of this solve: built once)."""
        if getattr(self, "_y_matrix", None) is None:
            self._y_matrix = self._build_y_matrix()
        return self._y_matrix

    def _build_y_matrix(self) -> sp.csc_matrix:
        k = np.arange(self.ny)
        rows, cols, vals = [self.cover_row, self.caplink_row], [k, k], \
            [np.ones(self.ny), -self.prob.cap[self.y_cadre].astype(float)]
        for row, c, mask, coef in self.counts:
            s = mask[self.y_cadre] & (self.y_college == c)
            rows.append(np.full(s.sum(), row))
            cols.append(k[s])
            vals.append(np.full(s.sum(), coef))
        return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(self.count, self.ny))

    def links(self, I, J):
        """(position in I, y index) of every pair that gets a link row x_ij ≤ y_ic."""
        yk = self.y_index[I, self.prob.col[J]]
        pos = np.flatnonzero(yk >= 0)
        return pos, yk[pos]

    def violated_cap_links(self, I, J, x, y) -> np.ndarray:
        """y indices whose cap-link row is inactive and violated by the LP point (x over the pairs I, J;
        y over all y): Σ_{j∈c} x_ij > cap_i · y_ic + INT_TOL. Empty when CAP_LINK_ROWS is off."""
        if not (CAP_LINK_ROWS and self.ny):
            return np.zeros(0, np.int64)
        pos, yk = self.links(I, J)
        load = np.bincount(yk, weights=x[pos], minlength=self.ny)
        off = self.hi[self.caplink_row] > 0
        return np.flatnonzero(off & (load > self.prob.cap[self.y_cadre] * y + CUT_TOL))

    def activate_cap_links(self, ks) -> np.ndarray:
        """Switch the cap-link rows of y indices `ks` on (right-hand side 0); returns their row numbers."""
        rows = self.caplink_row[ks]
        self.hi[rows] = 0.0
        return rows

    # ---------------------------------------------------------------- duals → reduced costs
    def college_price(self, lam) -> np.ndarray:
        """G[i, c]: what the count and cover rows charge cadre i for a class of college c."""
        prob = self.prob
        G = np.zeros((prob.n, prob.C))
        cap1 = prob.cap == 1
        for row, c, mask, coef in self.counts:
            G[cap1 & mask, c] += coef * lam[row]
        G[self.y_cadre, self.y_college] += lam[self.caplink_row] - lam[self.cover_row]
        return G

    def sparse_corrections(self, lam, m: int, previous_keys):
        """Pair keys (i·m + j) whose reduced cost differs from the dense formula
        W − u − v − G − λ_budget, and by how much (previous pairs are not charged the budget;
        required pairs earn their require row)."""
        keys, vals = [], []
        if self.budget_row is not None and lam[self.budget_row]:
            keys.append(previous_keys)
            vals.append(np.full(len(previous_keys), lam[self.budget_row]))
        for row, i, js in self.requires:
            keys.append(i * m + js)
            vals.append(np.full(len(js), lam[row]))
        if not keys:
            return np.zeros(0, np.int64), np.zeros(0)
        k = np.concatenate(keys).astype(np.int64)
        v = np.concatenate(vals)
        uk, inv = np.unique(k, return_inverse=True)
        return uk, np.bincount(inv, weights=v, minlength=len(uk))

    def budget_price(self, lam) -> float:
        return float(lam[self.budget_row]) if self.budget_row is not None else 0.0

    def y_reduced_costs(self, lam, link_y, link_mu) -> np.ndarray:
        """rc of each y: 0 − (its static-row prices) + Σ of its link-row multipliers."""
        if not self.ny:
            return np.zeros(0)
        Y = self.y_matrix()
        rc = -(Y.T @ lam)
        return rc + np.bincount(link_y, weights=link_mu, minlength=self.ny)
