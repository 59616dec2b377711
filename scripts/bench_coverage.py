"""Benchmark of the coverage page's server work: `.venv/bin/python scripts/bench_coverage.py`.

A 400-cadre university (440 classes in 20 colleges) with a full academic year of ledger
(≈60 000 activities, from compliance.bench.synthetic) is written into a fresh SQLite store through
the store services. Then, like one rerun of pages/coverage.py, it times:

- cold  — a full read: store_version + load_inputs (everything from the store) + compute(as_of) +
          compute(as_of - 7 d) + view() + what the first paint draws (the page draws only its open tab:
          the KPIs and the overview's two charts, with their Vega-Lite specs as the page makes them);
- cold, every tab built — the same, plus every other tab's frames and charts (the cadre table, the
          reminders, the heatmaps, the trend and the venues): what a full read cost before the tabs were lazy;
- open the charts tab — the view is memoised: the heatmaps, trend and venues and their specs;
- after a ledger write — the live case: one activity is recorded (untimed), then the same work, but
          load_inputs patches the previous inputs from the audit log instead of re-reading the ledger;
- filter — a filter change (college / level / rule / term): inputs and evaluations are cached on
          the store version, so store_version + view() + first paint;
- as-of — a new as-of date: store_version + two compute() + view() + first paint;
- after a login — a session is opened (an audited write: the store version moves), then the rerun:
          the inputs and the evaluations cached on their version are kept (store_version + inputs
          check + view + first paint; the first run builds the evaluations it keeps);
- refresh — the page's timed refresh with nothing changed: store_version + memoised view + first paint.

Goal (issue 17): ≤ 0.5 s for the full read. Prints best and median of --repeat runs and the ratio to the goal.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_S = 0.5     # a full read of the coverage page (issue 17)
AS_OF = date(2026, 5, 20)


def build_store(n_cadres: int, n_acts: int, seed: int = 0) -> dict:
    """Write the synthetic university into the store at the current DATABASE_URL/YIXIAN_DB_PATH."""
    from compliance.bench import CAL, synthetic
    from services.db import session_scope
    from store import data as sd
    from store import frames, rounds

    rng = np.random.default_rng(seed)
    assign, ledger, exempt = synthetic(n_cadres, n_acts, seed)
    colleges = [f"第{i + 1:02d}学院" for i in range(20)]
    n_classes = n_cadres + n_cadres // 10
    class_ids = [f"K{i:05d}" for i in range(n_classes)]
    college_of = {k: colleges[i % len(colleges)] for i, k in enumerate(class_ids)}
    classes = frames.from_records("classes", [
        {"class_id": k, "name": f"{college_of[k]}{2022 + i % 4}级{i % 7 + 1}班", "college": college_of[k],
         "major": "", "discipline": "", "grade": 2022 + i % 4, "size": int(rng.integers(20, 60)),
         "tags": ("新生班",) if i % 4 == 3 else (), "priority": bool(rng.random() < 0.1)}
        for i, k in enumerate(class_ids)])
    levels = np.array(["school", "head", "deputy"], dtype=object)
    cadre_ids = list(dict.fromkeys(assign["cadre_id"]))
    cadres = frames.from_records("cadres", [
        {"cadre_id": c, "name": f"干部{i}", "unit": colleges[i % 20], "position": "", "level": levels[i % 3],
         "expertise": (), "discipline": "", "capacity": 1} for i, c in enumerate(cadre_ids)])
    a = assign.copy()
    a["class_name"] = a["class_id"].map(classes.set_index("class_id")["name"])
    a["college"] = a["class_id"].map(college_of)
    a["score"] = 1.0
    for p in frames.PART_COLUMNS:
        a[p] = 0.0
    a["preference_rank"] = pd.array(np.where(rng.random(len(a)) < 0.8, rng.integers(1, 4, len(a)), 0),
                                    dtype="Int64").astype("Int64")
    a.loc[a["preference_rank"] == 0, "preference_rank"] = pd.NA
    a["locked"] = False
    a["changed"] = False
    names = dict(zip(cadres["cadre_id"], cadres["name"]))
    a["name"] = a["cadre_id"].map(names)
    a = frames.canonical("assignment", a)
    ledger = ledger.drop_duplicates("activity_id", keep="last").reset_index(drop=True)
    ledger = frames.canonical("ledger", ledger)
    exempt = frames.canonical("exemptions", exempt)
    with session_scope() as s:
        sd.replace_kinds(s, {"cadres": cadres, "classes": classes, "exemptions": exempt}, "bench")
        sd.save_calendar(s, CAL, "bench")
    with session_scope() as s:
        sd.upsert_ledger(s, ledger, "bench")
    with session_scope() as s:
        rid = rounds.create_round(s, "bench", "initial", {"cadres": cadres, "classes": classes}, {}, "bench")
        rounds.save_round_result(s, rid, a, {"status": "imported"}, "bench")
        rounds.publish_round(s, rid, date(2025, 9, 8), "bench")
    return {"cadres": len(cadres), "classes": len(classes), "activities": len(ledger), "assignment_rows": len(a)}


FIRST_PAINT = ("overview",)                      # the tab the page opens on (only the open tab is drawn)
EVERY_TAB = ("overview", "charts", "cadres", "reminders")


def draw(v, tabs: tuple[str, ...] = FIRST_PAINT) -> int:
    """What pages/coverage.py draws of view `v` with `tabs` open: the KPI row (its caption counts the
    heatmap's cadres), and each tab's frames and charts with their specs (as ui/coverage/charts_tab.py:
    charts.spec, drawn with st.vega_lite_chart). Returns the size of the specs (JSON characters)."""
    import json

    from services import compliance_view as cv
    from ui import charts

    out = []
    _ = v.kpis, v.heat_cadre_total
    if "overview" in tabs:
        out += [charts.coverage_by_college(v.coverage_college), charts.preference_satisfaction(v.preferences)]
    if "charts" in tabs:
        if not v.heat_college.empty:
            out.append(charts.heatmap(v.heat_college, "college", "period", "学院", "周期", "t",
                                      col_sort=list(dict.fromkeys(v.heat_college.sort_values("start")["period"]))))
        if not v.heat_cadre.empty:
            out.append(charts.heatmap(v.heat_cadre, "cadre", "rule", "干部", "规则", "t",
                                      row_sort=list(dict.fromkeys(v.heat_cadre["cadre"]))))
        if not v.trend.empty:
            out.append(charts.weekly_trend(v.trend, v.trend_target, cv.F2F))
        out.append(charts.venue_coverage(v.venues, v.venue_cadres))
    if "cadres" in tabs:
        _ = v.cadres
    if "reminders" in tabs:
        _ = v.reminders
    return sum(len(json.dumps(charts.spec(c), ensure_ascii=False, default=str)) for c in out)


def _users(college: str):
    """The acting users (services check roles and scope on every call, as for the page)."""
    from store.auth import UserInfo

    return (UserInfo(0, "bench-leader", "bench", "leader", None, None),
            UserInfo(0, "bench", "bench", "admin", None, None),
            UserInfo(0, "bench-college", "bench", "college", college, None))


def cold(leader, incremental: bool = False, tabs: tuple[str, ...] = FIRST_PAINT):
    """One full page rerun: version, inputs, two evaluations, the view and what the open tab(s) draw."""
    from services import compliance_view as cv
    from services import coverage

    version = cv.store_version()
    inputs = cv.load_inputs(version, incremental=incremental)
    comp = cv.compute(inputs, AS_OF)
    prev = cv.compute(inputs, cv.previous_as_of(inputs, AS_OF))
    draw(coverage.view(leader, comp, coverage.Filters(AS_OF, term=cv.term_of(inputs, AS_OF)), prev), tabs)
    return inputs, comp, prev


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run. On a shared box the CPU time (this process) is what the
    work costs on an idle core; wall time includes waiting for other processes. A function may
    time itself (returning (wall, cpu)) to leave its setup out."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        own = fn()
        w, u = own if isinstance(own, tuple) and len(own) == 2 and isinstance(own[0], float) else (
            time.perf_counter() - t, time.process_time() - c)
        wall.append(w)
        cpu.append(u)
    return wall, cpu


def breakdown(leader) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each part of one cold rerun."""
    from services import compliance_view as cv
    from services import coverage

    parts, t, c = {}, time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal t, c
        parts[name] = (time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()

    cv.store_version()
    lap("store_version")
    inp = cv.load_inputs(incremental=False)
    lap("load_inputs (full)")
    c1, c0 = cv.compute(inp, AS_OF), cv.compute(inp, cv.previous_as_of(inp, AS_OF))
    lap("compute x2")
    vv = coverage.view(leader, c1, coverage.Filters(AS_OF), c0)
    lap("view")
    draw(vv)
    lap("first paint (KPIs, overview charts)")
    draw(vv, EVERY_TAB[1:])
    lap("the other tabs, opened")
    return parts


def rerun_kinds(inputs, comp, prev, colleges: list[str]) -> list[tuple[str, object]]:
    """(name, fn) of each kind of page rerun the benchmark times."""
    from services import compliance_view as cv
    from services import coverage, ledger
    from services.db import session_scope

    leader, admin, college = _users(colleges[0])
    i = [0]

    def filter_change():
        i[0] += 1
        f = coverage.Filters(AS_OF, term=None if i[0] % 2 else "2026春", college=colleges[i[0] % len(colleges)]
                             if i[0] % 3 else None, level=("school", "head", None)[i[0] % 3])
        cv.store_version()
        comp.forget_views()          # measure building the view, not the memo
        draw(coverage.view(leader, comp, f, prev))

    def as_of_change():
        cv.store_version()
        d = date(2026, 4, 1 + i[0] % 28)
        i[0] += 1
        c, p = cv.compute(inputs, d), cv.compute(inputs, cv.previous_as_of(inputs, d))
        draw(coverage.view(leader, c, coverage.Filters(d), p))

    def after_ledger_write():
        """A cadre records one activity (untimed), then the page reruns: the ledger is patched from
        the audit log instead of read again; evaluations and views are rebuilt."""
        i[0] += 1
        cadre = str(inputs.assignment["cadre_id"].iloc[i[0] % len(inputs.assignment)])
        chk = ledger.check_activity(admin, {"cadre_id": cadre, "date": date(2026, 5, 18), "type": "face_to_face",
                                            "venue": "食堂", "summary": f"bench {i[0]}"})
        ledger.record_activity(admin, chk)
        t, c = time.perf_counter(), time.process_time()
        cold(leader, incremental=True)
        return time.perf_counter() - t, time.process_time() - c

    evaluations: dict = {}       # the page's st.cache_resource of compute(), keyed on the inputs' version

    def after_login():
        """Someone logs in (untimed: an audited session write moves the store version), then the page
        reruns: the inputs and the evaluations cached on their version are kept."""
        from store.auth import create_user, get_user
        from store.sessions import create_session

        with session_scope() as s:
            u = get_user(s, "bench-login") or create_user(s, "bench-login", "bench-login-password", "leader",
                                                         "bench login", "bench", check_rules=False)
            create_session(s, u, "password", "bench")
        t, c = time.perf_counter(), time.process_time()
        inp = cv.load_inputs(cv.store_version())
        key = (inp.version, AS_OF)
        if key not in evaluations:
            evaluations[key] = (cv.compute(inp, AS_OF), cv.compute(inp, cv.previous_as_of(inp, AS_OF)))
        now, before = evaluations[key]
        draw(coverage.view(leader, now, coverage.Filters(AS_OF), before))
        return time.perf_counter() - t, time.process_time() - c

    def college_user():
        cv.store_version()
        comp.forget_views()
        draw(coverage.view(college, comp, coverage.Filters(AS_OF), prev))

    def refresh_tick():
        cv.store_version()
        draw(coverage.view(leader, comp, coverage.Filters(AS_OF), prev))   # unchanged store: memoised view

    def open_charts_tab():
        """The user opens the compliance charts tab (the view is memoised, its charts are not yet built)."""
        comp.forget_views()
        v = coverage.view(leader, comp, coverage.Filters(AS_OF), prev)
        draw(v)
        t, c = time.perf_counter(), time.process_time()
        cv.store_version()
        draw(coverage.view(leader, comp, coverage.Filters(AS_OF), prev), ("charts",))
        return time.perf_counter() - t, time.process_time() - c

    return [("cold (full read)", lambda: cold(leader) and None),
            ("cold, every tab built", lambda: cold(leader, tabs=EVERY_TAB) and None),
            ("open the charts tab", open_charts_tab), ("after a ledger write", after_ledger_write),
            ("filter change (cached)", filter_change), ("as-of change", as_of_change),
            ("after a login", after_login),
            ("college user (cached)", college_user), ("timed refresh, no change", refresh_tick)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/bench_coverage.py")
    ap.add_argument("--cadres", type=int, default=400)
    ap.add_argument("--activities", type=int, default=60_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", type=Path, default=None, help="SQLite file to (re)use; default: a temp file")
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.sqlite3"
    os.environ.pop("DATABASE_URL", None)
    os.environ["YIXIAN_DB_PATH"] = str(db)
    from services.db import reset_engines

    reset_engines()
    t0 = time.perf_counter()
    if not db.exists() or db.stat().st_size == 0:
        info = build_store(args.cadres, args.activities)
        print(f"store built in {time.perf_counter() - t0:.1f} s: {info}")
    else:
        print(f"reusing {db}")
    leader = _users("")[0]
    inputs, comp, prev = cold(leader)
    from services import coverage

    v = coverage.view(leader, comp, coverage.Filters(AS_OF), prev)
    print(f"chart specs of the unfiltered view: first paint {draw(v):,}, every tab {draw(v, EVERY_TAB):,} "
          "characters of JSON")
    print(f"university: {len(inputs.cadres)} cadres, {len(inputs.classes)} classes, "
          f"{len(inputs.ledger):,} activities, {len(comp.ev.status):,} status rows; as of {AS_OF}")
    parts = min((breakdown(leader) for _ in range(args.repeat)), key=lambda p: sum(c for _, c in p.values()))
    print("one cold rerun, by part (wall / cpu s, the run with the least CPU): "
          + ", ".join(f"{k} {w:.3f} / {c:.3f}" for k, (w, c) in parts.items()))
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'rerun kind':<28}{'best s':>9}{'median s':>10}{'median cpu s':>14}{'× goal':>8}")
    for name, fn in rerun_kinds(inputs, comp, prev, sorted(inputs.classes["college"].unique())):
        ts, cs = timed(fn, args.repeat)
        med = statistics.median(ts)
        print(f"{name:<28}{min(ts):>9.3f}{med:>10.3f}{statistics.median(cs):>14.3f}{med / GOAL_S:>8.2f}")
    reset_engines()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
