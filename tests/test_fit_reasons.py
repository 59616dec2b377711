"""Reasons in words: every contributing part appears, largest first; zero-fit pairs name the binding
rule, confirmed by re-solving without it."""
from __future__ import annotations

from fractions import Fraction

import pytest
from test_matching_support import cadres, classes, constraints, prefs, previous

from matching import MatchingInput, load_config, reasons, solve

CFG = load_config(None)


def rich():
    cad = cadres([("A", "head", 1, "招生就业处", ("就业指导", "心理健康"), "理学"),
                  ("B", "head", 1, "教务处", ("教学管理",), "工学"),
                  ("C", "deputy", 1, "学生工作部", ("资助工作",), "")])
    cls = classes([("X", "数学院", False, ("毕业班", "心理关注"), "理学"),
                   ("Y", "工学院", False, ("学业预警",), "工学"),
                   ("Z", "心理学院", False, ("经济困难", "心理关注"), "")])
    pr = prefs([("A", 1, "college", "数学院"), ("B", 1, "class", "Y"), ("C", 2, "class", "Z")])
    return MatchingInput(cad, cls, pr, None, None, previous([("A", "X")]))


def by_pair(res):
    return {(r.cadre_id, r.class_id): r for r in res.assignment.itertuples()}


def test_every_part_appears_largest_first():
    res = solve(rich(), CFG)
    p = res.problem
    assert {(a, b) for a, b in by_pair(res)} == {("A", "X"), ("B", "Y"), ("C", "Z")}
    for i, j in res.pairs:
        its = reasons.items(p, i, j)
        parts = p.parts(i, j)
        for name, value in parts.items():          # the items of each part sum to it exactly
            assert sum((it.value for it in its if it.part == name), Fraction(0)) == value, name
        assert [it.value for it in its] == sorted((it.value for it in its), reverse=True)
        text = reasons.text(p, i, j)
        positions = [text.index(it.text()) for it in its]
        assert positions == sorted(positions)
        assert by_pair(res)[(p.cadre_ids[i], p.class_ids[j])].reason == text


def test_reason_words_name_expertise_tag_unit_wish_and_continuity():
    res = solve(rich(), CFG)
    a = by_pair(res)[("A", "X")].reason
    # 意向 6 > 专长 就业指导↔毕业班 3 = 专长 心理健康↔心理关注 3 = 连任 3 > 单位 招生就业处↔毕业班 2 = 学科 2
    assert a.startswith("第1意向（学院：数学院）+6；")
    for piece in ("专长「就业指导」对应标签「毕业班」+3", "专长「心理健康」对应标签「心理关注」+3", "连任 +3",
                  "单位「招生就业处」对应标签「毕业班」+2", "学科相同（理学）+2"):
        assert piece in a
    assert a.index("连任") < a.index("单位「招生就业处」")
    c = by_pair(res)[("C", "Z")].reason          # alias 资助工作 → 学生资助; unit 学生工作部 → 心理关注, 经济困难
    assert "专长「资助工作」对应标签「经济困难」+3" in c and "单位「学生工作部」对应标签「心理关注」+2" in c
    assert "第2意向（班级：班Z）+8" in c
    en = reasons.text(res.problem, res.problem.ci["B"], res.problem.cj["Y"], "en")
    assert "wish #1 (class: 班Y) +10" in en and "expertise '教学管理' matches tag '学业预警' +3" in en


def forced_case(cons=None, cfg=CFG):
    # A fits X (3), B fits Y (3); P is a priority class nobody fits: one of them must take it (fit 0)
    cad = cadres([("A", "head", 1, "机关", ("就业指导",)), ("B", "head", 1, "机关", ("教学管理",))])
    cls = classes([("X", "甲院", False, ("毕业班",)), ("Y", "乙院", False, ("学业预警",)),
                   ("P", "丙院", True, ()), ("Q", "丁院", False, ())])
    return MatchingInput(cad, cls, None, constraints(cons or []), None, None), cfg


def zero_pairs(res):
    return [(res.problem.cadre_ids[i], res.problem.class_ids[j]) for i, j in res.pairs
            if res.problem.score_of(i, j) == 0]


@pytest.mark.parametrize("case,family", [
    ({}, "priority"),
    ({"cons": [{"type": "lock", "cadre_id": "A", "class_id": "Q"}], "cfg": CFG.replace(priority="off")}, "lock"),
    ({"cons": [{"type": "college_quota", "college": "丁院", "min": 1}], "cfg": CFG.replace(priority="off")},
     "college_quota"),
])
def test_zero_fit_pair_names_the_binding_rule_and_resolving_without_it_drops_the_pair(case, family):
    inp, cfg = forced_case(**case)
    res = solve(inp, cfg)
    zero = zero_pairs(res)
    assert len(zero) == 1
    (a, b), = zero
    i, j = res.problem.ci[a], res.problem.cj[b]
    rule = reasons.binding_rule(res.problem, res.pairs, i, j)
    assert rule.family == family
    reason = by_pair(res)[(a, b)].reason
    assert "匹配度为0" in reason and rule.label_zh in reason
    # the check: the same round without that rule does not make this pair
    other = solve(*reasons.without_rule(inp, cfg, rule))
    assert (a, b) not in set(zip(other.assignment.cadre_id, other.assignment.class_id))
    assert other.objective_exact > res.objective_exact
    verified = res.verified_reasons()
    text = verified[res.assignment.cadre_id.eq(a) & res.assignment.class_id.eq(b)].iloc[0]
    assert "若无此规则" in text and f"+{other.objective_exact - res.objective_exact}" in text


def test_zero_fit_without_a_droppable_rule_names_capacity():
    # one cadre, one class with nothing in common: the cadre must take a class (capacity)
    cad = cadres([("A", "head", 1)])
    cls = classes([("X", "甲院")])
    res = solve(MatchingInput(cad, cls), CFG)
    reason = res.assignment.reason.iloc[0]
    assert "匹配度为0" in reason and "带班数" in reason
    assert reasons.without_rule(res.input, CFG, reasons.binding_rule(res.problem, res.pairs, 0, 0)) is None
    assert res.verified_reasons().iloc[0] == reason


def test_scores_file_pairs_say_external_score():
    from test_matching_support import scores
    cad = cadres([("A", "head", 1)])
    cls = classes([("X", "甲院")])
    res = solve(MatchingInput(cad, cls, None, None, scores([("A", "X", "2.5")])), CFG)
    assert res.assignment.reason.iloc[0] == "外部评分 +2.5"


def test_why_not_first_wish_names_class_holder_reason_chain_and_cost():
    # both wish X; B also held it before and fits it by expertise, unit and discipline, so B keeps it
    cad = cadres([("A", "head", 1), ("B", "head", 1, "招生就业处", ("就业指导",), "理学")])
    cls = classes([("X", "甲院", False, ("毕业班",), "理学"), ("Y", "乙院")])
    pr = prefs([("A", 1, "class", "X"), ("B", 1, "class", "X")])
    res = solve(MatchingInput(cad, cls, pr, None, None, previous([("B", "X")])), CFG)
    assert set(zip(res.assignment.cadre_id, res.assignment.class_id)) == {("B", "X"), ("A", "Y")}
    w = res.explain("A")["why_not_first"]
    assert w["met"] is False and w["first_choice"]["value"] == "X"      # old keys kept
    assert w["first_choice_names"] == ["班X"]
    h = w["holders"][0]
    assert h["cadre_id"] == "B" and h["class_name"] == "班X"
    assert h["reason_zh"].startswith("第1意向（班级：班X）+10；专长「就业指导」对应标签「毕业班」+3；连任 +3；"
                                  "单位「招生就业处」对应标签「毕业班」+2；学科相同（理学）+2")
    moves = {(m["cadre_id"], m["from_class_id"], m["to_class_id"]) for m in w["chain"]}
    assert moves == {("A", "Y", "X"), ("B", "X", "Y")}
    # B's X: 10 + 3 + 3 + 2 (unit) + 2 (discipline) = 20; A's X: 10 → cost 10
    assert w["total_cost"] == w["move_cost"] == 10.0 and w["total_cost_exact"] == "10"
    pair = res.explain("B")["pairs"][0]
    assert pair["reason_zh"] == h["reason_zh"] and pair["reason_en"].startswith("wish #1 (class: 班X) +10")
    assert w["summary_zh"] == "满足「班X」需调整：名A → 班X；名B → 班Y；总目标值 −10"


def test_needed_moves_drop_an_unrelated_tie_but_keep_a_linked_chain():
    from matching.model import Problem
    cad = cadres([("A", "head", 1), ("B", "head", 1), ("C", "head", 1), ("D", "head", 1)])
    cls = classes([("W", "甲院"), ("X", "甲院"), ("Y", "乙院"), ("Z", "乙院")])
    prob = Problem(MatchingInput(cad, cls), CFG)        # every pair worth 0: C and D swapping is a tie
    A, B, C, D = (prob.ci[x] for x in "ABCD")
    W, X, Y, Z = (prob.cj[x] for x in "WXYZ")
    before = [(A, W), (B, X), (C, Y), (D, Z)]
    after = [(A, X), (B, W), (C, Z), (D, Y)]
    assert reasons.needed_moves(prob, before, after, A) == sorted([(A, X), (B, W), (C, Y), (D, Z)])
    steps = reasons.chain(prob, before, reasons.needed_moves(prob, before, after, A))
    assert {(m["cadre_id"], m["to_class_id"]) for m in steps} == {("A", "X"), ("B", "W")}
    # a rule that the smaller answer would break keeps the whole re-solve
    cons = constraints([{"type": "lock", "cadre_id": "C", "class_id": "Z"}])
    locked = Problem(MatchingInput(cad, cls, None, cons), CFG)
    assert reasons.needed_moves(locked, before, after, A) == sorted(after)


def test_a_stored_round_keeps_the_reasons(db_session):
    from store import rounds as store_rounds
    res = solve(rich(), CFG)
    rid = store_rounds.create_round(db_session, "理由", "initial", {}, {}, "tester")
    store_rounds.save_round_result(db_session, rid, res.assignment, {"status": res.status}, "tester")
    back = store_rounds.round_assignment(db_session, rid).set_index("cadre_id")
    mine = res.assignment.set_index("cadre_id")
    assert back.loc["A", "reason"] == mine.loc["A", "reason"] and back.loc["A", "part_unit"] == 2.0


@pytest.mark.parametrize("seed", range(24))
def test_fewest_moves_chain_is_minimal_against_brute_force(seed):
    import itertools
    import random
    rnd = random.Random(seed)
    ids = ["A", "B", "C", "D"]
    exp = ["就业指导", "心理健康", "教学管理"]
    tags = ["毕业班", "心理关注", "学业预警"]
    cad = cadres([(c, "head", 1, "机关", tuple(rnd.sample(exp, rnd.randint(0, 2)))) for c in ids])
    cls = classes([(f"K{k}", "甲院", False, tuple(rnd.sample(tags, rnd.randint(0, 2)))) for k in range(5)])
    cfg = CFG.replace(priority="off", weights={**CFG.weights, "preference": Fraction(1, 10)})
    plain = solve(MatchingInput(cad, cls), cfg)                 # wish a class someone else holds
    wish = rnd.choice(sorted(set(plain.assignment.class_id) - set(plain.assignment.query("cadre_id == 'A'").class_id)))
    res = solve(MatchingInput(cad, cls, prefs([("A", 1, "class", wish)]), None, None, None), cfg)
    w = res.explain("A", fewest_moves=True)["why_not_first"]
    if w["met"]:
        pytest.skip("the wish is met in this draw")
    p = res.problem
    now = {p.cadre_ids[i]: p.class_ids[j] for i, j in res.pairs}
    best = None
    for perm in itertools.permutations(range(p.m), p.n):
        pairs = list(enumerate(perm))
        if p.class_ids[perm[p.ci["A"]]] != wish:
            continue
        val = sum(p.W[i, j] for i, j in pairs)
        moved = sum(now[p.cadre_ids[i]] != p.class_ids[j] for i, j in pairs)
        key = (-val, moved)
        best = key if best is None or key < best else best
    assert w["total_cost"] == float(Fraction(res.core.obj) / p.scale - Fraction(-best[0]) / p.scale)
    assert w["chain_fewest"] and len(w["chain"]) == best[1]


def test_preference_part_is_the_best_wish_met_and_parts_sum_to_the_score():
    """Every pair's preference part is the value of the best wish the class meets (largest value, then
    smallest rank), checked wish by wish against the preferences table, and the parts sum to the score
    exactly — on a bench instance whose wishes overlap (class, major, college, grade)."""
    from matching.bench import generate
    from matching.model import Problem
    inp = generate(60, 400, 4)
    p = Problem(inp, CFG)
    cfg = CFG
    w = cfg.weights["preference"]
    prefs_by = {}
    for a, r, k, v in zip(inp.preferences.cadre_id, inp.preferences["rank"], inp.preferences.kind,
                          inp.preferences.value):
        prefs_by.setdefault(p.ci[a], []).append((int(r), k, str(v)))
    meets = {"class": lambda j, v: p.class_ids[j] == v, "major": lambda j, v: p.major[j] == v,
             "college": lambda j, v: p.college_names[p.col[j]] == v, "grade": lambda j, v: p.grade[j] == v}
    checked = 0
    for i, wishes in prefs_by.items():
        for j in range(p.m):
            vals = [(w * cfg.by_rank[min(r, len(cfg.by_rank)) - 1] * cfg.kind_factor[k], -r)
                    for r, k, v in wishes if meets[k](j, v)]
            want = max(vals)[0] if vals else 0
            parts = p.parts(i, j)
            assert parts["part_preference"] == Fraction(want).limit_denominator(10 ** 9), (i, j)
            assert sum(parts.values(), Fraction(0)) == p.score_of(i, j)
            assert (p.pref_r[i, j] == -max(vals)[1]) if vals else p.pref_r[i, j] == 0
            checked += bool(vals)
    assert checked > 500
