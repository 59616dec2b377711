"""Exact solver: LP column generation over ALL pairs, Lagrangian bound, reduced-cost fixing, MIP.

Model (x_ij ∈ {0,1} for allowed pairs; y_ic ∈ {0,1} "cadre i advises college c" for capacity>1 cadres):
  cadre i      Σ_j x_ij = cap_i                      (≤ when the capacity rule is relaxed in a diagnosis)
  class j      Σ_i x_ij ≤ 1   (= 1 for priority classes when priority = "hard")
  quota c      lo ≤ Σ_{cap_i=1} Σ_{j∈c} x_ij + Σ_{cap_i>1} y_ic ≤ hi    (counts cadres, not classes)
  level cap    same count restricted to cadres of one level ≤ hi
  link         Σ_{j∈c} x_ij ≤ cap_i y_ic,  y_ic ≤ Σ_{j∈c} x_ij
  budget       Σ_{(i,j) ∉ previous} x_ij ≤ k
  lock         x_ij = 1;  forbid: x_ij absent
Any multipliers λ (sign-correct) give the Lagrangian bound UB(λ) = λ·b + Σ_all pairs max(0, rc_ij) + Σ_y max(0, rc_y).
A pair with rc_ij < -g cannot be in any solution worth more than UB - g; so after a MIP over the pairs with
rc ≥ -g returns Z with UB - g ≤ Z, Z is optimal over all pairs (the proof the report's `pruned` refers to).
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.optimize._highspy import _core as hc  # HiGHS object API, for warm-started column generation

from .model import Problem

NEG = -np.inf
POOL_K_CADRE, POOL_K_CLASS, ADD_K = 8, 2, 6


class Cancelled(Exception):
    pass


@dataclasses.dataclass
class Opts:
    disabled: frozenset = frozenset()        # Rule.key of rules switched off (diagnosis)
    requires: tuple = ()                     # ((i, class index array), ...): cadre i gets ≥1 of these
    rank_max: int | None = None              # fair: cadres with wishes only get classes of rank ≤ this
    min_fit: float | None = None             # fair: no pair with fit below this (scaled)
    time_limit: float = 60.0
    warm_pool: object = None                 # pair keys (i*m+j) from an earlier solve: fewer LP rounds
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


def _check(opts: Opts, frac: float, msg: str):
    c = opts.cancel
    if c is not None and (c.is_set() if hasattr(c, "is_set") else c()):
        raise Cancelled()
    if opts.progress is not None:
        # phases may restart their own counters (phase 1, fair probes): never report going backwards
        f = max(opts.p0 + (opts.p1 - opts.p0) * frac, opts.last[0])
        opts.last[0] = f
        opts.progress(f, msg)


class _Space:
    """Allowed pairs with their objective weights, after rules/filters of this solve."""

    def __init__(self, prob: Problem, opts: Opts, active_forbids, own_forbid: bool):
        self.prob = prob
        n, m = prob.n, prob.m
        self.n, self.m = n, m
        cap0 = prob.cap == 0
        if prob.dense:
            W = prob.W.copy()
            W[cap0, :] = NEG
            if own_forbid:
                W[prob.unit_col[:, None] == prob.col[None, :]] = NEG
            for r in active_forbids:
                if r.j >= 0:
                    W[r.i, r.j] = NEG
                else:
                    W[r.i, prob.col == r.c] = NEG
            if opts.rank_max is not None and prob.pref_r is not None:
                ok = (prob.pref_r >= 1) & (prob.pref_r <= opts.rank_max)
                W[prob.has_pref_cadre[:, None] & ~ok] = NEG
            if opts.min_fit is not None:
                W[prob.fit < opts.min_fit] = NEG
            self.W = W
            self.dense = True
        else:
            I, J, w = prob.I, prob.J, prob.w
            keep = ~cap0[I]
            if own_forbid:
                keep &= prob.unit_col[I] != prob.col[J]
            if active_forbids:
                pk = np.array([r.i * m + r.j for r in active_forbids if r.j >= 0], dtype=np.int64)
                ck = np.array([r.i * prob.C + r.c for r in active_forbids if r.j < 0], dtype=np.int64)
                if len(pk):
                    keep &= ~np.isin(I * m + J, pk)
                if len(ck):
                    keep &= ~np.isin(I * prob.C + prob.col[J], ck)
            if opts.min_fit is not None:
                keep &= prob.fitw >= opts.min_fit
            self.I, self.J, self.w = I[keep], J[keep], w[keep]
            self.dense = False
        self.maxabs = float(np.abs(self.weights_finite()).max()) if self.count() else 0.0

    def weights_finite(self):
        return self.W[np.isfinite(self.W)] if self.dense else self.w

    def count(self) -> int:
        return int(np.isfinite(self.W).sum()) if self.dense else len(self.w)

    def weight(self, I, J):
        if self.dense:
            return self.W[I, J]
        keys = self.I * self.m + self.J
        k = np.searchsorted(keys, I * self.m + J)
        k = np.minimum(k, len(keys) - 1)
        out = np.where(keys[k] == I * self.m + J, self.w[k], NEG) if len(keys) else np.full(len(I), NEG)
        return out

    def initial_pool(self, k_cadre: int, k_class: int):
        prob = self.prob
        if self.dense:
            W = self.W
            n, m = W.shape
            k = min(k_cadre, m)
            parts_i, parts_j = [], []
            if k and m and n:
                kk = np.minimum(k + prob.cap, m)
                kmax = int(kk.max())
                idx = np.argpartition(-W, kmax - 1, axis=1)[:, :kmax] if kmax < m else \
                    np.tile(np.arange(m), (n, 1))
                rows = np.repeat(np.arange(n), idx.shape[1])
                cols = idx.ravel()
                rank_in = np.tile(np.arange(idx.shape[1]), n)
                sel = rank_in < kk[rows]
                parts_i.append(rows[sel])
                parts_j.append(cols[sel])
            if n and m and k_class:
                kc = min(k_class, n)
                idx = np.argpartition(-W, kc - 1, axis=0)[:kc, :] if kc < n else np.tile(np.arange(n)[:, None], (1, m))
                parts_i.append(idx.ravel())
                parts_j.append(np.tile(np.arange(m), idx.shape[0]))
            I = np.concatenate(parts_i) if parts_i else np.zeros(0, np.int64)
            J = np.concatenate(parts_j) if parts_j else np.zeros(0, np.int64)
            ok = np.isfinite(W[I, J])
            return I[ok], J[ok]
        I, J, w = self.I, self.J, self.w
        o = np.lexsort((-w, I))
        Io = I[o]
        start = np.searchsorted(Io, Io, "left")
        pos = np.arange(len(Io)) - start
        sel = o[pos < (k_cadre + prob.cap[Io])]
        o2 = np.lexsort((-w, J))
        Jo = J[o2]
        pos2 = np.arange(len(Jo)) - np.searchsorted(Jo, Jo, "left")
        sel2 = o2[pos2 < k_class]
        s = np.union1d(sel, sel2)
        return I[s], J[s]

    def rc_blocks(self, u, v, G, lam_b, prevset_keys, reqs):
        """Yield (I, J, rc) for every allowed pair, chunked (dense: row blocks)."""
        prob = self.prob
        col = prob.col
        if self.dense:
            n, m = self.W.shape
            step = max(1, 2_000_000 // max(m, 1))
            for a in range(0, n, step):
                b = min(n, a + step)
                R = self.W[a:b] - u[a:b, None] - v[None, :] - G[a:b][:, col]
                if lam_b:
                    R -= lam_b
                yield a, b, R
        else:
            I, J = self.I, self.J
            rc = self.w - u[I] - v[J] - G[I, col[J]]
            if lam_b:
                rc = rc - lam_b
            yield None, None, rc


class _LP:
    """Rows and the sparse matrix for a pool of pair columns."""

    def __init__(self, prob: Problem, opts: Opts, rules):
        self.prob = prob
        n, m, C = prob.n, prob.m, prob.C
        self.disabled = opts.disabled
        act = [r for r in rules if r.key not in opts.disabled]
        self.cap_relaxed = any(r.family == "capacity" for r in rules if r.key in opts.disabled)
        prio_hard = prob.cfg.priority == "hard" and not any(
            r.family == "priority" for r in rules if r.key in opts.disabled)
        self.locks = sorted({(r.i, r.j) for r in act if r.family == "lock"})   # a repeated lock is one lock
        sense, rhs = [], []
        # cadre rows, class rows
        sense += ["ub" if self.cap_relaxed else "eq"] * n
        rhs += list(prob.cap.astype(float))
        cls_eq = prob.priority & prio_hard
        sense += ["eq" if e else "ub" for e in cls_eq]
        rhs += [1.0] * m
        self.cls_eq = cls_eq
        cap1 = prob.cap == 1
        big = prob.cap > 1
        lev = np.array(prob.level)
        # layers: (row, cadre mask of capacity-1 cadres, college, coef); ymask: cap>1 cadres with y coef
        self.layers = []
        self.rule_rows = {}
        linked = set()
        for r in act:
            if r.family == "college_quota":
                for bound, coef in ((r.hi, 1.0), (r.lo, -1.0)):
                    if bound is None:
                        continue
                    row = len(sense)
                    sense.append("ub")
                    rhs.append(coef * bound)
                    self.layers.append((row, cap1, r.c, coef, big))
                    self.rule_rows.setdefault(r.key, []).append(row)
                    linked.add(r.c)
            elif r.family == "level_cap":
                row = len(sense)
                sense.append("ub")
                rhs.append(float(r.hi))
                sel = lev == r.level
                self.layers.append((row, cap1 & sel, r.c, 1.0, big & sel))
                self.rule_rows.setdefault(r.key, []).append(row)
                linked.add(r.c)
        # y variables and link rows for capacity>1 cadres
        li, lc = [], []
        for i in np.flatnonzero(big):
            for c in sorted(linked):
                li.append(i)
                lc.append(c)
        self.li = np.array(li, dtype=np.int64)
        self.lc = np.array(lc, dtype=np.int64)
        ny = len(li)
        self.ra = np.arange(len(sense), len(sense) + ny)
        sense += ["ub"] * ny
        rhs += [0.0] * ny
        self.rb = np.arange(len(sense), len(sense) + ny)
        sense += ["ub"] * ny
        rhs += [0.0] * ny
        self.LA = np.full((n, C), -1, dtype=np.int64)
        self.LA[self.li, self.lc] = np.arange(ny)
        self.budget_row = None
        bud = [r for r in act if r.family == "change_budget"]
        if bud:
            self.budget_row = len(sense)
            sense.append("ub")
            rhs.append(float(prob.cfg.change_budget))
        self.req_rows = []
        for i, js in opts.requires:
            self.req_rows.append((len(sense), i, np.asarray(js)))
            sense.append("ub")
            rhs.append(-1.0)
        self.sense = np.array(sense)
        self.rhs = np.array(rhs)
        self.nrows = len(sense)
        self.ny = ny

    def dyn_rows(self, I, J):
        """x_ij ≤ y_ic for the pool's columns of capacity>1 cadres (the strong form of the link; a
        column outside the pool has no such row yet, i.e. multiplier 0, which keeps pricing valid)."""
        if not self.ny:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        t = self.LA[I, self.prob.col[J]]
        kcols = np.flatnonzero(t >= 0)
        return kcols, t[kcols]

    def x_entries(self, I, J, prevflag):
        prob = self.prob
        n = prob.n
        k = np.arange(len(I))
        rows = [I, n + J]
        cols = [k, k]
        vals = [np.ones(len(I)), np.ones(len(I))]
        kc, _ = self.dyn_rows(I, J)
        rows.append(self.nrows + np.arange(len(kc)))
        cols.append(kc)
        vals.append(np.ones(len(kc)))
        cj = prob.col[J]
        for row, cmask, c, coef, _ in self.layers:
            s = cmask[I] & (cj == c)
            rows.append(np.full(s.sum(), row))
            cols.append(k[s])
            vals.append(np.full(s.sum(), coef))
        if self.ny:
            t = self.LA[I, cj]
            s = t >= 0
            rows += [self.ra[t[s]], self.rb[t[s]]]
            cols += [k[s], k[s]]
            vals += [np.ones(s.sum()), -np.ones(s.sum())]
        if self.budget_row is not None:
            s = ~prevflag
            rows.append(np.full(s.sum(), self.budget_row))
            cols.append(k[s])
            vals.append(np.ones(s.sum()))
        for row, i, js in self.req_rows:
            s = (I == i) & np.isin(J, js)
            rows.append(np.full(s.sum(), row))
            cols.append(k[s])
            vals.append(-np.ones(s.sum()))
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def y_entries(self, I=None, J=None):
        prob = self.prob
        k = np.arange(self.ny)
        rows = [self.ra, self.rb]
        cols = [k, k]
        vals = [-prob.cap[self.li].astype(float), np.ones(self.ny)]
        if I is not None:
            kc, yk = self.dyn_rows(I, J)
            rows.append(self.nrows + np.arange(len(kc)))
            cols.append(yk)
            vals.append(-np.ones(len(kc)))
        for row, _, c, coef, ymask in self.layers:
            s = ymask[self.li] & (self.lc == c)
            rows.append(np.full(s.sum(), row))
            cols.append(k[s])
            vals.append(np.full(s.sum(), coef))
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def G(self, lam):
        prob = self.prob
        G = np.zeros((prob.n, prob.C))
        for row, cmask, c, coef, _ in self.layers:
            G[cmask, c] += coef * lam[row]
        if self.ny:
            G[self.li, self.lc] += lam[self.ra] - lam[self.rb]
        return G

    def y_rc(self, lam, I=None, J=None):
        if not self.ny:
            return np.zeros(0)
        r, c, v = self.y_entries(I, J)
        return -np.bincount(c, weights=v * lam[r], minlength=self.ny)


def _prevflag(prob: Problem, I, J):
    if not len(prob.prev_keys):
        return np.zeros(len(I), dtype=bool)
    return np.isin(I * prob.m + J, prob.prev_keys)


def solve_core(prob: Problem, opts: Opts) -> Core:
    t0 = time.perf_counter()
    deadline = t0 + opts.time_limit
    rules = prob.rules
    act = [r for r in rules if r.key not in opts.disabled]
    forbids = [r for r in act if r.family == "forbid"]
    own_forbid = any(r.family == "own_unit" for r in act)
    _check(opts, 0.0, "建立模型 / building the model")
    space = _Space(prob, opts, forbids, own_forbid)
    lp = _LP(prob, opts, rules)
    n, m = prob.n, prob.m
    # locks must be allowed pairs, at most one per class
    if lp.locks:
        LI = np.array([a for a, _ in lp.locks])
        LJ = np.array([b for _, b in lp.locks])
        if not np.isfinite(space.weight(LI, LJ)).all() or len(set(LJ.tolist())) < len(LJ):
            return Core("infeasible", [])
    else:
        LI = LJ = np.zeros(0, dtype=np.int64)
    # ---- initial pool
    I0, J0 = space.initial_pool(POOL_K_CADRE, POOL_K_CLASS)
    PI = np.array([a for a, _ in prob.prev_pairs], dtype=np.int64)
    PJ = np.array([b for _, b in prob.prev_pairs], dtype=np.int64)
    if len(PI):
        ok = np.isfinite(space.weight(PI, PJ))
        PI, PJ = PI[ok], PJ[ok]
    for i, js in opts.requires:
        js = np.asarray(js)
        okj = js[np.isfinite(space.weight(np.full(len(js), i), js))]
        I0 = np.concatenate([I0, np.full(len(okj), i)])
        J0 = np.concatenate([J0, okj])
    keys = np.unique(np.concatenate([I0 * m + J0, PI * m + PJ, LI * m + LJ]).astype(np.int64))
    if opts.warm_pool is not None and len(opts.warm_pool):
        wk = np.asarray(opts.warm_pool, dtype=np.int64)
        wk = wk[np.isfinite(space.weight(wk // m, wk % m))]
        keys = np.union1d(keys, wk)
    pool_I, pool_J = keys // m, keys % m
    maxabs = space.maxabs
    tol = 1e-7 * max(1.0, maxabs)
    lock_keys = np.unique(LI * m + LJ)
    t_lp = time.perf_counter()

    def run_lp(pool_I, pool_J, phase1: bool, art_ub: float, max_iter=200):
        """Column generation on one HiGHS model kept warm between rounds (new columns and their link
        rows are appended, the simplex restarts from the previous basis)."""
        h = hc._Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", int(prob.cfg.seed))
        h.setOptionValue("presolve", "off")
        nx = len(pool_I)
        pf = _prevflag(prob, pool_I, pool_J)
        r1, c1, v1 = lp.x_entries(pool_I, pool_J, pf)
        r2, c2, v2 = lp.y_entries(pool_I, pool_J)
        kc, yk = lp.dyn_rows(pool_I, pool_J)
        nd = len(kc)
        nart = lp.nrows
        art_sign = np.where(lp.sense == "eq", 1.0, -1.0)
        rows = np.concatenate([r1, r2, np.arange(nart)])
        cols = np.concatenate([c1, nx + c2, nx + lp.ny + np.arange(nart)])
        vals = np.concatenate([v1, v2, art_sign])
        ncol = nx + lp.ny + nart
        A = sp.csc_matrix((vals, (rows, cols)), shape=(lp.nrows + nd, ncol))
        M = 1.0 if phase1 else 100.0 * (maxabs + 1.0)
        wx = np.zeros(nx) if phase1 else space.weight(pool_I, pool_J)
        cost = np.concatenate([wx, np.zeros(lp.ny), np.full(nart, -M)])
        lb = np.zeros(ncol)
        ub = np.ones(ncol)
        ub[nx + lp.ny:] = art_ub
        lb[:nx][np.isin(pool_I * m + pool_J, lock_keys)] = 1.0
        model = hc.HighsLp()
        model.num_col_, model.num_row_ = ncol, lp.nrows + nd
        model.col_cost_, model.col_lower_, model.col_upper_ = cost, lb, ub
        eqr = np.concatenate([lp.sense == "eq", np.zeros(nd, bool)])
        rhs = np.concatenate([lp.rhs, np.zeros(nd)])
        model.row_lower_ = np.where(eqr, rhs, -np.inf)
        model.row_upper_ = rhs
        model.a_matrix_.format_ = hc.MatrixFormat.kColwise
        model.a_matrix_.start_ = A.indptr.astype(np.int32)
        model.a_matrix_.index_ = A.indices.astype(np.int32)
        model.a_matrix_.value_ = A.data.astype(np.float64)
        model.sense_ = hc.ObjSense.kMaximize
        h.passModel(model)
        xcol = np.arange(nx)                        # HiGHS column of each pool pair
        dyn_key = pool_I[kc] * m + pool_J[kc]       # one link row per capacity>1 pool pair
        dyn_y = yk
        it = 0
        while True:
            it += 1
            _check(opts, min(0.6, 0.05 + 0.05 * it), f"线性松弛第{it}轮 / LP round {it}")
            h.setOptionValue("time_limit", max(1.0, deadline - time.perf_counter()))
            h.run()
            st = h.getModelStatus()
            if st == hc.HighsModelStatus.kInfeasible:
                return None
            if st != hc.HighsModelStatus.kOptimal:
                raise RuntimeError(f"LP solver failed: {h.modelStatusToString(st)}")
            sol = h.getSolution()
            lam = np.asarray(sol.row_dual, dtype=np.float64)
            lam[:lp.nrows] = np.where(lp.sense == "eq", lam[:lp.nrows], np.maximum(lam[:lp.nrows], 0.0))
            lam[lp.nrows:] = np.maximum(lam[lp.nrows:], 0.0)
            colv = np.asarray(sol.col_value)
            dyn = (dyn_key, dyn_y, lam[lp.nrows:])
            UB, cand = price(lam[:lp.nrows], dyn, pool_I, pool_J, phase1, collect=True)
            if not len(cand[0]) or it >= max_iter or time.perf_counter() > deadline:
                return {"x": colv[xcol], "y": colv[nx:nx + lp.ny], "art": colv[nx + lp.ny:nx + lp.ny + nart],
                        "lam": lam[:lp.nrows], "dyn": dyn, "I": pool_I, "J": pool_J, "UB": UB, "it": it}
            CI, CJ = cand
            # append columns (static rows) then their link rows
            pfn = _prevflag(prob, CI, CJ)
            r, c, v = lp.x_entries(CI, CJ, pfn)
            keep = r < lp.nrows
            r, c, v = r[keep], c[keep], v[keep]
            o = np.lexsort((r, c))
            r, c, v = r[o], c[o], v[o]
            starts = np.searchsorted(c, np.arange(len(CI))).astype(np.int32)
            base = h.getNumCol()
            costs = np.zeros(len(CI)) if phase1 else space.weight(CI, CJ)
            h.addCols(len(CI), costs, np.zeros(len(CI)), np.ones(len(CI)), len(r), starts,
                      r.astype(np.int32), v.astype(np.float64))
            newcols = base + np.arange(len(CI))
            kc2, yk2 = lp.dyn_rows(CI, CJ)
            if len(kc2):
                idx = np.column_stack([newcols[kc2], nx + yk2]).ravel().astype(np.int32)
                vv = np.tile([1.0, -1.0], len(kc2))
                h.addRows(len(kc2), np.full(len(kc2), -np.inf), np.zeros(len(kc2)), len(idx),
                          (2 * np.arange(len(kc2))).astype(np.int32), idx, vv)
                dyn_key = np.concatenate([dyn_key, CI[kc2] * m + CJ[kc2]])
                dyn_y = np.concatenate([dyn_y, yk2])
            xcol = np.concatenate([xcol, newcols])
            pool_I = np.concatenate([pool_I, CI])
            pool_J = np.concatenate([pool_J, CJ])

    def price(lam, dyn, pool_I, pool_J, phase1, collect=False, keep_gap=None):
        u, v = lam[:n], lam[n:n + m]
        G = lp.G(lam)
        lam_b = lam[lp.budget_row] if lp.budget_row is not None else 0.0
        UB = float(lam @ lp.rhs)
        cand_I, cand_J, keep_I, keep_J = [], [], [], []
        in_pool = set((pool_I * m + pool_J).tolist()) if collect and not space.dense else None
        if collect and space.dense:
            pool_mask = np.zeros((n, m), dtype=bool)
            pool_mask[pool_I, pool_J] = True
        # corrections for pairs whose rc differs from the block formula (previous pairs, required sets)
        corr = {}
        if lam_b:
            for k in prob.prev_keys.tolist():
                corr[k] = corr.get(k, 0.0) + lam_b
        for row, i, js in lp.req_rows:
            for j in np.asarray(js).tolist():
                corr[i * m + j] = corr.get(i * m + j, 0.0) + lam[row]
        dyn_key, dyn_y, dyn_mu = dyn
        for k, mu in zip(dyn_key[dyn_mu > 0].tolist(), dyn_mu[dyn_mu > 0].tolist()):
            corr[k] = corr.get(k, 0.0) - mu
        ck = np.array(sorted(corr), dtype=np.int64)
        cv = np.array([corr[k] for k in ck.tolist()])
        lockset = lock_keys
        for a, b, R in space.rc_blocks(u, v, G, lam_b, None, None):
            if phase1:
                with np.errstate(invalid="ignore"):
                        R = np.where(np.isfinite(R), R - (space.W[a:b] if space.dense else space.w), R)
            if space.dense:
                if len(ck):
                    s = (ck // m >= a) & (ck // m < b)
                    R[ck[s] // m - a, ck[s] % m] += cv[s]
                if len(lockset):
                    s = (lockset // m >= a) & (lockset // m < b)
                    li, lj = lockset[s] // m - a, lockset[s] % m
                    UB += float(np.minimum(R[li, lj], 0.0).sum())   # lock column: rc, not max(0, rc)
                pos = R > 0
                UB += float(R[pos].sum())
                if collect:
                    ii, jj = np.nonzero(R > tol)
                    if len(ii):
                        fresh = ~pool_mask[ii + a, jj]
                        ii, jj = ii[fresh], jj[fresh]
                        rv = R[ii, jj]
                        o = np.lexsort((-rv, ii))
                        ii, jj = ii[o], jj[o]
                        rk = np.arange(len(ii)) - np.searchsorted(ii, ii, "left")
                        cand_I.append(ii[rk < ADD_K] + a)
                        cand_J.append(jj[rk < ADD_K])
                if keep_gap is not None:
                    ii, jj = np.nonzero(R >= -keep_gap)
                    keep_I.append(ii + a)
                    keep_J.append(jj)
            else:
                keys = space.I * m + space.J
                if len(ck):
                    pos = np.searchsorted(keys, ck)
                    pos = np.minimum(pos, max(len(keys) - 1, 0))
                    s = keys[pos] == ck if len(keys) else np.zeros(len(ck), bool)
                    R = R.copy()
                    R[pos[s]] += cv[s]
                if len(lockset):
                    pos = np.searchsorted(keys, lockset)
                    UB += float(np.minimum(R[pos], 0.0).sum())
                UB += float(np.maximum(R, 0.0).sum())
                if collect:
                    s = R > tol
                    if s.any():
                        fresh = ~np.isin(keys[s], np.fromiter(in_pool, np.int64, len(in_pool)))
                        ci_, cj_, cr_ = space.I[s][fresh], space.J[s][fresh], R[s][fresh]
                        o = np.lexsort((-cr_, ci_))
                        ci_, cj_ = ci_[o], cj_[o]
                        pos = np.arange(len(ci_)) - np.searchsorted(ci_, ci_, "left")
                        cand_I.append(ci_[pos < ADD_K])
                        cand_J.append(cj_[pos < ADD_K])
                if keep_gap is not None:
                    s = R >= -keep_gap
                    keep_I.append(space.I[s])
                    keep_J.append(space.J[s])
        yrc = lp.y_rc(lam) + (np.bincount(dyn_y, weights=dyn_mu, minlength=lp.ny) if lp.ny else 0.0)
        UB += float(np.maximum(yrc, 0.0).sum())
        cat = (lambda L: np.concatenate(L) if L else np.zeros(0, np.int64))
        if keep_gap is not None:
            return UB, (cat(keep_I), cat(keep_J))
        return UB, (cat(cand_I), cat(cand_J))

    out = run_lp(pool_I, pool_J, False, np.inf)
    if out is None:
        return Core("infeasible", [], phase_seconds={"lp": time.perf_counter() - t_lp})
    iters = out["it"]
    if out["art"].max(initial=0.0) > 1e-7:
        # Phase 1 (minimise artificials over all pairs) decides whether the LP over all pairs is feasible.
        o1 = run_lp(out["I"], out["J"], True, np.inf)
        if o1 is None or o1["UB"] < -1e-6:
            return Core("infeasible", [], iterations=iters + (o1["it"] if o1 else 0))
        out = run_lp(o1["I"], o1["J"], False, 0.0)
        if out is None:
            return Core("infeasible", [])
        iters += o1["it"] + out["it"]
    lam, dyn, pool_I, pool_J, UB = out["lam"], out["dyn"], out["I"], out["J"], out["UB"]
    nx = len(pool_I)
    ph = {"lp": time.perf_counter() - t_lp}
    _check(opts, 0.65, "整数解 / integer solution")
    xv, yv = out["x"], out["y"]
    integral = bool(np.all(np.abs(xv - np.round(xv)) < 1e-6) and np.all(np.abs(yv - np.round(yv)) < 1e-6))
    total_pairs = space.count()
    best = None
    if integral:
        s = np.round(xv) == 1
        cand = (pool_I[s], pool_J[s])
        Z = round(float(space.weight(*cand).sum()))
        if UB < Z + 1 - 1e-6:
            pairs = sorted(zip(cand[0].tolist(), cand[1].tolist()))
            ph["mip"] = 0.0
            return Core("optimal", pairs, Z, float(Z), total_pairs - nx, True, iters, pool_I * m + pool_J, ph)
        best = (Z, cand)
    # ---- reduced-cost fixing + exact MIP on what is left
    t_mip = time.perf_counter()
    # integer objective: if the optimum is floor(UB), pairs with rc < -(UB - floor(UB)) cannot be in it
    gap = max(UB - np.floor(UB + 1e-9) + tol, (UB - best[0]) if best else 0.0)
    status = "optimal"
    while True:
        _check(opts, 0.75, "约简后精确求解 / exact solve of the reduced model")
        UBk, (KI, KJ) = price(lam, dyn, pool_I, pool_J, False, keep_gap=gap)
        keys = np.unique(np.concatenate([KI * m + KJ, lock_keys]).astype(np.int64))
        KI, KJ = keys // m, keys % m
        remaining = deadline - time.perf_counter()
        r = _mip(prob, lp, space, KI, KJ, lock_keys, max(1.0, remaining))
        if r is None:                                   # infeasible on kept pairs
            if len(keys) >= total_pairs:
                return Core("infeasible", [], iterations=iters)
            gap *= 8
            continue
        Z, sel, proven = r
        if not proven:
            status = "feasible"
        if best is None or Z > best[0] or (Z == best[0] and status != "optimal"):
            best = (Z, (KI[sel], KJ[sel]))
        if not proven or UBk - gap <= best[0] + 1e-9 * max(1.0, abs(UBk)) or len(keys) >= total_pairs:
            pruned = total_pairs - len(keys)
            break
        gap = UBk - best[0]
    ph["mip"] = time.perf_counter() - t_mip
    Z, (BI, BJ) = best
    pairs = sorted(zip(BI.tolist(), BJ.tolist()))
    bound = float(Z) if status == "optimal" else UB
    return Core(status, pairs, int(Z), bound, pruned, False, iters, pool_I * m + pool_J, ph)


def _mip(prob, lp: _LP, space: _Space, KI, KJ, lock_keys, time_limit):
    m = prob.m
    pf = _prevflag(prob, KI, KJ)
    r1, c1, v1 = lp.x_entries(KI, KJ, pf)
    nx = len(KI)
    r2, c2, v2 = lp.y_entries(KI, KJ)
    nd = len(lp.dyn_rows(KI, KJ)[0])
    A = sp.csc_matrix((np.concatenate([v1, v2]), (np.concatenate([r1, r2]), np.concatenate([c1, nx + c2]))),
                      shape=(lp.nrows + nd, nx + lp.ny))
    w = space.weight(KI, KJ)
    cost = -np.concatenate([w, np.zeros(lp.ny)])
    rhs = np.concatenate([lp.rhs, np.zeros(nd)])
    lo = np.concatenate([np.where(lp.sense == "eq", lp.rhs, -np.inf), np.full(nd, -np.inf)])
    lb = np.zeros(len(cost))
    lb[:nx][np.isin(KI * m + KJ, lock_keys)] = 1.0
    res = milp(cost, constraints=LinearConstraint(A, lo, rhs), integrality=np.ones(len(cost)),
               bounds=Bounds(lb, np.ones(len(cost))),
               options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "disp": False})
    if res.x is None:
        if res.status == 2 or "infeasible" in str(res.message).lower():
            return None
        if res.status == 1:
            raise TimeoutError("time limit reached before any solution was found")
        raise RuntimeError(f"MIP solver failed: {res.message}")
    sel = np.round(res.x[:nx]) == 1
    Z = round(float(w[sel].sum()))
    return Z, sel, res.status == 0
