"""Benchmark: seeded instances with the demo structure, every rule family active.

    python -m matching.bench [--sizes S,M,L,X] [--repeat 3] [--seed 0]

Prints median seconds, proven status and the ratio to scipy's linear_sum_assignment (plain problem,
same scores, same run). X = sparse scores file 15 000 cadres × 60 000 classes, 50 candidates each.
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


def lsa_seconds(prob: Problem) -> float:
    """Plain problem (capacity 1 per slot, no side rules) with scipy, on the same objective weights."""
    t = time.perf_counter()
    if prob.dense:
        W = np.where(np.isfinite(prob.W), prob.W, -1e12)
        rows = np.repeat(np.arange(prob.n), prob.cap)
        linear_sum_assignment(W[rows], maximize=True)
    else:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching
        # sparse plain problem: scipy's sparse LSA (shift so all listed weights are positive)
        w = prob.w - prob.w.min() + 1.0
        min_weight_full_bipartite_matching(csr_matrix((-w, (prob.I, prob.J)), shape=(prob.n, prob.m)))
    return time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m matching.bench")
    ap.add_argument("--sizes", default="S,M,L,X")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--objective", default="total")
    a = ap.parse_args(argv)
    cfg = load_config(None).replace(objective=a.objective)
    print(f"{'size':4} {'cadres×classes':>16} {'median s':>9} {'status':>9} {'pruned':>10} {'LSA s':>8} "
          f"{'ratio':>7}  runs")
    for s in a.sizes.split(","):
        s = s.strip().upper()
        n, m = SIZES[s]
        inp = generate_sparse(n, m, 50, a.seed) if s == "X" else generate(n, m, a.seed)
        times, lsa, statuses, pruned = [], [], set(), 0
        for _ in range(a.repeat):
            t = time.perf_counter()
            res = solve(inp, cfg)
            times.append(time.perf_counter() - t)
            statuses.add(res.status + ("" if res.status != "optimal" or res.report["bound"] == res.report["objective"]
                                       else "?"))
            pruned = res.report["pairs_pruned"]
            lsa.append(lsa_seconds(res.problem))
        med, ml = statistics.median(times), statistics.median(lsa)
        print(f"{s:4} {f'{n}×{m}':>16} {med:9.3f} {'/'.join(sorted(statuses)):>9} {pruned:>10} {ml:8.3f} "
              f"{med / ml if ml else float('nan'):7.1f}  {' '.join(f'{x:.3f}' for x in times)}", flush=True)


if __name__ == "__main__":
    main()
