"""Each rule family binds; fit parts; objectives; explanations; determinism; progress and cancel."""
from __future__ import annotations

import threading
from fractions import Fraction

import pandas as pd
import pytest
from test_matching_support import cadres, classes, constraints, prefs, previous, scores

from matching import ConfigError, MatchingInput, load_config, solve

CFG = load_config(None)


def pairs(res):
    return set(zip(res.assignment.cadre_id, res.assignment.class_id))


def base_scores():
    # A and B both want X most; without rules: A-X (9) + B-Y (5) = 14 beats A-Y + B-X (3 + 8 = 11)
    cad = cadres([("A", "school", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "乙院"), ("Z", "乙院", True)])
    sc = scores([("A", "X", "9"), ("A", "Y", "3"), ("A", "Z", "1"), ("B", "X", "8"), ("B", "Y", "5"),
                 ("B", "Z", "2")])
    return cad, cls, sc


def run(cons=None, cfg=CFG, prev=None):
    cad, cls, sc = base_scores()
    return solve(MatchingInput(cad, cls, None, constraints(cons or []), sc, prev), cfg)


def test_priority_hard_weighted_off():
    assert pairs(run()) == {("A", "X"), ("B", "Z")}                      # Z is priority: must be covered
    assert pairs(run(cfg=CFG.replace(priority="off"))) == {("A", "X"), ("B", "Y")}
    w = CFG.replace(priority="weighted")                                   # bonus 5: B-Z (2+5) > B-Y (5)
    r = run(cfg=w)
    assert pairs(r) == {("A", "X"), ("B", "Z")} and r.objective_exact == 16
    assert pairs(run(cfg=w.replace(weights={**w.weights, "priority_bonus": Fraction(1)}))) == {("A", "X"), ("B", "Y")}


def test_forbid_pair_and_college_bind():
    off = CFG.replace(priority="off")
    assert pairs(run([{"type": "forbid", "cadre_id": "A", "class_id": "X"}], off)) == {("A", "Y"), ("B", "X")}
    assert pairs(run([{"type": "forbid", "cadre_id": "B", "college": "乙院"}], off)) == {("A", "Y"), ("B", "X")}


def test_lock_binds():
    off = CFG.replace(priority="off")
    r = run([{"type": "lock", "cadre_id": "B", "class_id": "X"}], off)
    assert pairs(r) == {("A", "Y"), ("B", "X")}
    assert r.assignment.set_index("cadre_id").loc["B", "locked"]


def test_college_quota_min_and_max_bind():
    off = CFG.replace(priority="off")
    # both pushed into 乙院: A-Z + B-Y (1 + 5) beats A-Y + B-Z (3 + 2)
    assert pairs(run([{"type": "college_quota", "college": "甲院", "max": 0}], off)) == {("A", "Z"), ("B", "Y")}
    assert pairs(run([{"type": "college_quota", "college": "乙院", "min": 2}], off)) == {("A", "Z"), ("B", "Y")}


def test_college_quota_counts_cadres_not_classes():
    # C takes 2 classes of 甲院 but counts once: quota max 1 still allows it
    cad = cadres([("C", "head", 2)])
    cls = classes([("X", "甲院"), ("Y", "甲院"), ("Z", "乙院")])
    sc = scores([("C", "X", "5"), ("C", "Y", "5"), ("C", "Z", "1")])
    cons = constraints([{"type": "college_quota", "college": "甲院", "max": 1},
                        {"type": "college_quota", "college": "乙院", "min": 1}])
    r = solve(MatchingInput(cad, cls, None, cons, sc), CFG)
    assert r.status == "optimal" and len(r.assignment) == 2
    assert ("C", "Z") in pairs(r)


def test_level_cap_binds():
    off = CFG.replace(priority="off")
    r = run([{"type": "level_cap", "college": "甲院", "level": "school", "max": 0}], off)
    assert pairs(r) == {("A", "Y"), ("B", "X")}


def test_change_budget_and_min_change():
    off = CFG.replace(priority="off")
    prev = previous([("A", "Y"), ("B", "X")])
    assert pairs(run(None, off, prev)) == {("A", "X"), ("B", "Y")}         # total ignores previous (scores file)
    assert pairs(run(None, off.replace(change_budget=0), prev)) == {("A", "Y"), ("B", "X")}
    # min_change with penalty 2: keep (3 + 8 + 2·2 = 15) beats change (14)
    r = run(None, off.replace(objective="min_change"), prev)
    assert pairs(r) == {("A", "Y"), ("B", "X")}
    assert not r.assignment.changed.any()
    assert r.report["changes"]["kept"] == 2


def test_fair_changes_answer_by_worst_score():
    cad = cadres([("A", "head", 1), ("B", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    sc = scores([("A", "X", "10"), ("A", "Y", "2"), ("B", "X", "5"), ("B", "Y", "1")])
    tot = solve(MatchingInput(cad, cls, scores=sc), CFG)
    fair = solve(MatchingInput(cad, cls, scores=sc), CFG.replace(objective="fair"))
    assert pairs(tot) == {("A", "X"), ("B", "Y")}        # 10 + 1 = 11 > 2 + 5 = 7, worst pair 1
    assert pairs(fair) == {("A", "Y"), ("B", "X")}       # worst pair 2 > 1
    assert fair.report["fair"]["worst"] == 2


def test_fair_by_preference_rank():
    # total prefers giving both their first choice' neighbours; fair lifts the worst-off rank first
    cad = cadres([("A", "head", 1, "机关", ("就业指导",)), ("B", "head", 1)])
    cls = classes([("X", "甲院", False, ("毕业班",)), ("Y", "甲院")])
    pr = prefs([("A", 1, "class", "Y"), ("A", 2, "class", "X"), ("B", 1, "class", "X"), ("B", 2, "class", "Y")])
    cfg = CFG.replace(weights={**CFG.weights, "expertise": Fraction(10)})
    tot = solve(MatchingInput(cad, cls, pr), cfg)
    fair = solve(MatchingInput(cad, cls, pr), cfg.replace(objective="fair"))
    assert pairs(tot) == {("A", "X"), ("B", "Y")}          # expertise 30 outweighs wishes
    assert tot.report["preferences"]["worst_rank"] == 2
    assert pairs(fair) == {("A", "Y"), ("B", "X")}
    assert fair.report["preferences"]["worst_rank"] == 1 and fair.report["fair"]["worst"] == 1


def test_fit_parts_and_own_unit():
    cad = cadres([("A", "head", 1, "甲院", ("就业指导",), "工学")])
    cls = classes([("X", "甲院", False, ("毕业班",), "工学"), ("Y", "乙院", False, (), "工学")])
    pr = prefs([("A", 1, "college", "乙院")])
    r = solve(MatchingInput(cad, cls, pr), CFG)
    row = r.assignment.iloc[0]
    # X: expertise 3 + discipline 2 = 5; Y: discipline 2 + college wish 10·0.6 = 8
    assert row.class_id == "Y" and row.part_preference == 6.0 and row.part_discipline == 2.0
    assert row.preference_rank == 1 and row.score == 8.0
    rp = solve(MatchingInput(cad, cls, pr), CFG.replace(own_unit="prefer",
                                                       weights={**CFG.weights, "own_unit": Fraction(4)}))
    assert rp.assignment.iloc[0].class_id == "X" and rp.assignment.iloc[0].part_own_unit == 4.0
    cls2 = classes([("X", "甲院", False, ("毕业班",), "工学")])
    rf = solve(MatchingInput(cad, cls2), CFG.replace(own_unit="forbid"))
    assert rf.status == "infeasible"
    assert {"kind": "round", "name": "own_unit"} in rf.diagnosis[0].rules


def test_preference_specificity_class_beats_college():
    cad = cadres([("A", "head", 1)])
    cls = classes([("X", "甲院"), ("Y", "甲院")])
    pr = prefs([("A", 1, "college", "甲院"), ("A", 2, "class", "Y")])
    r = solve(MatchingInput(cad, cls, pr), CFG)
    # college rank1: 10·0.6 = 6; class rank2: 8·1.0 = 8 → Y, reported rank 2
    assert r.assignment.iloc[0].class_id == "Y" and r.assignment.iloc[0].preference_rank == 2


def test_move_cost_equals_resolve_difference_with_lock():
    cad, cls, sc = base_scores()
    inp = MatchingInput(cad, cls, None, constraints([]), sc)
    cfg = CFG.replace(priority="off")
    res = solve(inp, cfg)
    ex = res.explain("B")          # B's best-scoring class is X, held by A
    w = ex["why_not_first"]
    assert not w["met"] and w["holder"]["cadre_id"] == "A"
    locked = solve(MatchingInput(cad, cls, None, constraints([{"type": "lock", "cadre_id": "B", "class_id": "X"}]),
                                 sc), cfg)
    assert Fraction(w["move_cost_exact"]) == res.objective_exact - locked.objective_exact == 3
    for alt in ex["alternates"]:
        lk = solve(MatchingInput(cad, cls, None, constraints([{"type": "lock", "cadre_id": "B",
                                                               "class_id": alt["class_id"]}]), sc), cfg)
        assert Fraction(alt["move_cost_exact"]) == res.objective_exact - lk.objective_exact


def test_move_cost_random_with_rules():
    from matching.bench import generate
    inp = generate(25, 60, 3, n_colleges=4)
    cfg = CFG.replace(priority="off")
    res = solve(inp, cfg)
    assert res.status == "optimal"
    checked = 0
    for cid in list(inp.cadres.cadre_id)[:12]:
        ex = res.explain(cid)
        for alt in ex["alternates"][:2]:
            cons = pd.concat([inp.constraints, constraints([{"type": "lock", "cadre_id": cid,
                                                             "class_id": alt["class_id"]}])], ignore_index=True)
            lk = solve(MatchingInput(inp.cadres, inp.classes, inp.preferences, cons, None, inp.previous), cfg)
            assert lk.status == "optimal"
            assert Fraction(alt["move_cost_exact"]) == res.objective_exact - lk.objective_exact
            checked += 1
    assert checked >= 10


def test_alternates_never_forbidden():
    cad, cls, sc = base_scores()
    cons = constraints([{"type": "forbid", "cadre_id": "B", "class_id": "X"}])
    res = solve(MatchingInput(cad, cls, None, cons, sc), CFG.replace(priority="off"))
    ex = res.explain("B")
    assert "X" not in {a["class_id"] for a in ex["alternates"]}
    assert all(a["held_by"] is None or a["held_by"]["cadre_id"] != "B" for a in ex["alternates"])


def test_determinism():
    from matching.bench import generate
    inp = generate(60, 200, 11, n_colleges=6)
    a = solve(inp, CFG)
    b = solve(inp, CFG)
    shuffled = MatchingInput(inp.cadres.sample(frac=1, random_state=1), inp.classes.sample(frac=1, random_state=2),
                             inp.preferences, inp.constraints, None, inp.previous)
    c = solve(shuffled, CFG)
    assert a.status == "optimal"
    assert a.assignment.equals(b.assignment) and a.assignment.equals(c.assignment)


def test_report_contents():
    from matching.bench import generate
    inp = generate(40, 120, 5, n_colleges=5)
    res = solve(inp, CFG)
    r = res.report
    assert r["status"] == "optimal" and r["objective"] == r["bound"]
    a = res.assignment
    parts = a[["part_expertise", "part_discipline", "part_preference", "part_continuity", "part_own_unit"]]
    assert (abs(parts.sum(axis=1) - a.score) < 1e-9).all()
    assert a.part_preference.gt(0).eq(a.preference_rank.notna()).all()
    assert r["objective"] == r["total_fit"]
    cov = r["coverage"]
    assert cov["classes_covered"] == int(inp.cadres.capacity.sum())
    assert cov["priority_covered"] == cov["priority_classes"]
    assert sum(v["classes_covered"] for v in cov["by_college"].values()) == cov["classes_covered"]
    assert {"first_choice_pct", "top3_pct", "none_pct", "worst_rank"} <= set(r["preferences"])
    assert r["pairs_pruned"] >= 0 and "by_tag" in cov and r["changes"]["previous_pairs"] > 0


def test_progress_and_cancel():
    from matching.bench import generate
    inp = generate(40, 120, 5, n_colleges=5)
    seen = []
    solve(inp, CFG, progress=lambda f, msg: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    ev = threading.Event()
    ev.set()
    assert solve(inp, CFG, cancel=ev).status == "cancelled"
    assert solve(inp, CFG, cancel=lambda: True).status == "cancelled"


def test_config_merge_and_errors(tmp_path):
    p = tmp_path / "w.toml"
    p.write_text('objective = "fair"\n[weights]\ndiscipline = 0.25\n[affinity."心理健康"]\n"心理关注" = 2\n',
                 encoding="utf-8")
    cfg = load_config(p)
    assert cfg.objective == "fair" and cfg.weights["discipline"] == Fraction(1, 4)
    assert cfg.weights["continuity"] == 3 and cfg.affinity == {"心理健康": {"心理关注": 2}}
    bad = tmp_path / "bad.toml"
    bad.write_text('objective = "best"\nworkers = 0\n[weights]\nexpertise = "x"\nfoo = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(bad)
    msg = str(e.value)
    assert "weights.expertise" in msg and "weights.foo" in msg
    bad.write_text('objective = "best"\nworkers = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(bad)
    assert "objective" in str(e.value) and "workers" in str(e.value)
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")


def test_edge_cases_and_bad_input():
    from matching import InputError
    r = solve(MatchingInput(cadres([]), classes([("X", "甲院")])), CFG)
    assert r.status == "optimal" and r.assignment.empty and list(r.assignment.columns)[:3] == \
        ["cadre_id", "name", "class_id"]
    r = solve(MatchingInput(cadres([("A", "head", 0)]), classes([("X", "甲院", True)])), CFG)
    assert r.status == "infeasible" and r.diagnosis[0].rules[0] == {"kind": "round", "name": "priority"}
    with pytest.raises(InputError) as e:
        solve(MatchingInput(cadres([("A", "head", 1), ("A", "head", 1)]), classes([("X", "甲院")]),
                            None, constraints([{"type": "lock", "cadre_id": "Q", "class_id": "X"},
                                               {"type": "college_quota", "college": "甲院", "min": 3, "max": 1}])),
              CFG)
    msg = e.value.message("en")
    assert "duplicate cadre_id: A" in msg and "'Q'" in msg and "min 3 is greater than max 1" in msg
    assert "约束第1条" in e.value.message("zh")


def test_level_cap_label_names_the_level_in_each_language():
    """The rule's English label says 'School leader' (the vocabulary's word), never the code `school`."""
    from types import SimpleNamespace

    from matching.families import Row, parse

    row = Row(0, "level_cap", "", "", "甲院", "school", None, 1, "")
    rule = parse(row, SimpleNamespace(colx={"甲院": 0}), lambda zh, en: pytest.fail(en))
    assert "校领导" in rule.label_zh
    assert "School leader" in rule.label_en and "school-level" not in rule.label_en
