"""Figures for the fit work on the demo university (issue 15): prints, does not assert.

    python scripts/bench_fit.py [--repeat 5]

1. save_result on a demo round: the plain save (reasons as drafted, no re-solve) against the save that
   checks every zero-fit pair's binding rule by re-solving without it (MatchResult.verify_reasons),
   each on a fresh engine result; with the solve itself for scale. Once on the demo round as it is,
   once with a lock on a zero-fit pair added (a second rule to check, so a second re-solve).
2. matching.best_n on the demo scenario for several n: seconds, classes in groups, coverage; and on
   generated universities (--sizes 300x1500 1000x5000).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _demo_db() -> None:
    from store.bootstrap import bootstrap
    from store.engine import make_engine
    path = Path(tempfile.mkdtemp()) / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    bootstrap(engine, demo=True, say=lambda *_: None)
    engine.dispose()
    os.environ.pop("DATABASE_URL", None)
    os.environ["YIXIAN_DB_PATH"] = str(path)
    from services.db import reset_engines
    reset_engines()


def _med(xs) -> str:
    return f"{statistics.median(xs) * 1000:8.1f} ms"


def bench_save(repeat: int, add_lock: bool) -> None:
    from matching.model import Problem
    from services import round_inputs as inputs
    from services import round_lifecycle as lifecycle
    from services import round_solve as solving
    from services.db import session_scope
    from services.solve_params import default_params, make_config
    from store import rounds as store_rounds
    from store.auth import get_user

    with session_scope() as s:
        admin = get_user(s, "admin")
    params = default_params()
    cur = inputs.current_inputs()
    prob = Problem(inputs.matching_input(cur), make_config(params))
    lock = next(inputs.blank_constraint(type="lock", cadre_id=prob.cadre_ids[i], class_id=prob.class_ids[j])
                for i in range(prob.n) if prob.cap[i] == 1 for j in range(prob.m)
                if prob.fit[i, j] == 0 and not prob.priority[j] and prob.unit_col[i] != prob.col[j])
    cons = inputs.with_rows(cur["constraints"], [lock]) if add_lock else cur["constraints"]
    rid = lifecycle.create_round(admin, "bench", "initial", params, constraints=cons)
    info = solving.load_round(rid)
    solve_t, plain_t, checked_t, verify_t = [], [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        res = solving.solve_inputs(info.inputs, info.parameters)
        solve_t.append(time.perf_counter() - t)
        t = time.perf_counter()                 # the save as before: reasons as drafted, no re-solve
        with session_scope() as s:
            store_rounds.save_round_result(s, rid, res.assignment, dict(res.report), "bench")
        plain_t.append(time.perf_counter() - t)
        res = solving.solve_inputs(info.inputs, info.parameters)
        t = time.perf_counter()
        solving.save_result(rid, res, "bench")  # now: zero-fit pairs checked by re-solving first
        checked_t.append(time.perf_counter() - t)
        res = solving.solve_inputs(info.inputs, info.parameters)
        t = time.perf_counter()
        checked = res.verify_reasons()
        verify_t.append(time.perf_counter() - t)
    zero = sum(1 for i, j in res.pairs if res.problem.score_of(i, j) == 0)
    print(f"demo round{' + a lock on a zero-fit pair' if add_lock else ' as it is'}: {res.problem.n} cadres, {res.problem.m} classes, {len(res.pairs)} pairs, "
          f"{zero} zero-fit, {len(checked)} checked by {len(res._without)} re-solve(s); median of {repeat}")
    print(f"  solve                         {_med(solve_t)}")
    print(f"  save, reasons as drafted      {_med(plain_t)}")
    print(f"  save_result, reasons checked  {_med(checked_t)}   "
          f"(+{_med([c - p for c, p in zip(checked_t, plain_t)]).strip()})")
    print(f"  of which verify_reasons       {_med(verify_t)}")


def bench_best_n() -> None:
    from matching.best_n import _allowed, best_n, class_groups
    from matching.model import Problem
    from services import scenarios as sc
    fr, params = sc.current_frames(), sc.default_params()
    prob = Problem(sc.matching_input(fr, params), sc.make_config(params))
    groups = int(class_groups(prob, _allowed(prob), False).max()) + 1
    print(f"best_n on the demo scenario: {prob.n} cadres, {prob.m} classes in {groups} groups, "
          f"{int(prob.priority.sum())} priority classes")
    total = 0.0
    for n in (1, 10, 30, 60, 90, 110, prob.n):
        t = time.perf_counter()
        b = best_n(prob, n)
        dt = time.perf_counter() - t
        total += dt
        print(f"  n = {n:4d}  covered {b.covered:4d}/{b.priority_classes}  cadres {len(b.cadre_ids):4d}  "
              f"feasible {b.feasible!s:5}  exact {b.exact!s:5}  {dt:6.2f} s")
    print(f"  total {total:.2f} s")


def bench_best_n_generated(sizes) -> None:
    """best_n on matching.bench's generated universities (locks, forbids, college quotas with minimums,
    level caps), at n/4, n/2 and n cadres."""
    from matching import load_config
    from matching.bench import generate
    from matching.best_n import best_n
    from matching.model import Problem
    for size in sizes:
        n, m = (int(x) for x in size.split("x"))
        prob = Problem(generate(n, m, seed=0), load_config(None))
        for k in (n // 4, n // 2, n):
            t = time.perf_counter()
            b = best_n(prob, k, time_limit_s=120)
            print(f"generated {n}x{m}: n = {k:5d}  covered {b.covered:5d}/{b.priority_classes}  "
                  f"feasible {b.feasible!s:5}  exact {b.exact!s:5}  {time.perf_counter() - t:6.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", nargs="*", default=["300x1500"], help="generated cases for best_n, e.g. 1000x5000")
    a = ap.parse_args()
    _demo_db()
    bench_save(a.repeat, add_lock=False)
    bench_save(a.repeat, add_lock=True)
    bench_best_n()
    bench_best_n_generated(a.sizes)


if __name__ == "__main__":
    main()
