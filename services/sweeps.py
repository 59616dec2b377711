"""Capacity sweep and trade-off curves of a scenario: every point is one exact solve (matching.solve).

No Streamlit here: each function takes the scenario's frames and parameters, a progress callback
`progress(fraction, message)` and a cancel flag (`threading.Event`), and returns plain dataclasses.

Capacity sweep — what "n cadres" means
    The cadres of the scenario with capacity > 0 are put in a stated order (ORDERS): cadres with a
    lock first (the office has fixed their class), then by level in protocol order (or the
    reverse; common.vocabulary.LEVEL_ORDER) — then by 工号. "n cadres" are the first n of that order
    with their capacities; every other cadre gets capacity 0 for that solve. This is NOT a search
    over which n cadres to pick.
    Each point maximises, exactly and lexicographically, first the number of priority classes
    covered and then the total fit (objective "total"), under all the scenario's rules — locks,
    forbids, quotas, level caps, change budget, fairness bound (priority is switched to
    "weighted" with a bonus larger than any possible difference in total fit, so one more covered
    priority class always wins). A point may be infeasible (e.g. a college quota's minimum cannot be
    met by n cadres): it is shown as such.
    The minimum n that covers every priority class is found by solving n = n0, n0+1, … upward from
    the counting bound n0 (the first n whose capacities add up to the number of priority classes;
    fewer slots cannot cover them), so it is exact even where coverage is not monotone in n; it is
    verified by a solve at n−1 that cannot cover them all (infeasible or fewer covered).
    Order "best" is not a fixed order: for each n, matching.best_n picks the n cadres that can cover
    the most priority classes under every hard rule (capacities taken in full, forbids, own unit,
    locks — a locked cadre is always one of them —, college quotas, level caps, change budget), an
    exact MIP. The point is then the same solve with exactly those cadres, which confirms the choice:
    `best_confirmed` says the solve covers as many priority classes as best_n found (or both find
    no feasible assignment).

Trade-off curves
    fairness: for each rank bound r (1 … the largest wish rank) the best total fit when every cadre
    with wishes (capacity > 0, not locked) gets one of their wishes of rank ≤ r, plus the
    unconstrained optimum. x = the worst-off cadre's preference rank actually reached.
    Computed from the loosest bound (unbounded) to the tightest. A point takes the next looser
    point's answer without a solve when that is provably its optimum too (`_shared`: the tighter
    bound forbids every pair the looser one forbids, and none of the answer's pairs; or the looser
    point is infeasible); such a point is marked `shared`. Every other point is one exact solve.
    changes: for budgets k from the fewest possible changes (lexicographic min_change solve) to the
    changes of the unconstrained optimum, the best total fit with at most k pairs outside the
    published assignment in force.
    Both are streamed: `on_point(points so far)` after every point; start_curve publishes them on the
    background job (services.jobs), so the page draws each point as soon as it is known.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from common import vocabulary
from matching.best_n import best_n
from matching.highs import Cancelled
from matching.model import Problem
from services import access
from services import scenarios as sc
from services.jobs import BackgroundJob
from services.scenario_edits import ScenarioError
from services.scenario_metrics import locked_cadres, worst_rank
from store.auth import UserInfo

_LEVELS_ZH = [vocabulary.label(vocabulary.LEVELS, code) for code in vocabulary.LEVEL_ORDER]
_LEVELS_EN = [vocabulary.label(vocabulary.LEVELS, code, "en") for code in vocabulary.LEVEL_ORDER]
ORDERS = {
    "level": (f"锁定干部优先，再按层级：{'→'.join(_LEVELS_ZH)}，同层按工号",
              f"locked cadres first, then by level: {' → '.join(_LEVELS_EN)}, then by staff number"),
    "level_desc": (f"锁定干部优先，再按层级：{'→'.join(reversed(_LEVELS_ZH))}，同层按工号",
                   f"locked cadres first, then by level: {' → '.join(reversed(_LEVELS_EN))}, then by staff number"),
    "id": ("锁定干部优先，再按工号", "locked cadres first, then by staff number"),
    "best": (("最优的 n 名（精确：在全部规则下——带班数、回避、本单位回避、锁定、学院名额、层级上限、调整上限——"
              "能覆盖最多重点关注班级的 n 名干部）"),
             ("the best n (exact: the n cadres that can cover the most priority classes under every rule — "
              "capacities, forbids, own unit, locks, college quotas, level caps, change budget)")),
}
SWEEP_TIME_LIMIT_S = 20.0   # per point; a point stopped by it is marked "feasible" (not proven optimal)


class SweepCancelled(Exception):
    pass


def _check(cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise SweepCancelled()


def _solve_point(fr, params, progress, cancel):
    """One solve for a curve point. matching.solve diagnoses an infeasible input (useful for a
    scenario, not for a point of a curve, where it would cost its whole time budget): the solve
    is stopped when the diagnosis starts and the point reported as infeasible."""
    diagnosing = []

    def prog(f, msg):
        if "诊断" in msg:
            diagnosing.append(True)
        if progress is not None:
            progress(f, msg)

    def stop() -> bool:
        return bool(diagnosing) or (cancel is not None and cancel.is_set())

    res = sc.solve_frames(fr, params, progress=prog, cancel=stop)
    status = res.status
    if status == "cancelled":
        if cancel is not None and cancel.is_set():
            raise SweepCancelled()
        if diagnosing:
            status = "infeasible"
    return res, status


def _sub(progress, lo: float, hi: float, label: str):
    if progress is None:
        return None
    return lambda f, msg: progress(lo + (hi - lo) * max(0.0, min(1.0, f)), f"{label} · {msg}")


# ====================================================================== helpers

def cadre_order(fr: dict[str, pd.DataFrame], order: str = "level") -> list[str]:
    """The stated order of the cadres that can take a class (capacity > 0)."""
    if order not in ORDERS:
        raise ScenarioError(f"顺序 {order!r} 无效", f"order {order!r} must be one of {list(ORDERS)}")
    cad = fr["cadres"]
    cad = cad.loc[cad["capacity"] > 0]
    if order == "best":         # the sweep picks per n (best_n); this order (largest capacity first)
        return [r.cadre_id for r in sorted(cad.itertuples(index=False), key=lambda r: (-r.capacity, r.cadre_id))]
    locked = locked_cadres(fr)  # ...only gives the counting bound
    lv = {code: i for i, code in enumerate(vocabulary.LEVEL_ORDER)}
    def key(r):
        lvl = lv.get(r.level, 3)
        if order == "level_desc":
            lvl = -lvl
        elif order == "id":
            lvl = 0
        return (r.cadre_id not in locked, lvl, r.cadre_id)
    return [r.cadre_id for r in sorted(cad.itertuples(index=False), key=key)]


def restrict(fr: dict[str, pd.DataFrame], cadre_ids: list[str]) -> dict[str, pd.DataFrame]:
    """The frames with every cadre outside `cadre_ids` at capacity 0 (kept in the list, so their
    wishes and rules stay valid references)."""
    cad = fr["cadres"].copy()
    cad.loc[~cad["cadre_id"].isin(set(cadre_ids)), "capacity"] = 0
    return dict(fr) | {"cadres": cad}


def fit_bound(fr: dict[str, pd.DataFrame], params: dict[str, Any]) -> Fraction:
    """An upper bound on |total fit| (and on the change penalty) of any assignment of these
    frames: per pair at most every affinity value, discipline, the best wish, continuity, own unit
    and change penalty together; times the number of slots."""
    cfg = sc.make_config(params)
    w = cfg.weights
    aff = sum((abs(v) for row in cfg.affinity.values() for v in row.values()), Fraction(0))
    pref = max((abs(v) for v in cfg.by_rank), default=Fraction(0)) * \
        max((abs(v) for v in cfg.kind_factor.values()), default=Fraction(0))
    per_pair = abs(w["expertise"]) * aff + abs(w["discipline"]) + abs(w["preference"]) * pref + \
        abs(w["continuity"]) + abs(w["own_unit"]) + abs(w["change_penalty"])
    slots = int(fr["cadres"]["capacity"].sum())
    return per_pair * max(slots, 1)


def lexicographic_coverage_params(fr: dict[str, pd.DataFrame], params: dict[str, Any]) -> dict[str, Any]:
    """Parameters that maximise the priority classes covered first, then the total fit."""
    bonus = 2 * fit_bound(fr, params) + 1
    weights = dict(params.get("weights") or {}) | {"priority_bonus": str(bonus)}
    return dict(params) | {"objective": "total", "priority": "weighted", "weights": weights,
                           "time_limit_s": min(float(params.get("time_limit_s") or 60), SWEEP_TIME_LIMIT_S)}


# ====================================================================== capacity sweep

@dataclass
class CapacityPoint:
    n: int
    status: str
    priority_covered: int | None
    priority_total: int
    classes_covered: int | None
    classes_total: int
    total_fit: float | None
    seconds: float
    result: Any = field(default=None, repr=False, compare=False)
    chosen: tuple = ()                  # order "best": the cadres best_n chose for this n
    best_exact: bool | None = None      # order "best": HiGHS proved the choice optimal
    best_covered: int | None = None     # order "best": priority classes best_n says they cover (None: infeasible)
    best_confirmed: bool | None = None  # order "best": this point's solve reaches best_covered (or is infeasible too)

    @property
    def covers_all(self) -> bool:
        return self.status in ("optimal", "feasible") and self.priority_covered == self.priority_total


@dataclass
class CapacitySweep:
    order: str
    cadres: int                     # cadres with capacity > 0
    priority_total: int
    points: list[CapacityPoint]
    minimum: int | None = None      # fewest cadres (in the order) covering every priority class
    verification: CapacityPoint | None = None   # the solve at minimum − 1
    lower_bound: int | None = None  # counting bound n0
    scanned: list[CapacityPoint] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def all_points(self) -> list[CapacityPoint]:
        """The sweep's points plus those solved to find and verify the minimum, by n."""
        by_n = {p.n: p for p in [*self.points, *self.scanned] + ([self.verification] if self.verification else [])}
        return [by_n[n] for n in sorted(by_n)]

    def frame(self) -> pd.DataFrame:
        rows = [{"n": p.n, "status": p.status, "priority_covered": p.priority_covered,
                 "priority_total": p.priority_total, "classes_covered": p.classes_covered,
                 "classes_total": p.classes_total, "total_fit": p.total_fit, "seconds": round(p.seconds, 3),
                 "priority_coverage": (p.priority_covered / p.priority_total if p.priority_total and
                                       p.priority_covered is not None else None),
                 "coverage": (p.classes_covered / p.classes_total if p.classes_total and
                              p.classes_covered is not None else None)}
                for p in self.all_points()]
        return pd.DataFrame(rows, columns=["n", "status", "priority_covered", "priority_total", "classes_covered",
                                           "classes_total", "total_fit", "seconds", "priority_coverage",
                                           "coverage"])


def capacity_point(fr: dict[str, pd.DataFrame], params: dict[str, Any], order_ids: list[str], n: int,
                   progress=None, cancel=None) -> CapacityPoint:
    """One point: the first n cadres of `order_ids`, an exact lexicographic solve."""
    sub = restrict(fr, order_ids[:n])
    p = lexicographic_coverage_params(sub, params)
    t0 = time.perf_counter()
    res, status = _solve_point(sub, p, progress, cancel)
    cov = res.report.get("coverage", {})
    ok = status in ("optimal", "feasible")
    return CapacityPoint(n, status, cov.get("priority_covered") if ok else None,
                         int(fr["classes"]["priority"].sum()), cov.get("classes_covered") if ok else None,
                         len(fr["classes"]), res.report.get("total_fit") if ok else None,
                         time.perf_counter() - t0, res)


def _points(fr, params, ids: list[str], order: str, cancel):
    """point(n, progress) for the sweep: the first n of `ids`, or (order "best") the n cadres
    matching.best_n picks — an exact MIP on coverage of priority classes — then the same solve."""
    if order != "best":
        return lambda n, prog: capacity_point(fr, params, ids, n, prog, cancel)
    prob = Problem(sc.matching_input(fr, params), sc.make_config(params))

    def point(n, prog):
        try:
            best = best_n(prob, n, SWEEP_TIME_LIMIT_S, cancel=cancel)
        except Cancelled:
            raise SweepCancelled() from None
        pt = capacity_point(fr, params, list(best.cadre_ids), len(best.cadre_ids), prog, cancel)
        pt.n, pt.chosen, pt.best_exact = n, best.cadre_ids, best.exact
        pt.best_covered = best.covered if best.feasible else None
        pt.best_confirmed = (pt.status == "optimal" and pt.priority_covered == best.covered) if best.feasible \
            else pt.status == "infeasible"
        return pt
    return point


def sweep_sizes(total: int, points: int = 10, lo: int = 1, hi: int | None = None) -> list[int]:
    hi = total if hi is None else min(hi, total)
    lo = max(0, min(lo, hi))
    return sorted({round(x) for x in np.linspace(lo, hi, max(points, 1))})


def counting_bound(fr: dict[str, pd.DataFrame], order_ids: list[str]) -> int | None:
    """The first n whose capacities add up to the number of priority classes (None: never)."""
    need = int(fr["classes"]["priority"].sum())
    cap = fr["cadres"].set_index("cadre_id")["capacity"]
    total = 0
    for k, c in enumerate(order_ids):
        if total >= need:
            return k
        total += int(cap[c])
    return len(order_ids) if total >= need else None


def capacity_sweep(fr: dict[str, pd.DataFrame], params: dict[str, Any], order: str = "level",
                   sizes: list[int] | None = None, points: int = 10, find_minimum: bool = True,
                   progress=None, cancel=None) -> CapacitySweep:
    """Priority (and overall) coverage as a function of n, and the minimum n; see the module doc."""
    t0 = time.perf_counter()
    ids = cadre_order(fr, order)
    point = _points(fr, params, ids, order, cancel)
    sizes = sizes if sizes is not None else sweep_sizes(len(ids), points)
    out = CapacitySweep(order, len(ids), int(fr["classes"]["priority"].sum()), [])
    done: dict[int, CapacityPoint] = {}
    steps = len(sizes) + (3 if find_minimum else 0)
    try:
        for k, n in enumerate(sizes):
            _check(cancel)
            done[n] = point(n, _sub(progress, k / steps, (k + 1) / steps, f"n = {n}"))
            out.points.append(done[n])
        if find_minimum:
            n0 = counting_bound(fr, ids)
            out.lower_bound = n0
            if n0 is not None:
                base = len(sizes) / steps
                n = n0
                while n <= len(ids):
                    _check(cancel)
                    if progress:
                        progress(min(0.99, base + (1 - base) * (n - n0) / max(1, len(ids) - n0 + 1)),
                                 f"寻找最少人数 / searching the minimum · n = {n}")
                    pt = done.get(n) or point(n, None)
                    done[n] = pt
                    out.scanned.append(pt)
                    if pt.covers_all:
                        out.minimum = n
                        break
                    n += 1
                if out.minimum is not None and out.minimum >= 1:
                    m1 = out.minimum - 1
                    out.verification = done.get(m1) or point(m1, None)
    except SweepCancelled:
        out.cancelled = True
    out.seconds = time.perf_counter() - t0
    if progress:
        progress(1.0, "完成 / done" if not out.cancelled else "已取消 / cancelled")
    return out


# ====================================================================== trade-off curves

@dataclass
class TradePoint:
    curve: str                  # "fairness" | "changes"
    bound: int | None           # rank bound r / change budget k (None = unconstrained)
    status: str
    total_fit: float | None
    worst_rank: float | None    # inf = someone counted gets no wish
    changes: int | None         # pairs not in the published assignment
    seconds: float
    params: dict = field(default_factory=dict, repr=False)
    result: Any = field(default=None, repr=False, compare=False)
    shared: bool = False        # fairness: the answer of the next looser bound, proven optimal here too (no solve)
    shared_from: int | None = None  # ...the bound whose solve found it (None = unbounded)


def _trade_point(curve: str, bound, fr, params, progress, cancel) -> TradePoint:
    t0 = time.perf_counter()
    res, status = _solve_point(fr, params, progress, cancel)
    ok = status in ("optimal", "feasible")
    return TradePoint(curve, bound, status, res.report.get("total_fit") if ok else None,
                      worst_rank(res.assignment, fr) if ok else None,
                      res.report.get("changes", {}).get("changed") if ok else None,
                      time.perf_counter() - t0, params, res)


def _curve_params(params: dict[str, Any]) -> dict[str, Any]:
    return dict(params) | {"objective": "total", "change_budget": None, "worst_rank_max": None,
                           "time_limit_s": min(float(params.get("time_limit_s") or 60), SWEEP_TIME_LIMIT_S)}


def fairness_bounds(fr: dict[str, pd.DataFrame]) -> list[int | None]:
    """The fairness curve's rank bounds: every wish rank present, then None (unbounded)."""
    return [*sorted({int(r) for r in fr["preferences"]["rank"]}), None]


def _publish(on_point, pts: list[TradePoint]) -> None:
    """Hands the points solved so far to `on_point` (a copy: the caller may keep it while the curve grows)."""
    if on_point is not None:
        on_point(list(pts))


def _step(k: int, total: int, label: str) -> str:
    """A point's progress message: "3/6 · 意向≤3 / rank ≤ 3" (the count reads the same in both languages)."""
    return f"{k + 1}/{total} · {label}"


def _forbidden(fr: dict[str, pd.DataFrame], bound: int | None) -> set[tuple[str, str]]:
    """The (cadre, class) pairs that the fairness bound forbids (services.scenarios.fairness_forbids,
    whole-college rows expanded to their classes); none when unbounded."""
    if bound is None:
        return set()
    f = sc.fairness_forbids(fr, bound)
    by_college = fr["classes"].groupby("college")["class_id"].agg(list).to_dict()
    out: set[tuple[str, str]] = set()
    for cadre, klass, college in zip(f["cadre_id"], f["class_id"], f["college"], strict=True):
        if klass:
            out.add((cadre, klass))
        else:
            out.update((cadre, k) for k in by_college.get(college, ()))
    return out


def _shared(params: dict[str, Any], bound: int | None, looser: TradePoint | None, forbidden: dict) -> TradePoint | None:
    """The point at `bound` without a solve, when the next looser point's answer is provably its answer:
    every pair that the looser bound forbids the tighter one forbids too (so the tighter point's allowed
    assignments are among the looser one's), and then
      - the looser point is infeasible  → so is this one;
      - the looser point is optimal and none of its pairs is forbidden here → that assignment is allowed
        here and no allowed assignment is better: it is optimal here too.
    Both are checked on the pairs the bounds actually forbid. Otherwise None (the point is solved)."""
    if looser is None or looser.status not in ("optimal", "infeasible"):
        return None         # (a point stopped by the time limit proves nothing)
    if not forbidden[looser.bound] <= forbidden[bound]:
        return None
    if looser.status == "optimal" and any(pair in forbidden[bound] for pair in
                                          zip(looser.result.assignment["cadre_id"],
                                              looser.result.assignment["class_id"], strict=True)):
        return None
    return TradePoint("fairness", bound, looser.status, looser.total_fit, looser.worst_rank, looser.changes, 0.0,
                      params, looser.result, shared=True,
                      shared_from=looser.shared_from if looser.shared else looser.bound)


def fairness_curve(fr: dict[str, pd.DataFrame], params: dict[str, Any], progress=None, cancel=None,
                   bounds: list[int | None] | None = None, on_point=None) -> tuple[list[TradePoint], bool]:
    """Total fit against the worst-off cadre's rank bound; returns (points in the order of `bounds`,
    cancelled). `bounds` defaults to fairness_bounds(fr). Points are solved from the loosest bound to
    the tightest, and a point whose answer the next looser point already proves (_shared) takes it
    without a solve (marked `shared`). `on_point(points so far, in bound order)` is called after every
    point (streaming: the page shows each point as soon as it is known); cancelling keeps the points done."""
    base = _curve_params(params)
    if bounds is None:
        bounds = fairness_bounds(fr)
    order = sorted(range(len(bounds)), key=lambda k: math.inf if bounds[k] is None else bounds[k], reverse=True)
    done: dict[int, TradePoint] = {}
    forbidden: dict[int | None, set] = {}
    looser: TradePoint | None = None
    try:
        for step, k in enumerate(order):
            _check(cancel)
            r = bounds[k]
            t0 = time.perf_counter()
            p = base | {"worst_rank_max": r}
            forbidden[r] = _forbidden(fr, r)
            pt = _shared(p, r, looser, forbidden)
            label = _step(step, len(bounds), f"意向≤{r} / rank ≤ {r}" if r is not None else "不限 / unbounded")
            if pt is not None and progress:
                progress((step + 1) / len(bounds), f"{label} · 沿用较松上限的最优解 / the looser bound's optimum")
            if pt is None:
                pt = _trade_point("fairness", r, fr, p, _sub(progress, step / len(bounds), (step + 1) / len(bounds),
                                                              label), cancel)
            pt.seconds = time.perf_counter() - t0
            done[k] = looser = pt
            _publish(on_point, [done[i] for i in sorted(done)])
    except SweepCancelled:
        return [done[i] for i in sorted(done)], True
    if progress:
        progress(1.0, "完成 / done")
    return [done[i] for i in range(len(bounds))], False


def change_curve(fr: dict[str, pd.DataFrame], params: dict[str, Any], points: int = 10, progress=None,
                 cancel=None, on_point=None) -> tuple[list[TradePoint], bool]:
    """Total fit against the number of pairs changed from the published assignment; `on_point` as
    in fairness_curve (after the two solves for its ends, every point as soon as it is solved)."""
    if fr.get("previous") is None or fr["previous"].empty:
        raise ScenarioError("没有已发布的分配可比较变动", "there is no published assignment to count changes from")
    base = _curve_params(params)
    pts: list[TradePoint] = []
    try:
        # fewest changes possible: min_change with a penalty above any fit difference
        pen = 2 * fit_bound(fr, base) + 1
        pmin = base | {"objective": "min_change",
                       "weights": dict(base.get("weights") or {}) | {"change_penalty": str(pen)}}
        fewest = _trade_point("changes", None, fr, pmin, _sub(progress, 0, 0.1, "最少变动 / fewest changes"), cancel)
        free = _trade_point("changes", None, fr, base, _sub(progress, 0.1, 0.2, "不限 / unbounded"), cancel)
        if fewest.changes is None or free.changes is None:
            free.bound = None
            _publish(on_point, [free])
            return [free], False
        ks = sorted({round(x) for x in np.linspace(fewest.changes, free.changes, max(points, 1))})
        for k, kk in enumerate(ks):
            _check(cancel)
            pts.append(_trade_point("changes", kk, fr, base | {"change_budget": kk},
                                    _sub(progress, 0.2 + 0.8 * k / len(ks), 0.2 + 0.8 * (k + 1) / len(ks),
                                         _step(k, len(ks), f"k = {kk}")), cancel))
            _publish(on_point, pts)
    except SweepCancelled:
        return pts, True
    if progress:
        progress(1.0, "完成 / done")
    return pts, False


def points_frame(pts: list[TradePoint]) -> pd.DataFrame:
    rows = [{"idx": i, "curve": p.curve, "bound": p.bound, "status": p.status, "total_fit": p.total_fit,
             "worst_rank": (None if p.worst_rank is None or math.isinf(p.worst_rank) else p.worst_rank),
             "worst_unmet": p.worst_rank is not None and math.isinf(p.worst_rank),
             "changes": p.changes, "seconds": round(p.seconds, 3), "shared": p.shared,
             "shared_from": p.shared_from} for i, p in enumerate(pts)]
    return pd.DataFrame(rows, columns=["idx", "curve", "bound", "status", "total_fit", "worst_rank", "worst_unmet",
                                       "changes", "seconds", "shared", "shared_from"])


# ====================================================================== in the background

def start_sweep(user: UserInfo, scenario_id: int, order: str, sizes: list[int], find_minimum: bool) -> BackgroundJob:
    """capacity_sweep of a scenario in the background: outcome {"kind": "sweep", "scenario_id", "result"}."""
    opened = sc.get(user, scenario_id)

    def work(progress, cancel):
        res = capacity_sweep(opened.frames, opened.params, order, sizes=sizes, find_minimum=find_minimum,
                             progress=progress, cancel=cancel)
        return {"kind": "sweep", "scenario_id": scenario_id, "result": res}
    return BackgroundJob(f"容量推演（情景 #{scenario_id}）", f"Capacity sweep (scenario #{scenario_id})", work).start()


def start_curve(user: UserInfo, scenario_id: int, curve: str, points: int = 10) -> BackgroundJob:
    """A trade-off curve ("fairness" | "changes") in the background: outcome {"kind": "curve", "curve",
    "scenario_id", "points", "cancelled", "planned"}. Streamed: after every point the job publishes
    the same dict with the points so far (and "cancelled" False), so the page draws each point as soon as
    it is solved; "planned" is the number of points the curve will have (None until it is known)."""
    access.require(user, *sc.USERS, action="scenario_curve")
    if curve not in ("fairness", "changes"):
        raise ScenarioError(f"曲线 {curve!r} 无效", f"curve {curve!r} must be fairness or changes")
    opened = sc.get(user, scenario_id)
    planned = len(fairness_bounds(opened.frames)) if curve == "fairness" else None

    def outcome(pts: list[TradePoint], cancelled: bool) -> dict[str, Any]:
        return {"kind": "curve", "curve": curve, "scenario_id": scenario_id, "points": pts, "cancelled": cancelled,
                "planned": planned}

    def work(progress, cancel):
        def on_point(pts):
            job.publish(outcome(pts, False))
        if curve == "fairness":
            pts, cancelled = fairness_curve(opened.frames, opened.params, progress, cancel, on_point=on_point)
        else:
            pts, cancelled = change_curve(opened.frames, opened.params, int(points), progress, cancel,
                                          on_point=on_point)
        return outcome(pts, cancelled)
    job = BackgroundJob(f"权衡曲线（情景 #{scenario_id}）", f"Trade-off curve (scenario #{scenario_id})", work)
    return job.start()
