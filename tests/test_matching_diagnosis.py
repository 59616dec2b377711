"""Infeasible inputs name the right rules, in Chinese and English; CLI exit codes 0/2/3."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_matching_support import cadres, classes, constraints, scores

from matching import MatchingInput, load_config, solve

CFG = load_config(None)
ROOT = Path(__file__).resolve().parents[1]


def refs(res):
    return [r for c in res.diagnosis for r in c.rules]


def three_cadres():
    return cadres([("A", "head", 1), ("B", "deputy", 1), ("C", "school", 1)])


def test_quota_min_vs_forbids_named():
    cls = classes([("P1", "体育学院"), ("P2", "体育学院"), ("P3", "体育学院"), ("Q1", "文学院")])
    cons = constraints([{"type": "college_quota", "college": "体育学院", "min": 3},
                        {"type": "forbid", "cadre_id": "C", "college": "体育学院", "reason": "亲属回避"}])
    res = solve(MatchingInput(three_cadres(), cls, None, cons), CFG)
    assert res.status == "infeasible"
    c = res.diagnosis[0]
    assert c.message_zh.startswith("体育学院至少3名干部，但除回避外只有2名干部可分配到体育学院")
    assert {"kind": "constraint", "rule_index": 0} in c.rules and {"kind": "constraint", "rule_index": 1} in c.rules
    assert "at least 3" in c.message_en
    assert res.report["status"] == "infeasible" and res.report["diagnosis"]


def test_supply_and_priority_prechecks():
    cls = classes([("P1", "甲院", True), ("P2", "甲院", True)])
    res = solve(MatchingInput(three_cadres(), cls), CFG)
    names = {r.get("name") for r in refs(res)}
    assert {"capacity", "supply"} <= names
    res = solve(MatchingInput(cadres([("A", "head", 1)]), cls), CFG)
    assert any(r.get("name") == "priority" for r in refs(res))
    assert "重点关注班级" in res.diagnosis[0].message_zh


def test_lock_conflicts_named():
    cls = classes([("X", "甲院"), ("Y", "甲院"), ("Z", "甲院")])
    cons = constraints([{"type": "lock", "cadre_id": "A", "class_id": "X"},
                        {"type": "lock", "cadre_id": "B", "class_id": "X"},
                        {"type": "forbid", "cadre_id": "C", "class_id": "Y"},
                        {"type": "lock", "cadre_id": "C", "class_id": "Y"}])
    res = solve(MatchingInput(three_cadres(), cls, None, cons), CFG)
    got = {r["rule_index"] for r in refs(res) if r["kind"] == "constraint"}
    assert got == {0, 1, 2, 3}
    assert any("锁定" in c.message_zh and "回避" in c.message_zh for c in res.diagnosis)


def test_level_cap_vs_quota_min():
    cad = cadres([("A", "school", 1), ("B", "school", 1), ("C", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院"), ("Z", "甲院"), ("W", "乙院")])
    cons = constraints([{"type": "college_quota", "college": "甲院", "min": 3},
                        {"type": "level_cap", "college": "甲院", "level": "school", "max": 1}])
    res = solve(MatchingInput(cad, cls, None, cons), CFG)
    assert res.status == "infeasible"
    assert {r["rule_index"] for r in refs(res) if r["kind"] == "constraint"} == {0, 1}
    assert "层级上限" in res.diagnosis[0].message_zh


def test_deletion_filter_finds_minimal_clash():
    # Counting checks pass, but budget 0 + previous pairs + a lock elsewhere clash; unrelated rules are left out.
    from test_matching_support import previous
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "乙院"), ("Z", "乙院")])
    sc = scores([(a, k, "1") for a in "AB" for k in "XYZ"])
    cons = constraints([{"type": "forbid", "cadre_id": "B", "class_id": "Z"},        # irrelevant
                        {"type": "lock", "cadre_id": "A", "class_id": "Z"},
                        {"type": "college_quota", "college": "乙院", "max": 2}])     # irrelevant
    res = solve(MatchingInput(cad, cls, None, cons, sc, previous([("A", "X"), ("B", "Y")])),
                CFG.replace(change_budget=0))
    assert res.status == "infeasible"
    rs = refs(res)
    assert {"kind": "constraint", "rule_index": 1} in rs and {"kind": "round", "name": "change_budget"} in rs
    assert {"kind": "constraint", "rule_index": 0} not in rs and {"kind": "constraint", "rule_index": 2} not in rs
    assert "最多调整0对" in res.diagnosis[0].message_zh


def test_deletion_filter_irreducible_on_random_infeasible():
    # every rule named is needed: dropping any one of them makes the input feasible
    import dataclasses

    from matching.solver import Opts, solve_core
    cad = cadres([("A", "school", 1), ("B", "school", 1), ("C", "head", 2)])
    cls = classes([(f"K{j}", "甲院" if j < 3 else "乙院") for j in range(6)])
    cons = constraints([{"type": "level_cap", "college": "乙院", "level": "school", "max": 0},
                        {"type": "college_quota", "college": "甲院", "max": 2},
                        {"type": "forbid", "cadre_id": "C", "class_id": "K5"},
                        {"type": "forbid", "cadre_id": "A", "class_id": "K0"},
                        {"type": "forbid", "cadre_id": "C", "class_id": "K4"}])
    res = solve(MatchingInput(cad, cls, None, cons), CFG)
    assert res.status == "infeasible"
    named = {tuple(sorted(r.items())) for r in refs(res)}
    assert {"kind": "constraint", "rule_index": 3} not in refs(res)      # A–K0 plays no part
    prob = res.problem
    for rule in prob.rules:
        if tuple(sorted(rule.ref.items())) in named:
            o = dataclasses.replace(Opts(), disabled=frozenset({rule.key}))
            assert solve_core(prob, o).status == "optimal", rule.label_en


def _write(tmp, name, text):
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "matching", "solve", *args], check=False, cwd=ROOT,
                          capture_output=True,
                          text=True, timeout=120)


def test_cli_exit_codes(tmp_path):
    cad = _write(tmp_path, "cadres.csv", "cadre_id,name,unit,level,capacity\nA,甲,机关,中层正职,1\nB,乙,机关,head,1\n")
    cls = _write(tmp_path, "classes.csv", "class_id,name,college,grade,size,priority\nX,一班,体育学院,2025,30,否\n"
                 "Y,二班,体育学院,2025,31,是\nZ,三班,文学院,2024,28,否\n")
    out = tmp_path / "out.csv"
    rep = tmp_path / "r.json"
    p = _cli("--cadres", cad, "--classes", cls, "--out", str(out), "--report", str(rep))
    assert p.returncode == 0, p.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("cadre_id,name,class_id")
    assert json.loads(rep.read_text(encoding="utf-8"))["status"] == "optimal"
    # invalid input: every problem listed, nothing written
    bad = _write(tmp_path, "bad.csv", "cadre_id,name,unit,level,capacity\nA,甲,机关,部长,x\n")
    out2 = tmp_path / "out2.csv"
    p = _cli("--cadres", bad, "--classes", cls, "--out", str(out2), "--lang", "en")
    assert p.returncode == 2 and not out2.exists()
    assert "level" in p.stderr and "capacity" in p.stderr
    badcfg = _write(tmp_path, "c.toml", 'objective = "best"\n')
    p = _cli("--cadres", cad, "--classes", cls, "--config", badcfg, "--out", str(out2))
    assert p.returncode == 2 and "objective" in p.stderr and not out2.exists()
    # infeasible: diagnosis on stderr and in the report, no assignment written
    cons = _write(tmp_path, "cons.csv", "type,college,min\ncollege_quota,体育学院,3\n")
    out3 = tmp_path / "out3.csv"
    rep3 = tmp_path / "r3.json"
    p = _cli("--cadres", cad, "--classes", cls, "--constraints", cons, "--out", str(out3), "--report", str(rep3))
    assert p.returncode == 3 and not out3.exists()
    assert "体育学院至少3名干部" in p.stderr
    r = json.loads(rep3.read_text(encoding="utf-8"))
    assert r["status"] == "infeasible" and r["diagnosis"][0]["rules"][0] == {"kind": "constraint", "rule_index": 0}


def test_change_budget_below_what_previous_pairs_allow_is_named_at_once():
    """Σ cap_i classes are given out and at most the previous pairs still allowed are kept: a budget
    below the rest is infeasible, named with the forbid and own-unit rules that removed previous pairs,
    without the deletion filter's re-solves; a budget of exactly that many is feasible."""
    from test_matching_support import previous

    import matching.diagnosis as diag
    cad = cadres([("A", "head", 1, "甲院"), ("B", "head", 1), ("C", "deputy", 2), ("D", "deputy", 1)])
    cls = classes([("X", "甲院"), ("Y", "乙院"), ("Z", "乙院"), ("U", "丙院"), ("V", "丙院"), ("W", "丙院")])
    prev = previous([("A", "X"), ("B", "Y"), ("C", "Z"), ("D", "U")])
    cons = constraints([{"type": "forbid", "cadre_id": "B", "class_id": "Y", "reason": "回避"}])
    cfg = CFG.replace(own_unit="forbid")
    # 5 classes given out; (A, X) is own college and (B, Y) forbidden: at most 2 kept, at least 3 changes
    calls = []
    real = diag.deletion_filter
    diag.deletion_filter = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        res = solve(MatchingInput(cad, cls, None, cons, None, prev), cfg.replace(change_budget=2))
    finally:
        diag.deletion_filter = real
    assert res.status == "infeasible" and not calls
    rs = refs(res)
    assert {"kind": "round", "name": "change_budget"} in rs and {"kind": "round", "name": "capacity"} in rs
    assert {"kind": "constraint", "rule_index": 0} in rs and {"kind": "round", "name": "own_unit"} in rs
    c = res.diagnosis[0]
    assert "至少要调整3对" in c.message_zh and "at least 3 pairs must change" in c.message_en
    ok = solve(MatchingInput(cad, cls, None, cons, None, prev), cfg.replace(change_budget=3))
    assert ok.status == "optimal"
