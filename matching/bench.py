"""Benchmark: seeded instances with the demo structure, every rule family active.

    python -m matching.bench [--sizes S,M,L,X] [--repeat 3] [--seed 0]
    python -m matching.bench --sizes M,L --seeds 0,2,3 --repeat 3     (fastest of 3 per seed)

Prints median seconds, proven status and the ratio to scipy's linear_sum_assignment (plain problem,
same scores, same run; the fastest of 5 LSA runs, with and without building its weight matrix). X = sparse scores file 15 000 cadres × 60 000 classes, 50 candidates each.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .api import solve
from .config import load_config
from .model import MatchingInput, Problem

SIZES = {"S": (123, 600), "M": (400, 3000), "L": (2000, 12000), "X": (15000, 60000)}
TAGS = ["新生班", "毕业班", "学业预警", "心理关注", "少数民族", "国际学生"]
EXPERTISE = ["思想政治教育", "就业指导", "心理健康", "教学管理", "民族工作", "国际交流", "学生资助", "计算机"]
DISCIPLINES = ["工学", "理学", "文学", "经济学", "管理学", "法学", "医学", "教育学", "艺术学", "农学"]
LEVELS = ["school", "head", "deputy"]


def _tuple_col(values):
    s = pd.Series([None] * len(values), dtype=object)
    for k, v in enumerate(values):
        s.iat[k] = tuple(v)
    return s


def generate(n: int, m: int, seed: int = 0, n_colleges: int = 20, rules: bool = True) -> MatchingInput:
    """Demo-like instance: ≈20 colleges, tags, priority classes, levels, ranked wishes and all rule kinds."""
    rng = np.random.default_rng(seed)
    colleges = [f"学院{k:02d}" for k in range(n_colleges)]
    cdisc = {c: DISCIPLINES[k % len(DISCIPLINES)] for k, c in enumerate(colleges)}
    weights = rng.uniform(0.5, 1.5, n_colleges)
    col = rng.choice(n_colleges, size=m, p=weights / weights.sum())
    col.sort()
    majors = [f"{colleges[c]}专业{rng.integers(0, 4)}" for c in col]
    grade = rng.integers(2022, 2026, size=m)
    tags = []
    for k in range(m):
        t = [x for x in TAGS if rng.random() < 0.12]
        if grade[k] == 2025 and "新生班" not in t:
            t.append("新生班")
        if grade[k] == 2022 and "毕业班" not in t:
            t.append("毕业班")
        tags.append(sorted(t))
    priority = rng.random(m) < 0.08
    classes = pd.DataFrame({
        "class_id": [f"C{k:06d}" for k in range(m)], "name": [f"{majors[k]}{grade[k]}级{k}班" for k in range(m)],
        "college": [colleges[c] for c in col], "major": majors, "discipline": [cdisc[colleges[c]] for c in col],
        "grade": grade.astype(np.int64), "size": rng.integers(20, 46, size=m).astype(np.int64),
        "tags": _tuple_col(tags), "priority": priority})
    lev = rng.choice(3, size=n, p=[0.05, 0.4, 0.55])
    cap = np.where(rng.random(n) < 0.08, 2, 1)
    cap = np.where(rng.random(n) < 0.02, 0, cap)
    while cap.sum() > m:
        cap[np.flatnonzero(cap == 2)[:1]] = 1
    unit = [colleges[rng.integers(n_colleges)] if rng.random() < 0.5 else f"机关{rng.integers(10)}" for _ in range(n)]
    cadres = pd.DataFrame({
        "cadre_id": [f"T{k:05d}" for k in range(n)], "name": [f"干部{k}" for k in range(n)], "unit": unit,
        "position": "", "level": [LEVELS[x] for x in lev],
        "expertise": _tuple_col([sorted(set(rng.choice(EXPERTISE, size=rng.integers(1, 4)).tolist())) for _ in range(n)]),
        "discipline": [DISCIPLINES[rng.integers(len(DISCIPLINES))] for _ in range(n)], "capacity": cap.astype(np.int64)})
    # ranked wishes: class, major, college, grade
    pr = []
    for i in range(n):
        if rng.random() < 0.3:
            continue
        kinds = rng.choice(["class", "major", "college", "grade"], size=3, p=[0.4, 0.2, 0.3, 0.1])
        seen = set()
        for k in kinds:
            j = int(rng.integers(m))
            v = {"class": classes.class_id[j], "major": majors[j], "college": colleges[col[j]],
                 "grade": str(grade[j])}[k]
            if (k, v) not in seen:
                seen.add((k, v))
                pr.append((cadres.cadre_id[i], len(seen), k, v))
    prefs = pd.DataFrame(pr, columns=["cadre_id", "rank", "kind", "value"])
    prefs["rank"] = prefs["rank"].astype(np.int64)
    previous = None
    cons = []
    if rules:
        per = np.bincount(col, minlength=n_colleges)
        share = cap.sum() * per / m
        forbidden_cc = set()
        for i in rng.choice(n, size=max(1, n // 50), replace=False):
            c = int(rng.integers(n_colleges))
            forbidden_cc.add((int(i), c))
            cons.append(("forbid", cadres.cadre_id[i], "", colleges[c], "", None, None, "亲属回避"))
        forbidden_pair = set()
        for i in rng.choice(n, size=max(1, n // 50), replace=False):
            j = int(rng.integers(m))
            forbidden_pair.add((int(i), j))
            cons.append(("forbid", cadres.cadre_id[i], classes.class_id[j], "", "", None, None, "利益冲突"))
        used = set()
        for i in rng.choice(np.flatnonzero(cap > 0), size=max(1, n // 60), replace=False):
            j = int(rng.integers(m))
            if j in used or (int(i), j) in forbidden_pair or (int(i), int(col[j])) in forbidden_cc:
                continue
            used.add(j)
            cons.append(("lock", cadres.cadre_id[i], classes.class_id[j], "", "", None, None, "组织部指定"))
        school_cap = max(1, int(np.ceil(1.5 * (lev == 0).sum() / n_colleges)))
        for c in range(n_colleges):
            cons.append(("college_quota", "", "", colleges[c], "", int(np.floor(0.6 * share[c])),
                         int(np.ceil(1.6 * share[c])) + 1, ""))
            cons.append(("level_cap", "", "", colleges[c], "school", None, school_cap, "校领导分布上限"))
        prev_i = rng.choice(np.flatnonzero(cap > 0), size=n // 2, replace=False)
        prev_j = rng.choice(m, size=len(prev_i), replace=False)
        previous = pd.DataFrame({"cadre_id": cadres.cadre_id.values[prev_i], "class_id": classes.class_id.values[prev_j]})
    constraints = pd.DataFrame(cons, columns=["type", "cadre_id", "class_id", "college", "level", "min", "max", "reason"])
    for c in ("min", "max"):
        constraints[c] = constraints[c].astype("Int64")
    return MatchingInput(cadres, classes, prefs, constraints, None, previous)


def generate_sparse(n: int, m: int, k: int = 50, seed: int = 0) -> MatchingInput:
    """Scores file instance: each cadre lists k candidate classes with 2-decimal scores."""
    rng = np.random.default_rng(seed)
    cadres = pd.DataFrame({"cadre_id": [f"T{i:06d}" for i in range(n)], "name": [f"干部{i}" for i in range(n)],
                           "unit": "机关", "position": "", "level": "deputy", "expertise": _tuple_col([()] * n),
                           "discipline": "", "capacity": np.ones(n, dtype=np.int64)})
    ncol = 20
    classes = pd.DataFrame({"class_id": [f"C{j:06d}" for j in range(m)], "name": [f"班{j}" for j in range(m)],
                            "college": [f"学院{j % ncol:02d}" for j in range(m)], "major": "", "discipline": "",
                            "grade": np.full(m, 2025, dtype=np.int64), "size": np.full(m, 30, dtype=np.int64),
                            "tags": _tuple_col([()] * m), "priority": np.zeros(m, dtype=bool)})
    I = np.repeat(np.arange(n), k)
    J = np.concatenate([rng.choice(m, size=k, replace=False) for _ in range(n)])
    cents = rng.integers(0, 10000, size=n * k)
    text = [f"{c // 100}.{c % 100:02d}" for c in cents]
    scores = pd.DataFrame({"cadre_id": cadres.cadre_id.values[I], "class_id": classes.class_id.values[J],
                           "score": cents / 100.0, "score_text": text})
    per = m // ncol
    cons = [("college_quota", "", "", f"学院{c:02d}", "", int(0.5 * n / ncol), int(1.5 * n / ncol) + 1, "")
            for c in range(ncol)]
    constraints = pd.DataFrame(cons, columns=["type", "cadre_id", "class_id", "college", "level", "min", "max", "reason"])
    for c in ("min", "max"):
        constraints[c] = constraints[c].astype("Int64")
    del per
    return MatchingInput(cadres, classes, None, constraints, scores, None)


def explicit_scores(n: int = 123, m: int = 600, seed: int = 0, decimals: int = 4) -> MatchingInput:
    """The demo-sized round with every rule family and a scores file listing every pair (n·m rows)."""
    inp = generate(n, m, seed)
    rng = np.random.default_rng(seed + 1)
    units = rng.integers(0, 100 * 10 ** decimals, size=n * m)
    text = [f"{u // 10 ** decimals}.{u % 10 ** decimals:0{decimals}d}" for u in units.tolist()]
    sc = pd.DataFrame({"cadre_id": np.repeat(inp.cadres.cadre_id.to_numpy(), m),
                       "class_id": np.tile(inp.classes.class_id.to_numpy(), n),
                       "score": units / 10 ** decimals, "score_text": text})
    return MatchingInput(inp.cadres, inp.classes, None, inp.constraints, sc, inp.previous)


LSA_RUNS = 5


def _lsa_weights(prob: Problem) -> np.ndarray:
    W = np.where(np.isfinite(prob.W), prob.W, -1e12)
    return W[np.repeat(np.arange(prob.n), prob.cap)]


def lsa_seconds(prob: Problem, cpu: bool = False, weights: np.ndarray | None = None) -> float:
    """Plain problem (capacity 1 per slot, no side rules) with scipy, on the same objective weights,
    building its weight matrix from the problem's (wall seconds, or process CPU seconds with `cpu`);
    with `weights` given (the matrix built already), linear_sum_assignment alone."""
    clock = time.process_time if cpu else time.perf_counter
    t = clock()
    if prob.dense:
        linear_sum_assignment(_lsa_weights(prob) if weights is None else weights, maximize=True)
    else:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching
        # sparse plain problem: scipy's sparse LSA (shift so all listed weights are positive)
        w = prob.w - prob.w.min() + 1.0
        min_weight_full_bipartite_matching(csr_matrix((-w, (prob.I, prob.J)), shape=(prob.n, prob.m)))
    return clock() - t


def _load() -> str:
    try:
        return "load average " + " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "load average unknown"


def _timed(fn, repeat: int, cpu: list | None = None, runs: list | None = None):
    """Median wall seconds of `repeat` runs and the last result; `cpu` receives each run's process CPU
    seconds (all threads: steadier than wall time on a loaded machine), `runs` each run's wall seconds."""
    times, out = [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
    if runs is not None:
        runs.extend(times)
    return statistics.median(times), out


def rules_table(sizes, repeat: int, seed: int, cfg) -> None:
    print(f"{'size':4} {'cadres×classes':>16} {'rules s':>8} {'status':>8} {'LSA s':>7} {'ratio':>6} {'goal':>5}"
          f" {'plain s':>8} {'plain = LSA':>11} {'objective':>10} {'CPU rules/LSA s':>17} {'ratio':>6}"
          f" {'LSA alone':>9} {'ratio':>6}  wall s of each run",
          flush=True)
    goals = {"M": 15.0, "L": 6.0}
    for s in sizes:
        n, m = SIZES[s]
        inp = generate(n, m, seed)
        cpu: list = []
        runs: list = []
        med, res = _timed(lambda inp=inp: solve(inp, cfg), repeat, cpu, runs)
        # LSA: the fastest of 5 runs. Its time moves with the memory the process left free (measured:
        # 0.0055 or 0.012 s at M, building its matrix, after the same solves), which says nothing
        # about either solver; the fastest run is the floor. "alone" = without building the matrix.
        lsa = min(lsa_seconds(res.problem) for _ in range(LSA_RUNS))
        c_rules = statistics.median(cpu)
        c_lsa = min(lsa_seconds(res.problem, cpu=True) for _ in range(LSA_RUNS))
        built = _lsa_weights(res.problem) if res.problem.dense else None
        alone = min(lsa_seconds(res.problem, weights=built) for _ in range(LSA_RUNS)) if built is not None else lsa
        proven = res.status == "optimal" and res.report["bound"] == res.report["objective"]
        plain = generate(n, m, seed, rules=False)
        pcfg = cfg.replace(priority="off")
        pmed, pres = _timed(lambda plain=plain, pcfg=pcfg: solve(plain, pcfg), 1)
        W = _lsa_weights(pres.problem)
        r, c = linear_sum_assignment(W, maximize=True)
        same = int(W[r, c].sum()) == pres.core.obj
        goal = goals.get(s)
        print(f"{s:4} {f'{n}×{m}':>16} {med:8.3f} {'proven' if proven else res.status:>8} {lsa:7.3f} "
              f"{med / lsa:6.1f} {(f'≤{goal:g}' if goal else ''):>5} {pmed:8.3f} {'yes' if same else 'NO':>11}"
              f" {res.report['objective_exact'] or '-':>10} {f'{c_rules:.3f}/{c_lsa:.3f}':>17}"
              f" {c_rules / max(c_lsa, 1e-9):6.1f} {alone:9.4f} {med / alone:6.1f}"
              f"  runs {' '.join(f'{x:.3f}' for x in runs)}", flush=True)


def seeds_table(sizes, seeds, repeat: int, cfg) -> None:
    """Per size and seed: the fastest of `repeat` solves (wall and process CPU seconds), status and
    objective — for comparing versions of the engine on several instances in one window."""
    for s in sizes:
        n, m = SIZES[s]
        cells = []
        for seed in seeds:
            inp = generate(n, m, seed)
            wall, cpu, res = [], [], None
            for _ in range(repeat):
                res = None                  # the previous answer is freed before the next solve
                t, c = time.perf_counter(), time.process_time()
                res = solve(inp, cfg)
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            cells.append(f"{seed}: {min(wall):.3f}/{min(cpu):.3f} s {res.status} {res.report['objective_exact']}")
        print(f"{s} {n}×{m} min of {repeat} (wall/CPU): " + "; ".join(cells), flush=True)


def scores_case(repeat: int, seed: int, cfg) -> None:
    """123×600 with a scores file (4 decimals, every rule family): solve incl. exact scaling, read_bundle."""
    import tempfile
    from pathlib import Path

    from importer import columnar, read_bundle, write_csv

    from .model import Problem
    inp = explicit_scores(seed=seed)
    t_scale, _ = _timed(lambda: Problem(inp, cfg), repeat)
    t_solve, res = _timed(lambda: solve(inp, cfg), repeat)
    with tempfile.TemporaryDirectory() as d:
        files = {}
        for kind, df in (("cadres", inp.cadres), ("classes", inp.classes), ("constraints", inp.constraints),
                         ("scores", inp.scores)):
            files[kind] = Path(d) / f"{kind}.csv"
            files[kind].write_bytes(write_csv(kind, df))
        paths = {k: str(v) for k, v in files.items()}
        t_read, bundle = _timed(lambda: read_bundle(paths), repeat)
        columnar.ENABLED = False          # the row-by-row parse, for the same-run comparison
        try:
            t_rows, _ = _timed(lambda: read_bundle(paths), repeat)
        finally:
            columnar.ENABLED = True
    assert len(bundle["scores"]) == len(inp.scores)
    print(f"scores file 123×600 ({len(inp.scores)} rows, 4 decimals, all rule families): solve {t_solve:.3f} s "
          f"(goal ≤ 0.1; model incl. exact scaling {t_scale:.3f} s) {res.status}; "
          f"read_bundle {t_read:.3f} s (goal ≤ 0.3; row by row {t_rows:.3f} s = {t_rows / t_read:.1f}×)", flush=True)


def explain_case(sizes, seed: int, cfg, cadres: int = 5) -> None:
    goals = {"S": 0.1, "L": 1.0}
    for s in sizes:
        n, m = SIZES[s]
        inp = generate(n, m, seed)
        res = solve(inp, cfg)
        ts = []
        for cid in list(inp.cadres.cadre_id[inp.cadres.capacity > 0])[:cadres]:
            t = time.perf_counter()
            res.explain(cid)
            ts.append(time.perf_counter() - t)
        goal = goals.get(s)
        print(f"explain {s} ({n}×{m}): per cadre mean {statistics.mean(ts):.3f} s, max {max(ts):.3f} s"
              + (f" (goal ≤ {goal:g})" if goal else ""), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m matching.bench")
    ap.add_argument("--sizes", default="S,M,L")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--objective", default="total")
    ap.add_argument("--explain", default="S,L", help="sizes for the explanation timing ('' = none)")
    ap.add_argument("--no-scores", action="store_true", help="skip the 123×600 scores-file case")
    ap.add_argument("--seeds", default="", help="e.g. 0,2,3: only the fastest of --repeat solves per seed")
    a = ap.parse_args(argv)
    cfg = load_config(None).replace(objective=a.objective)
    print(f"matching.bench — {_load()} (cpus: {__import__('os').cpu_count()})", flush=True)
    sizes = [s.strip().upper() for s in a.sizes.split(",") if s.strip()]
    if a.seeds:
        seeds_table(sizes, [int(x) for x in a.seeds.split(",")], a.repeat, cfg)
        print(f"done — {_load()}", flush=True)
        return
    rules_table(sizes, a.repeat, a.seed, cfg)
    if not a.no_scores:
        scores_case(a.repeat, a.seed, cfg)
    ex = [s.strip().upper() for s in a.explain.split(",") if s.strip()]
    if ex:
        explain_case(ex, a.seed, cfg)
    print(f"done — {_load()}", flush=True)


if __name__ == "__main__":
    main()
