"""Public entry: solve(inp, cfg) -> MatchResult with assignment, report, explain() and diagnosis."""
from __future__ import annotations

import copy
import dataclasses
import math
import threading
import time
from fractions import Fraction

import numpy as np
import pandas as pd

from . import reasons
from .config import MatchConfig, load_config
from .diagnosis import Conflict, diagnose
from .model import MatchingInput, Problem
from .solver import Cancelled, Core, Opts, move, solve_core
from .state import _prices as solver_prices
from .state import _rc as solver_rc

PART_COLS = ("part_expertise", "part_unit", "part_discipline", "part_preference", "part_continuity", "part_own_unit")
FEWEST_MOVES_MAX_PAIRS = 250_000        # one more exact solve per unmet wish explained, on models up to this
ASSIGNMENT_COLS = ["cadre_id", "name", "class_id", "class_name", "college", "score", *PART_COLS,
                   "preference_rank", "locked", "changed", "start", "end", "reason", "reason_en"]


def _f(x: Fraction) -> float:
    return float(x)


class MatchResult:
    def __init__(self, prob: Problem, cfg: MatchConfig, core: Core, opts: Opts, seconds: float,
                 diagnosis: list[Conflict], fair: dict | None):
        self.problem, self.cfg, self.core, self.opts = prob, cfg, core, opts
        self.status = core.status
        self.diagnosis = diagnosis
        self.fair = fair
        self.seconds = seconds
        self.pairs = core.pairs if core.status in ("optimal", "feasible") else []
        self.objective_exact = Fraction(core.obj, prob.scale) if self.pairs or core.status == "optimal" else None
        self._frame: pd.DataFrame | None = None
        self.report = self._report()
        self._explained: dict = {}
        self._without: dict = {}
        self._verified: dict = {}          # (i, j) -> {"zh", "en"}: checked reasons of zero-fit pairs
        self._moves: dict = {}             # (cadre, classes) -> pairs of the best answer granting them
        self._prices = None
        self._lock = threading.RLock()     # explanations re-solve on the one warm LP: one at a time

    # ------------------------------------------------------------ per pair
    def _parts(self, i, j) -> dict:
        p = self.problem
        if p.has_scores:
            return {k: 0.0 for k in PART_COLS}
        return {k: float(v) for k, v in p.parts(i, j).items()}

    def _rank(self, i, j):
        p = self.problem
        if p.pref_r is None:
            return None
        r = int(p.pref_r[i, j])
        return r or None

    @property
    def assignment(self) -> pd.DataFrame:
        """The answer, one pair a row (ASSIGNMENT_COLS, with each pair's reason in words: `reason` in
        Chinese, `reason_en` in English); built on first use, so a solve does not pay for reasons nobody
        reads."""
        if self._frame is None:
            self._frame = self._assignment()
        return self._frame

    def _assignment(self) -> pd.DataFrame:
        p = self.problem
        locks = {(r.i, r.j) for r in p.rules if r.family == "lock"}
        prev = set(p.prev_pairs)
        rows = []
        for i, j in self.pairs:
            parts = self._parts(i, j)
            rows.append({"cadre_id": p.cadre_ids[i], "name": p.names[i], "class_id": p.class_ids[j],
                         "class_name": p.class_names[j], "college": p.college_names[p.col[j]],
                         "score": _f(p.score_of(i, j)), **parts, "preference_rank": self._rank(i, j),
                         "locked": (i, j) in locks, "changed": (i, j) not in prev if p.prev_pairs else False,
                         "reason": self.reason(i, j, "zh"), "reason_en": self.reason(i, j, "en")})
        df = pd.DataFrame(rows, columns=[c for c in ASSIGNMENT_COLS if c not in ("start", "end")])
        for c in ("cadre_id", "name", "class_id", "class_name", "college"):
            df[c] = df[c].astype(object)
        for c in ("score", *PART_COLS):
            df[c] = df[c].astype("float64")
        df["preference_rank"] = df["preference_rank"].astype("Int64")
        df["locked"] = df["locked"].astype(bool)
        df["changed"] = df["changed"].astype(bool)
        df["start"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        df["end"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        df["reason"] = df["reason"].astype(object)
        df["reason_en"] = df["reason_en"].astype(object)
        return df[ASSIGNMENT_COLS]

    # ------------------------------------------------------------ reasons
    def without(self, rule) -> MatchResult | None:
        """The best answer of the same round without `rule` (cached per rule); None if it cannot be
        dropped on its own (capacity) or the input is not kept."""
        key = rule.key
        if key not in self._without:
            inp = getattr(self, "input", None)
            changed = reasons.without_rule(inp, self.cfg, rule) if inp is not None else None
            self._without[key] = None if changed is None else solve(*changed)
        return self._without[key]

    def reason(self, i: int, j: int, lang: str = "zh") -> str:
        """The pair's reason in words: the checked one (verify_reasons / keep_reasons) when known."""
        got = self._verified.get((i, j))
        return got[lang] if got else reasons.text(self.problem, i, j, lang, self.pairs)

    def keep_reasons(self, checked: dict) -> None:
        """Use already checked reasons {(i, j): {"zh", "en"}} (e.g. stored with the round's result);
        the assignment's reason column and explain() then show them."""
        with self._lock:
            self._verified.update(checked)
            if self._frame is not None:
                self._frame["reason"] = [self.reason(i, j, "zh") for i, j in self.pairs]
                self._frame["reason_en"] = [self.reason(i, j, "en") for i, j in self.pairs]
            self._explained.clear()

    def verify_reasons(self, max_resolves: int = 4) -> dict:
        """Check the binding rule of every zero-fit pair by re-solving without it (at most
        `max_resolves` distinct rules) and keep what that answer does, in both languages."""
        self.keep_reasons(reasons.verified(self, max_resolves))
        return dict(self._verified)

    def verified_reasons(self, lang: str = "zh", max_resolves: int = 4) -> pd.Series:
        """The reason of every pair; for a zero-fit pair the binding rule is checked by re-solving
        without it (at most `max_resolves` distinct rules) and what that answer does is said."""
        self.verify_reasons(max_resolves)
        return pd.Series([self.reason(i, j, lang) for i, j in self.pairs], index=self.assignment.index,
                         dtype=object, name="reason")

    @property
    def objective_plain(self) -> Fraction | None:
        """The objective without an anchor's weight (what any round's objective means; equal to
        objective_exact when there is no anchor)."""
        if self.objective_exact is None or not self.problem.anchor_pairs:
            return self.objective_exact
        p = self.problem
        kept = len(set(p.anchor_pairs) & set(self.pairs))
        return self.objective_exact - Fraction(p.anchor_weight * kept, p.scale)

    # ------------------------------------------------------------ report
    def _report(self) -> dict:
        p, core = self.problem, self.core
        rep = {"status": self.status, "objective_mode": self.cfg.objective,
               "objective": _f(self.objective_plain) if self.objective_exact is not None else None,
               "objective_exact": str(self.objective_exact) if self.objective_exact is not None else None,
               "bound": (core.bound / p.scale) if self.status in ("optimal", "feasible") else None,
               "seconds": round(self.seconds, 4), "scale": p.scale,
               "pairs_total": int(p.n * p.m if p.dense else len(p.I)),
               "pairs_pruned": int(core.pruned), "lp_integral": core.lp_integral,
               "lp_rounds": core.iterations}
        if self.fair:
            rep["fair"] = self.fair
        covered = np.zeros(p.m, dtype=bool)
        for _, j in self.pairs:
            covered[j] = True
        rep["total_fit"] = _f(sum((p.score_of(i, j) for i, j in self.pairs), Fraction(0)))
        rep["coverage"] = {
            "classes": int(p.m), "classes_covered": int(covered.sum()),
            "students": int(p.size.sum()), "students_covered": int(p.size[covered].sum()),
            "priority_classes": int(p.priority.sum()), "priority_covered": int((covered & p.priority).sum()),
            "by_college": {c: {"classes": int((p.col == k).sum()), "classes_covered": int((covered & (p.col == k)).sum()),
                               "students": int(p.size[p.col == k].sum()),
                               "students_covered": int(p.size[covered & (p.col == k)].sum())}
                           for k, c in enumerate(p.college_names)},
            "by_tag": {},
        }
        tags = sorted({t for ts in p.class_tags for t in ts})
        for t in tags:
            sel = np.array([t in ts for ts in p.class_tags])
            rep["coverage"]["by_tag"][t] = {"classes": int(sel.sum()), "classes_covered": int((sel & covered).sum())}
        # preferences: per cadre with wishes, best and worst rank met
        if p.pref_r is not None and p.has_pref_cadre.any():
            by = {}
            for i, j in self.pairs:
                by.setdefault(i, []).append(int(p.pref_r[i, j]) or None)
            who = [i for i in np.flatnonzero(p.has_pref_cadre) if p.cap[i] > 0]
            first = top3 = none = 0
            worst = 0
            worst_none = False
            for i in who:
                rs = by.get(i, [])
                met = [r for r in rs if r]
                if met and min(met) == 1:
                    first += 1
                if met and min(met) <= 3:
                    top3 += 1
                if not met:
                    none += 1
                if rs and any(r is None for r in rs):
                    worst_none = True
                elif met:
                    worst = max(worst, max(met))
            k = max(len(who), 1)
            rep["preferences"] = {"cadres_with_preferences": len(who), "first_choice_pct": round(100 * first / k, 2),
                                  "top3_pct": round(100 * top3 / k, 2), "none_pct": round(100 * none / k, 2),
                                  "worst_rank": None if worst_none else worst, "some_without_wish_met": worst_none}
        prev = set(p.prev_pairs)
        now = set(self.pairs)
        rep["changes"] = {"previous_pairs": len(prev), "kept": len(prev & now),
                          "changed": len(now - prev) if prev else 0, "ended": len(prev - now)}
        if p.anchor_pairs:
            kept = len(set(p.anchor_pairs) & now)
            rep["anchor"] = {"pairs": len(p.anchor_pairs), "kept": kept, "changed": len(now) - kept,
                             "weight": p.anchor_weight / p.scale}
        if self.diagnosis:
            rep["diagnosis"] = [c.to_dict() for c in self.diagnosis]
        return rep

    # ------------------------------------------------------------ explanations
    def _resolve(self, requires) -> Core:
        o = dataclasses.replace(self.opts, requires=tuple(requires), progress=None, cancel=None,
                                warm=self.core.duals, last=[0.0])
        return solve_core(self.problem, o)

    def move_cost(self, i: int, js) -> Fraction | None:
        """Objective lost by the best solution (all rules in force) giving cadre i one of classes js.

        Best over js = best over each single class j, and the solve's multipliers bound each one:
        forcing (i, j) costs at least −rc_ij − (UB − Z) (rounded up to the integer scale). Classes are
        tried in order of reduced cost and an exact re-solve (solver.move) is run only until that bound
        shows no remaining class can do better."""
        js = np.asarray(js, dtype=np.int64)
        with self._lock:
            mc = self._move_cost(i, js)
        p = self.problem
        if mc is None or not p.anchor_pairs:
            return mc
        # an adjustment (anchor) counts kept pairs first: the cost is that of the answer found (the
        # fewest changes, then the best objective) without the anchor's weight, as for any round
        anchor = set(p.anchor_pairs)
        moved = self._moves.get((i, tuple(js.tolist()))) or []
        fewer = len(anchor & set(self.pairs)) - len(anchor & set(moved))
        return mc - Fraction(p.anchor_weight * fewer, p.scale)

    def _move_cost(self, i: int, js: np.ndarray) -> Fraction | None:
        core = self.core
        if core.lp is None or core.solve is None:
            c = self._resolve([(i, js)])
            if c.status not in ("optimal", "feasible"):
                return None
            self._moves[(i, tuple(js.tolist()))] = list(c.pairs)
            return self.objective_exact - Fraction(c.obj, self.problem.scale)
        rc = self._rc(i, js)
        gap = core.duals.bound - core.obj + core.solve.slack
        best = None
        for k in np.argsort(-rc, kind="stable").tolist():
            bound = math.ceil(-min(0.0, rc[k]) - gap - 1e-9)
            if best is not None and bound >= best:
                break
            c = move(core, i, int(js[k]), self.opts.time_limit)
            if c.status in ("optimal", "feasible") and (best is None or core.obj - c.obj < best):
                best = core.obj - c.obj
                self._moves[(i, tuple(js.tolist()))] = list(c.pairs)
        return None if best is None else Fraction(best, self.problem.scale)

    def fewest_moves(self, i: int, js, cost: Fraction) -> list | None:
        """Among the best answers giving cadre i one of `js` (worth `cost` less), one with the fewest
        changes from this answer: weights × K plus 1 per pair kept (K > any number of pairs), so fit
        comes first and kept pairs break ties. Dense models up to FEWEST_MOVES_MAX_PAIRS only (one
        more exact solve); None otherwise or if the check of its fit fails."""
        p = self.problem
        if not p.dense or p.n * p.m > FEWEST_MOVES_MAX_PAIRS or p.anchor_pairs:
            return None         # (an anchored answer already has the fewest changes: see move_cost)
        K = int(p.cap.sum()) + 1
        W = np.where(np.isfinite(p.W), p.W * K, -np.inf)
        for a, b in self.pairs:
            W[a, b] += 1
        big = float(np.abs(W[np.isfinite(W)]).max(initial=0.0))
        if big * K >= 2 ** 52:
            return None
        q = copy.copy(p)
        q.W, q.maxabs = W, big
        o = dataclasses.replace(self.opts, requires=((i, np.asarray(js, dtype=np.int64)),), progress=None,
                                cancel=None, warm=None, warm_pool=None, last=[0.0])
        with self._lock:
            c = solve_core(q, o)
        want = self.core.obj - cost * p.scale
        if c.status != "optimal" or c.obj // K != want:
            return None
        return list(c.pairs)

    def _rc(self, i: int, js) -> np.ndarray:
        """Reduced costs of pairs (i, j) under the solve's final multipliers."""
        core = self.core
        if self._prices is None:
            d = core.duals
            self._prices = solver_prices(core.solve, d.lam, d.link_keys, d.link_mu)
        return solver_rc(core.solve, self._prices, i * self.problem.m + js)

    def explained(self, cadre_id: str) -> dict | None:
        """The explanation of a cadre if one was already computed (never solves)."""
        with self._lock:
            return self._explained.get((cadre_id, True)) or self._explained.get((cadre_id, False))

    def explain(self, cadre_id: str, alternates: int = 3, fewest_moves: bool = False) -> dict:
        """`fewest_moves`: the why-not-first chain from one more exact solve that keeps as many pairs
        as possible at the same cost (dense models up to FEWEST_MOVES_MAX_PAIRS; the explanation
        panel asks for it); else the moves of the re-solve that found the cost, ties dropped."""
        with self._lock:
            return self._explain(cadre_id, alternates, fewest_moves)

    def _explain(self, cadre_id: str, alternates: int, fewest_moves: bool = False) -> dict:
        key = (cadre_id, fewest_moves)
        if key in self._explained:
            return self._explained[key]
        p = self.problem
        if cadre_id not in p.ci:
            raise KeyError(f"工号 {cadre_id!r} 不在干部名单中 / cadre {cadre_id!r} unknown")
        if self.status not in ("optimal", "feasible"):
            raise ValueError(f"没有可解释的分配 / no assignment to explain (status {self.status})")
        i = p.ci[cadre_id]
        holder = {j: a for a, j in self.pairs}
        mine = [j for a, j in self.pairs if a == i]
        locks = {(r.i, r.j) for r in p.rules if r.family == "lock"}
        prev = set(p.prev_pairs)
        out = {"cadre_id": cadre_id, "name": p.names[i], "capacity": int(p.cap[i]), "pairs": []}
        for j in mine:
            out["pairs"].append({"class_id": p.class_ids[j], "class_name": p.class_names[j],
                                 "college": p.college_names[p.col[j]], "score": _f(p.score_of(i, j)),
                                 **self._parts(i, j), "preference_rank": self._rank(i, j),
                                 "locked": (i, j) in locks, "changed": bool(prev) and (i, j) not in prev,
                                 "reason_zh": self.reason(i, j, "zh"),
                                 "reason_en": self.reason(i, j, "en")})
        # first choice: the rank-1 wish, or (no wishes) the best-scoring class allowed to this cadre
        allowed = p.allowed_classes(i)
        for r in p.rules:
            if r.family == "forbid" and r.i == i:
                if r.j >= 0:
                    allowed[r.j] = False
                else:
                    allowed[p.col == r.c] = False
        fit_row = self._fit_row(i)
        if i in p.pref_first:
            kind, value, js, rank = p.pref_first[i]
            first = {"kind": kind, "value": value, "rank": rank}
        else:
            cand = np.flatnonzero(allowed)
            js = cand[np.argsort(-fit_row[cand], kind="stable")][:1] if len(cand) else np.zeros(0, np.int64)
            first = {"kind": "class", "value": p.class_ids[js[0]] if len(js) else None, "rank": None}
        js = np.asarray(js, dtype=np.int64)
        met = bool(set(mine) & set(js.tolist()))
        wnf = {"first_choice": first, "met": met}
        if not met and len(js) and p.cap[i] > 0:
            holders = [{"class_id": p.class_ids[j], "cadre_id": p.cadre_ids[holder[j]], "name": p.names[holder[j]]}
                       for j in js.tolist() if j in holder][:10]
            wnf["holder"] = holders[0] if len(js) == 1 and holders else None
            wnf["holders"] = holders
            okjs = js[allowed[js]]
            mc = self.move_cost(i, okjs) if len(okjs) else None
            wnf["feasible"] = mc is not None
            wnf["move_cost"] = _f(mc) if mc is not None else None
            wnf["move_cost_exact"] = str(mc) if mc is not None else None
            wnf.update(reasons.wish_detail(self, i, js, okjs, holders, mc, fewest_moves))
            if mc is None:
                wnf["reason_zh"] = "在所有规则下无法把该意向分给此干部" if len(okjs) else "该意向的班级对此干部均被回避或不可分配"
                wnf["reason_en"] = ("no assignment satisfying all rules gives this wish to the cadre" if len(okjs)
                                    else "every class of this wish is forbidden or not allowed for the cadre")
        out["why_not_first"] = wnf
        # alternates: next best classes that an exact re-solve confirms feasible for this cadre
        alts = []
        if p.cap[i] > 0:
            cand = np.flatnonzero(allowed)
            cand = cand[~np.isin(cand, mine)]
            cand = cand[np.lexsort((cand, -fit_row[cand]))]
            for j in cand[: 3 * alternates].tolist():
                if len(alts) >= alternates:
                    break
                mc = self.move_cost(i, [j])
                if mc is None:
                    continue
                h = holder.get(j)
                alts.append({"class_id": p.class_ids[j], "class_name": p.class_names[j],
                             "college": p.college_names[p.col[j]], "score": _f(p.score_of(i, j)),
                             "preference_rank": self._rank(i, j),
                             "held_by": None if h is None else {"cadre_id": p.cadre_ids[h], "name": p.names[h]},
                             "move_cost": _f(mc), "move_cost_exact": str(mc)})
        out["alternates"] = alts
        self._explained[key] = out
        return out

    def _fit_row(self, i) -> np.ndarray:
        p = self.problem
        if p.dense:
            return np.where(np.isfinite(p.fit[i]), p.fit[i], -np.inf)
        row = np.full(p.m, -np.inf)
        lo, hi = np.searchsorted(p.I, i, "left"), np.searchsorted(p.I, i, "right")
        row[p.J[lo:hi]] = p.fitw[lo:hi]
        return row


def _fair(prob: Problem, opts: Opts, progress) -> tuple[Core, dict]:
    """Lexicographic: best possible worst outcome first (binary search, each probe exact), then total fit."""
    base = solve_core(prob, dataclasses.replace(opts, p1=0.3))
    if base.status not in ("optimal", "feasible"):
        return base, {}
    if prob.pref_r is not None and prob.has_pref_cadre.any():
        worst = 0
        for i, j in base.pairs:
            if prob.has_pref_cadre[i]:
                r = int(prob.pref_r[i, j])
                worst = max(worst, r if r else 10 ** 6)
        ranks = sorted({int(r) for r in np.unique(prob.pref_r) if r > 0})
        cand = [r for r in ranks if r < worst]
        best, best_core = (None if worst >= 10 ** 6 else worst), base
        lo, hi = 0, len(cand) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            c = solve_core(prob, dataclasses.replace(opts, rank_max=cand[mid], progress=None))
            if c.status in ("optimal", "feasible"):
                best, best_core, hi = cand[mid], c, mid - 1
            else:
                lo = mid + 1
        return best_core, {"measure": "worst_preference_rank", "worst": best, "rank_max": best}
    vals = np.unique(prob.fit[np.isfinite(prob.fit)] if prob.dense else prob.fitw)
    cur = min(prob.fit[i, j] if prob.dense else prob.fitw[prob._sparse_index(i, j)] for i, j in base.pairs) \
        if base.pairs else None
    if cur is None:
        return base, {}
    cand = vals[vals > cur]
    best, best_core = cur, base
    lo, hi = 0, len(cand) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        c = solve_core(prob, dataclasses.replace(opts, min_fit=float(cand[mid]), progress=None))
        if c.status in ("optimal", "feasible"):
            best, best_core, lo = float(cand[mid]), c, mid + 1
        else:
            hi = mid - 1
    return best_core, {"measure": "worst_score", "worst": best / prob.scale, "min_fit": best}


def solve(inp: MatchingInput, cfg: MatchConfig | None = None, progress=None, cancel=None) -> MatchResult:
    cfg = cfg or load_config(None)
    t0 = time.perf_counter()
    if progress:
        progress(0.0, "读取数据 / reading data")
    prob = Problem(inp, cfg)
    opts = Opts(time_limit=cfg.time_limit_s, cancel=cancel, progress=progress, p1=0.9)
    fair = None
    try:
        if cfg.objective == "fair" and not prob.anchor_pairs:   # an adjustment keeps pairs first
            core, fair = _fair(prob, opts, progress)
            if fair:
                opts = dataclasses.replace(opts, rank_max=fair.get("rank_max"), min_fit=fair.get("min_fit"))
        else:
            core = solve_core(prob, opts)
        diag = []
        if core.status == "infeasible":
            if progress:
                progress(0.92, "诊断冲突规则 / diagnosing conflicting rules")
            diag = diagnose(prob, dataclasses.replace(opts, progress=None, rank_max=None, min_fit=None),
                            budget_s=cfg.time_limit_s)
    except Cancelled:
        core, diag = Core("cancelled", []), []
    if progress:
        progress(1.0, "完成 / done")
    res = MatchResult(prob, cfg, core, opts, time.perf_counter() - t0, diag, fair)
    res.input = inp
    return res
