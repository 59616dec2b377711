"""Benchmark: `python -m compliance.bench` — synthetic ledgers evaluated over one academic year.

Cases: 2 000 cadres / 1 000 000 activities (goal <= 3 s) and 400 cadres / 60 000 activities (the
dashboard's size). Prints seconds for evaluate() and forecast(), and rows/s (ledger rows per second).
"""
from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .calendar import Calendar, Term
from .engine import Evaluation
from .forecast import forecast
from .rules import ACTIVITY_TYPES, VENUES, load_rules

CAL = [Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),)),
       Term("2026春", date(2026, 3, 2), 18, ((date(2026, 4, 4), date(2026, 4, 6)), (date(2026, 5, 1), date(2026, 5, 5))))]


def synthetic(n_cadres: int, n_acts: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    cadres = np.array([f"C{i:05d}" for i in range(n_cadres)], dtype=object)
    classes = np.array([f"K{i:05d}" for i in range(n_cadres + n_cadres // 10)], dtype=object)
    # 10 % of cadres hand over their class mid-term to a newcomer class holder
    start = pd.Series(pd.NaT, index=range(n_cadres), dtype="datetime64[ns]")
    end = start.copy()
    chg = rng.random(n_cadres) < 0.1
    end[chg] = pd.Timestamp("2025-11-16")
    assign = pd.DataFrame({"cadre_id": cadres, "name": [f"干部{i}" for i in range(n_cadres)],
                           "class_id": classes[:n_cadres], "start": start, "end": end})
    extra = pd.DataFrame({"cadre_id": cadres[chg], "name": "", "class_id": classes[n_cadres:][:chg.sum()]
                          if chg.sum() <= len(classes) - n_cadres else classes[:chg.sum()],
                          "start": pd.Timestamp("2025-11-17"), "end": pd.NaT})
    assign = pd.concat([assign, extra], ignore_index=True)
    exempt = pd.DataFrame({"cadre_id": cadres[rng.random(n_cadres) < 0.05], "start": pd.Timestamp("2026-03-09"),
                           "end": pd.Timestamp("2026-04-30"), "reason": "公差"})
    day0 = np.datetime64("2025-09-01")
    days = rng.integers(0, 320, n_acts)
    ci = rng.integers(0, n_cadres, n_acts)
    types = np.array(ACTIVITY_TYPES, dtype=object)[rng.integers(0, len(ACTIVITY_TYPES), n_acts)]
    venues = np.array(VENUES, dtype=object)[rng.integers(0, len(VENUES), n_acts)]
    venues[types == "report"] = ""
    cls = np.where(rng.random(n_acts) < 0.7, "", classes[rng.integers(0, len(classes), n_acts)])
    ids = pd.Series(np.arange(n_acts)).map("A{:08d}".format).to_numpy(dtype=object)
    ids[rng.random(n_acts) < 0.01] = "A00000000"   # some re-imported duplicates
    ledger = pd.DataFrame({
        "activity_id": ids, "cadre_id": cadres[ci], "date": (day0 + days).astype("datetime64[ns]"),
        "type": types, "venue": venues, "class_id": cls,
        "students": pd.array(rng.integers(0, 60, n_acts), dtype="Int64"),
        "minutes": pd.array(rng.integers(10, 120, n_acts), dtype="Int64"), "summary": "",
    })
    # canonical frames hold text as object dtype (what the importer returns)
    for df in (assign, ledger, exempt):
        for c in df.columns:
            if pd.api.types.is_string_dtype(df[c].dtype) and df[c].dtype != object:
                df[c] = df[c].astype(object)
    return assign, ledger, exempt


def run(n_cadres: int, n_acts: int, repeat: int = 3) -> dict:
    cal = Calendar(CAL)
    rules = load_rules()
    assign, ledger, exempt = synthetic(n_cadres, n_acts)
    as_of = date(2026, 7, 5) - timedelta(days=30)
    best = best_fc = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        ev = Evaluation(cal, assign, ledger, exempt, rules, as_of=as_of)
        t1 = time.perf_counter()
        forecast(ev)
        t2 = time.perf_counter()
        best, best_fc = min(best, t1 - t0), min(best_fc, t2 - t1)
    return {"cadres": n_cadres, "activities": n_acts, "status_rows": len(ev.status), "seconds": best,
            "forecast_seconds": best_fc, "rows_per_s": n_acts / best}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m compliance.bench")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"compliance.bench — evaluate() over one academic year (best of {args.repeat})")
    for n_c, n_a, goal in ((2000, 1_000_000, 3.0), (400, 60_000, None)):
        r = run(n_c, n_a, args.repeat)
        g = f"  goal {goal:.1f} s -> {r['seconds'] / goal:.2f} of goal" if goal else ""
        print(f"{r['cadres']:>5} cadres {r['activities']:>9,} activities: evaluate {r['seconds']:.3f} s "
              f"({r['rows_per_s']:,.0f} rows/s), {r['status_rows']:,} status rows; "
              f"forecast +{r['forecast_seconds']:.3f} s{g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
