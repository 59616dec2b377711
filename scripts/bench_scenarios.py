"""Benchmark of the scenario sweeps on the demo university (data/demo, read through the importer).

    .venv/bin/python scripts/bench_scenarios.py [--repeat 3] [--only fairness|changes|sweep|solve]

Prints: one plain solve; a 10-point capacity sweep (without / with finding and verifying the
minimum); a 10-point trade-off curve of total fit against changes from the published assignment;
the fairness curve (one point per wish rank + unbounded). Each point is one exact solve. The trade-off
curves also print every point's own time (of the last run) and when it reached the page: a curve is
streamed, so the first point shows after its own solve, not after the whole curve.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import importer
from services import scenarios as sc
from services import sweeps
from services.scenario_edits import previous_from_assignment
from store.bootstrap import DEMO_DIR


def demo_frames():
    files = {"cadres": "cadres.xlsx", "classes": "classes.xlsx", "preferences": "preferences.csv",
             "constraints": "constraints.xlsx", "assignment": "assignment.csv"}
    b = importer.read_bundle({k: DEMO_DIR / f for k, f in files.items()})
    a = b["assignment"]
    published = a.loc[a["end"].isna()]   # the rows still in force at the end of the demo year
    fr = {k: b[k] for k in ("cadres", "classes", "preferences", "constraints")}
    fr["previous"] = previous_from_assignment(published)
    return fr


def timed(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median shown)")
    ap.add_argument("--only", choices=["solve", "sweep", "changes", "fairness"], action="append",
                    help="only these figures (repeatable; default: all)")
    args = ap.parse_args()
    fr = demo_frames()
    params = sc.default_params()
    n_cad = int((fr["cadres"]["capacity"] > 0).sum())
    print(f"demo university: {len(fr['cadres'])} cadres ({n_cad} with capacity > 0), {len(fr['classes'])} classes "
          f"({int(fr['classes']['priority'].sum())} priority), {len(fr['preferences'])} wishes, "
          f"{len(fr['constraints'])} rules, {len(fr['previous'])} published pairs; median of {args.repeat} run(s)")

    only = set(args.only or ["solve", "sweep", "changes", "fairness"])
    t_one, res = timed(lambda: sc.solve_frames(fr, params), args.repeat)
    print(f"single solve (objective total, priority hard): {t_one:.2f} s  status {res.status}")
    if "sweep" in only:
        sweep_figures(fr, params, n_cad, t_one, args.repeat)
    if "changes" in only:
        changes_figures(fr, params, t_one, args.repeat)
    if "fairness" in only:
        fairness_figures(fr, params, args.repeat)


def per_point(pts, seen: dict[int, float]) -> None:
    """Each point's own time and when it was on the page (streamed: as soon as it is known), in the order
    the curve computes them; a fairness point proven by the next looser point's answer says so."""
    for p in sorted(pts, key=lambda p: seen.get(id(p), math.inf)):
        bound = "unbounded" if p.bound is None else p.bound
        how = "solved" if not p.shared else f"= answer of bound {'unbounded' if p.shared_from is None else p.shared_from}"
        print(f"    bound {bound!s:>9}: {p.seconds:5.2f} s  {p.status:<10} shown at {seen.get(id(p), math.nan):5.2f} s"
              f"  ({how})")


def streamed(fn):
    """Runs fn(on_point) and returns (its result, {id(point): seconds until it was first published})."""
    t0, seen = time.perf_counter(), {}

    def on_point(pts):
        for p in pts:
            seen.setdefault(id(p), time.perf_counter() - t0)
    return fn(on_point), seen


def sweep_figures(fr, params, n_cad, t_one, repeat) -> None:
    sizes = sweeps.sweep_sizes(n_cad, 10, 1)
    t_sw, out = timed(lambda: sweeps.capacity_sweep(fr, params, "level", sizes=sizes, find_minimum=False),
                      repeat)
    pts = out.points
    print(f"capacity sweep, 10 points n = {sizes[0]}…{sizes[-1]}: {t_sw:.2f} s  "
          f"({t_sw / len(pts):.2f} s/point = {t_sw / len(pts) / t_one:.1f}× a single solve); "
          f"statuses {', '.join(sorted({p.status for p in pts}))}")
    t_min, out = timed(lambda: sweeps.capacity_sweep(fr, params, "level", sizes=sizes, find_minimum=True),
                       repeat)
    v = out.verification
    print(f"capacity sweep + minimum: {t_min:.2f} s  minimum {out.minimum} cadres (counting bound {out.lower_bound}, "
          f"{len(out.scanned)} solve(s) scanned); n−1 = {v.n if v else '—'}: {v.status if v else '—'}, "
          f"priority covered {v.priority_covered if v else '—'}/{out.priority_total}")


def changes_figures(fr, params, t_one, repeat) -> None:
    t_ch, ((cpts, _), seen) = timed(lambda: streamed(lambda on: sweeps.change_curve(fr, params, points=10,
                                                                                   on_point=on)), repeat)
    solves = len(cpts) + 2
    print(f"trade-off curve fit vs changes, {len(cpts)} points (+2 solves for its ends): {t_ch:.2f} s  "
          f"({t_ch / solves:.2f} s/solve = {t_ch / solves / t_one:.1f}× a single solve); changes "
          f"{cpts[0].changes}…{cpts[-1].changes}, fit {cpts[0].total_fit:.1f}…{cpts[-1].total_fit:.1f}")
    per_point(cpts, seen)


def fairness_figures(fr, params, repeat) -> None:
    t_fa, ((fpts, _), seen) = timed(lambda: streamed(lambda on: sweeps.fairness_curve(fr, params, on_point=on)),
                                    repeat)
    feas = [p for p in fpts if p.total_fit is not None]
    print(f"trade-off curve fit vs worst-off rank, {len(fpts)} points: {t_fa:.2f} s  "
          f"({t_fa / len(fpts):.2f} s/point); feasible bounds "
          f"{', '.join('∞' if p.bound is None else str(p.bound) for p in feas)}")
    per_point(fpts, seen)


if __name__ == "__main__":
    main()
