"""The pairs one solve may use, their integer weights, and pricing: reduced costs of every pair.

Pricing is the only place that touches all n·m pairs; it runs in row blocks of about two million
entries so that no n×m temporary is ever built beside the weights themselves.
"""
from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import families, memory
from .model import Problem

NEG = -np.inf
PARALLEL_MIN_BLOCKS = 4   # a pass of fewer blocks than this per thread runs in one thread
BLOCK_ENTRIES = 500_000    # 4 MB blocks stay in the L3 cache: L pricing 3–5 % faster than 2,000,000 (min of 3, seeds 0/2/3)


@dataclasses.dataclass
class Prices:
    """Row multipliers turned into what a pair pays: rc_ij = W_ij − u_i − vg[group_i, j] − budget
    + corrections (sparse: previous pairs, required pairs, link rows of model pairs)."""
    u: np.ndarray
    group: np.ndarray          # cadre -> row of vg
    vg: np.ndarray             # distinct rows of v_j + G[i, col_j]
    budget: float
    corr_keys: np.ndarray      # sorted pair keys i·m + j
    corr_vals: np.ndarray


@dataclasses.dataclass
class _BlockPrice:
    lock: float = 0.0                       # Σ min(0, rc) of the locks in the block
    positive: float = 0.0                   # Σ max(0, rc)
    new: tuple | None = None                # (I, J, rc) of the best collectable pairs per cadre
    rest: tuple | None = None               # (I, rc) of the other collectable pairs
    kept: tuple | None = None               # (I, J) with rc ≥ −keep_gap


@dataclasses.dataclass
class Priced:
    bound_part: float                       # Σ max(0, rc) over all pairs (locks: rc)
    new_I: np.ndarray = None                # pairs with rc > tolerance outside the model (best first per cadre)
    new_J: np.ndarray = None
    new_rc: np.ndarray = None
    row_bound: np.ndarray = None            # per cadre: rc of every collectable pair not returned is ≤ this
    kept_I: np.ndarray = None               # pairs with rc ≥ −gap
    kept_J: np.ndarray = None


class PairSpace:
    """Allowed pairs (all rules that remove pairs applied) with the objective weight of each."""

    def __init__(self, prob: Problem, opts, active: list):
        self.prob, self.n, self.m = prob, prob.n, prob.m
        self._buffers: list[np.ndarray] = []      # block buffers of the dense passes (_in_threads)
        self._pass_lock = threading.Lock()
        excluded = [r for r in active if families.family(r.family).excludes]
        own = any(r.family == "own_unit" for r in excluded)
        forbids = [r for r in excluded if r.family == "forbid"]
        cap0 = prob.cap == 0
        self.maxabs = prob.maxabs
        if prob.dense:
            # The weights stay shared with the problem (no n×m copy). Pairs removed by whole colleges
            # (own unit, forbid of a college) and cadres with capacity 0 are `ex_col[i, c] = +inf`:
            # pricing adds it to what cadre i pays for every class of college c (state._prices), so
            # those reduced costs are −inf without any extra pass; single-pair forbids are the sparse
            # keys `ex_keys`. Only the fair objective's probes (rank_max, min_fit) mask a copy.
            W = prob.W
            if opts.rank_max is not None or opts.min_fit is not None:
                W = W.copy()
                if opts.rank_max is not None and prob.pref_r is not None:
                    ok = (prob.pref_r >= 1) & (prob.pref_r <= opts.rank_max)
                    W[prob.has_pref_cadre[:, None] & ~ok] = NEG
                if opts.min_fit is not None:
                    W[prob.fit < opts.min_fit] = NEG
            ex = np.zeros((self.n, prob.C))
            ex[cap0, :] = np.inf
            if own:
                has = np.flatnonzero(prob.unit_col >= 0)
                ex[has, prob.unit_col[has]] = np.inf
            for r in forbids:
                if r.j < 0:
                    ex[r.i, r.c] = np.inf
            self.ex_col = ex
            self.ex_keys = np.unique(np.array([r.i * prob.m + r.j for r in forbids if r.j >= 0], dtype=np.int64))
            self.W, self.dense = W, True
            self._copied = W is not prob.W
        else:
            I, J = prob.I, prob.J
            keep = ~cap0[I]
            if own:
                keep &= prob.unit_col[I] != prob.col[J]
            pk = np.array([r.i * prob.m + r.j for r in forbids if r.j >= 0], dtype=np.int64)
            ck = np.array([r.i * prob.C + r.c for r in forbids if r.j < 0], dtype=np.int64)
            if len(pk):
                keep &= ~np.isin(I * prob.m + J, pk)
            if len(ck):
                keep &= ~np.isin(I * prob.C + prob.col[J], ck)
            if opts.min_fit is not None:
                keep &= prob.fitw >= opts.min_fit
            self.I, self.J, self.w = I[keep], J[keep], prob.w[keep]
            self.keys = self.I * prob.m + self.J
            self.dense = False
            self.ex_col, self.ex_keys = None, np.zeros(0, np.int64)   # already left out of I, J

    def count(self) -> int:
        if not self.dense:
            return len(self.w)
        prob = self.prob
        if not self._copied and getattr(prob, "all_finite", False):
            per_college = np.bincount(prob.col, minlength=prob.C).astype(np.float64)
            finite = np.broadcast_to(per_college, (self.n, prob.C))
        else:
            finite = _finite_by_college(self.W, prob.col, prob.C)
        total = int(finite[self.ex_col == 0].sum())
        if len(self.ex_keys):
            I, J = self.ex_keys // self.m, self.ex_keys % self.m
            total -= int((np.isfinite(self.W[I, J]) & (self.ex_col[I, prob.col[J]] == 0)).sum())
        return total

    def weight(self, I, J) -> np.ndarray:
        """Weights of pairs (−inf where not allowed)."""
        if self.dense:
            w = self.W[I, J] - self.ex_col[I, self.prob.col[J]]
            if len(self.ex_keys) and len(w):
                q = I * self.m + J
                k = np.minimum(np.searchsorted(self.ex_keys, q), len(self.ex_keys) - 1)
                w[self.ex_keys[k] == q] = NEG
            return w
        if not len(self.keys):
            return np.full(len(I), NEG)
        q = I * self.m + J
        k = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        return np.where(self.keys[k] == q, self.w[k], NEG)

    def class_columns(self, js) -> np.ndarray:
        """Dense: the weights of every cadre in the given classes, n × len(js) (−inf where not allowed)."""
        B = np.take(self.W, js, axis=1, out=memory.empty((self.n, len(js))), mode="clip")
        B -= self.ex_col[:, self.prob.col[js]]
        if len(self.ex_keys):
            i, j = self.ex_keys // self.m, self.ex_keys % self.m
            k = np.searchsorted(js, j)
            hit = (k < len(js)) & (js[np.minimum(k, len(js) - 1)] == j)
            B[i[hit], k[hit]] = NEG
        return B

    # ------------------------------------------------------------------ initial pool
    def best_per_cadre(self, extra: int):
        """For every cadre its cap_i + `extra` best classes (ties: spread over the classes)."""
        prob = self.prob
        if not self.dense:
            o = np.lexsort((-self.w, self.I))
            Io = self.I[o]
            pos = np.arange(len(Io)) - np.searchsorted(Io, Io, "left")
            sel = o[pos < extra + prob.cap[Io]]
            return self.I[sel], self.J[sel]
        n, m = self.W.shape
        k = int(min(m, extra + prob.cap.max(initial=0)))
        if not (n and m and k):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        exu, exg = np.unique(self.ex_col, axis=0, return_inverse=True)
        exv, exg = exu[:, prob.col], np.asarray(exg).ravel()

        def run(buf, chunks):
            out = []
            for rows in chunks:
                a, B = rows[0], buf[:len(rows)]
                np.take(exv, exg[rows], axis=0, out=B)
                np.subtract(self.W[a:a + len(rows)], B, out=B)
                if len(self.ex_keys):
                    B.reshape(-1)[self._flat_positions(self.ex_keys, rows)] = NEG
                np.negative(B, out=B)             # the k smallest of −w are the k best
                idx = np.argpartition(B, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (len(B), 1))
                out.append((np.repeat(rows, k), idx.ravel()))
            return out
        parts = self._in_threads(self._chunks(), run)
        parts_i, parts_j = [p[0] for p in parts], [p[1] for p in parts]
        I, J = np.concatenate(parts_i), np.concatenate(parts_j)
        ok = np.isfinite(self.weight(I, J))
        return I[ok], J[ok]

    # ------------------------------------------------------------------ pricing
    def price(self, P: Prices, lock_keys, phase1: bool = False, collect: int = 0, in_model=None,
              tol: float = 0.0, keep_gap: float | None = None, rows=None) -> Priced:
        """One pass over every allowed pair (or every pair of `rows`): the bound's Σ max(0, rc),
        optionally the `collect` best pairs per cadre with rc > tol not yet `in_model` (and in
        `row_bound` the largest rc of the others, at least tol), and the pairs with rc ≥ −keep_gap.
        Dense blocks are priced by `workers` threads (numpy releases the GIL); each block's result is
        computed on its own and they are combined in block order, so the sums are the same as in one
        thread, bit for bit."""
        def one(rowids, R):
            part = _BlockPrice()
            if len(lock_keys):
                pos = self._flat_positions(lock_keys, rowids)
                part.lock = float(np.minimum(R[pos], 0.0).sum())
            part.positive = float(R[R > 0].sum())
            if collect:
                ii = np.flatnonzero(R > tol)
                if len(ii):
                    ci, cj = self._pairs_at(ii, rowids)
                    fresh = ~in_model(ci, cj)
                    ci, cj, rv = ci[fresh], cj[fresh], R[ii[fresh]]
                    o = np.lexsort((cj, -rv, ci))
                    ci, cj, rv = ci[o], cj[o], rv[o]
                    top = np.arange(len(ci)) - np.searchsorted(ci, ci, "left") < collect
                    part.new = (ci[top], cj[top], rv[top])
                    part.rest = (ci[~top], rv[~top])
            if keep_gap is not None:
                part.kept = self._pairs_at(np.flatnonzero(R >= -keep_gap), rowids)
            return part

        out = Priced(0.0)
        out.row_bound = np.full(self.n, tol)
        new_i, new_j, new_r, keep_i, keep_j = [], [], [], [], []
        for part in self._map_blocks(P, phase1, rows, one):
            if len(lock_keys):
                out.bound_part += part.lock
            out.bound_part += part.positive
            if part.new is not None:
                new_i.append(part.new[0])
                new_j.append(part.new[1])
                new_r.append(part.new[2])
                np.maximum.at(out.row_bound, part.rest[0], part.rest[1])
            if part.kept is not None:
                keep_i.append(part.kept[0])
                keep_j.append(part.kept[1])
        cat = (lambda L: np.concatenate(L).astype(np.int64) if L else np.zeros(0, np.int64))
        out.new_I, out.new_J = cat(new_i), cat(new_j)
        out.new_rc = np.concatenate(new_r) if new_r else np.zeros(0)
        out.kept_I, out.kept_J = cat(keep_i), cat(keep_j)
        return out

    def _chunks(self, rows=None) -> list:
        n, m = self.W.shape
        step = max(1, BLOCK_ENTRIES // max(m, 1))
        return ([np.arange(a, min(n, a + step)) for a in range(0, n, step)] if rows is None
                else [rows[a:a + step] for a in range(0, len(rows), step)])

    def _map_blocks(self, P: Prices, phase1: bool, rows, fn) -> list:
        """[fn(rowids, rc block) for every block], in block order; dense blocks split over
        `cfg.workers` threads in contiguous runs, each thread with its own buffer."""
        if not self.dense:
            return [fn(rowids, R) for rowids, R in self._blocks(P, phase1, rows)]
        whole = rows is None

        def run(buf, part):
            return [fn(rowids, R) for rowids, R in self._fill(P, phase1, part, buf, whole)]
        return self._in_threads(self._chunks(rows), run)

    def _in_threads(self, chunks: list, run) -> list:
        """run(buffer, list of chunks) -> list of results; the chunks split into contiguous runs over
        `cfg.workers` threads (one thread when there are few), results in chunk order. Each run gets a
        block buffer kept by the pair space from pass to pass (a fresh one cost page faults every
        pass: 12,000–14,000 per M solve); the passes of one pair space take turns."""
        if not chunks:
            return []
        workers = min(max(1, int(self.prob.cfg.workers)), len(chunks) // PARALLEL_MIN_BLOCKS)
        rows = max(len(c) for c in chunks)
        with self._pass_lock:
            bufs = self._buffers
            bufs[:] = [b for b in bufs if b.shape[0] >= rows]
            while len(bufs) < max(workers, 1):
                bufs.append(np.empty((rows, self.m)))
            if workers <= 1:
                return run(bufs[0], chunks)
            runs = [chunks[k * len(chunks) // workers:(k + 1) * len(chunks) // workers] for k in range(workers)]
            with ThreadPoolExecutor(workers) as ex:
                return [r for rs in ex.map(run, bufs[:workers], runs) for r in rs]

    def _blocks(self, P: Prices, phase1: bool, rows=None):
        """Yield (cadre of each row, rc as a flat row-major block); sparse: one block of all pairs."""
        if not self.dense:
            R = (np.zeros(len(self.w)) if phase1 else self.w.copy()) - P.u[self.I]
            R -= P.vg[P.group[self.I], self.J]
            if P.budget:
                R -= P.budget
            self._correct(R, P, None)
            yield None, R
            return
        chunks = self._chunks(rows)
        buf = np.empty((len(chunks[0]) if chunks else 0, self.m))
        yield from self._fill(P, phase1, chunks, buf, rows is None)

    def _fill(self, P: Prices, phase1: bool, chunks, buf, whole: bool):
        """Dense: the reduced costs of each chunk of rows in `buf` (reused from block to block)."""
        for rowids in chunks:
            R = buf[:len(rowids)]
            W = self.W[rowids[0]:rowids[-1] + 1] if whole else self.W[rowids]
            if phase1:
                np.copyto(R, np.where(np.isfinite(W), 0.0, NEG))
                R -= P.vg[P.group[rowids]]
            else:
                np.take(P.vg, P.group[rowids], axis=0, out=R)
                np.subtract(W, R, out=R)
            R -= (P.u[rowids] + P.budget)[:, None]
            flat = R.reshape(-1)
            self._correct(flat, P, rowids)
            yield rowids, flat

    def _flat_positions(self, keys, rowids):
        """Positions in a block of the given pair keys that fall in it (dense) / in the pair list."""
        if not self.dense:
            return np.searchsorted(self.keys, keys)
        i, j = keys // self.m, keys % self.m
        loc = np.minimum(np.searchsorted(rowids, i), len(rowids) - 1)
        hit = rowids[loc] == i
        return loc[hit] * self.m + j[hit]

    def _correct(self, R, P: Prices, rowids):
        if not len(P.corr_keys):
            return
        if self.dense:
            i, j = P.corr_keys // self.m, P.corr_keys % self.m
            loc = np.minimum(np.searchsorted(rowids, i), len(rowids) - 1)
            hit = rowids[loc] == i
            R[loc[hit] * self.m + j[hit]] += P.corr_vals[hit]
        else:
            pos = np.minimum(np.searchsorted(self.keys, P.corr_keys), max(len(self.keys) - 1, 0))
            s = self.keys[pos] == P.corr_keys if len(self.keys) else np.zeros(0, bool)
            np.add.at(R, pos[s], P.corr_vals[s])

    def _pairs_at(self, flat, rowids):
        if self.dense:
            return rowids[flat // self.m], flat % self.m
        return self.I[flat], self.J[flat]


def _finite_by_college(W, col, C) -> np.ndarray:
    """n × C: how many allowed (finite) weights each cadre has in each college."""
    onehot = np.zeros((W.shape[1], C))
    onehot[np.arange(W.shape[1]), col] = 1.0
    out = np.zeros((W.shape[0], C))
    step = max(1, BLOCK_ENTRIES // max(W.shape[1], 1))
    for a in range(0, W.shape[0], step):
        out[a:a + step] = np.isfinite(W[a:a + step]) @ onehot
    return out
