"""How many pairs a single manual move changes on the demo university (issue 12, 2).

    .venv/bin/python scripts/bench_moves.py [--moves 10]

Bootstraps the demo into a temporary SQLite file, creates and solves a round with the default
parameters, then makes `--moves` deterministic moves (cadre k·n/moves of the unlocked one-class
cadres in id order, to the first class from position 13·k on that no rule forbids for certain) two
ways: the old way (the move as a lock rule, re-solved from scratch) and the minimal way
(services.round_adjust.preview: the current revision's pairs kept first, then fit). Prints, per
move, the pairs changed against the current revision and the total fit, then the totals.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=10)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp()) / "moves.sqlite3"
    os.environ.pop("DATABASE_URL", None)
    os.environ["YIXIAN_DB_PATH"] = str(tmp)

    from services import round_adjust, round_lifecycle, round_solve
    from services.db import session_scope
    from services.round_rules import RoundsError
    from services.solve_params import default_params
    from store.auth import get_user
    from store.bootstrap import bootstrap
    from store.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp}")
    bootstrap(engine, demo=True, say=lambda *_: None)
    engine.dispose()
    with session_scope() as s:
        admin = get_user(s, "admin")
    rid = round_lifecycle.create_round(admin, "bench", "initial", default_params())
    assert round_solve.solve_round(admin, rid).status == "optimal"
    info = round_lifecycle.get_round(admin, rid)
    a = info.assignment
    now = set(zip(a["cadre_id"], a["class_id"]))
    once = a["cadre_id"].value_counts()
    cands = sorted(c for c in a.loc[~a["locked"], "cadre_id"] if once[c] == 1)
    classes = sorted(info.inputs["classes"]["class_id"])
    print(f"demo round: {len(a)} pairs, {len(classes)} classes, {len(cands)} unlocked one-class cadres; "
          f"total fit {info.result['total_fit']:g}")
    print(f"{'move':<34} {'old: pairs changed':>18} {'fit':>8} {'s':>5}   {'minimal: pairs changed':>22} "
          f"{'cadres':>6} {'fit':>8} {'s':>5}")
    totals = {"old": [], "new": []}
    for k in range(args.moves):
        mover = cands[k * len(cands) // args.moves]
        cur = a.set_index("cadre_id").loc[mover, "class_id"]
        target = None
        for off in range(len(classes)):
            c = classes[(13 * k + off) % len(classes)]
            if c == cur:
                continue
            try:
                inputs, _, _ = round_adjust.adjust(admin, rid, "move", mover, c)
            except RoundsError:
                continue
            target = c
            break
        t0 = time.perf_counter()
        old = round_solve.solve_inputs(inputs, info.parameters)
        t_old = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = round_adjust.preview(admin, rid, "move", mover, target)
        t_new = time.perf_counter() - t0
        name = f"{mover} {cur}→{target}"
        if not plan.ready:
            print(f"{name:<34} refused by the rules ({'; '.join(plan.refused)[:60]})")
            continue
        o = set(zip(old.assignment["cadre_id"], old.assignment["class_id"]))
        old_changed = len(o - now)
        new_changed = len(set(zip(plan.result.assignment["cadre_id"], plan.result.assignment["class_id"])) - now)
        totals["old"].append(old_changed)
        totals["new"].append(new_changed)
        print(f"{name:<34} {old_changed:>18} {old.report['total_fit']:>8g} {t_old:>5.2f}   {new_changed:>22} "
              f"{plan.moved:>6} {plan.result.report['total_fit']:>8g} {t_new:>5.2f}")
    n = len(totals["new"])
    if n:
        print(f"over {n} moves: old way {sum(totals['old'])} pairs changed (mean {sum(totals['old']) / n:.1f}, "
              f"max {max(totals['old'])}); minimal way {sum(totals['new'])} (mean {sum(totals['new']) / n:.1f}, "
              f"max {max(totals['new'])}); ratio {sum(totals['old']) / max(sum(totals['new']), 1):.1f}×")

    # swaps: no solve; each checked against the re-solve that keeps the other pairs first
    made, same, t_swap, t_solve = 0, 0, 0.0, 0.0
    for x in cands[::7]:
        for y in cands[3::11]:
            if made >= args.moves or x >= y:
                continue
            t0 = time.perf_counter()
            try:
                plan = round_adjust.preview_swap(admin, rid, x, y)
            except RoundsError:
                continue
            t_swap += time.perf_counter() - t0
            t0 = time.perf_counter()
            again = round_solve.solve_inputs(plan.inputs, info.parameters | plan.params)
            table = again.assignment                      # (the swap's time includes its table too)
            t_solve += time.perf_counter() - t0
            made += 1
            same += set(zip(table["cadre_id"], table["class_id"])) == \
                set(zip(plan.result.assignment["cadre_id"], plan.result.assignment["class_id"]))
    if made:
        print(f"{made} swaps without a solve: {same}/{made} equal to the anchored re-solve; "
              f"mean {1000 * t_swap / made:.0f} ms a swap against {1000 * t_solve / made:.0f} ms a re-solve")


if __name__ == "__main__":
    main()
