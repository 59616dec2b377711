"""A saved round carries the checked reasons of its zero-fit pairs: the binding rule and what the best
answer without it would do — in the stored assignment (review table, assignment file) and, in both
languages, in the explanation panel, also after a restart. Checked by re-solving without that rule."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from fixtures_app import demo_user

from matching import reasons, solve
from services import round_inputs as inputs
from services import round_lifecycle as lifecycle
from services import round_review
from services import round_solve as solving
from services.solve_params import default_params, make_config


def admin():
    return demo_user("admin")


def _zero_fit_lock(inp, params) -> dict:
    """A lock on a pair worth nothing (a capacity-1 cadre, a class outside the priority ones), so the
    round surely has a zero-fit pair whose binding rule is a lock."""
    from matching.model import Problem
    prob = Problem(inputs.matching_input(inp), make_config(params))
    taken = set(inp["constraints"]["cadre_id"]) | set(inp["constraints"]["class_id"])
    for i in range(prob.n):
        if prob.cap[i] != 1 or prob.cadre_ids[i] in taken:
            continue
        for j in range(prob.m):
            if prob.fit[i, j] == 0 and not prob.priority[j] and prob.class_ids[j] not in taken \
                    and prob.unit_col[i] != prob.col[j]:
                return inputs.blank_constraint(type="lock", cadre_id=prob.cadre_ids[i], class_id=prob.class_ids[j],
                                               reason="测试锁定")
    raise AssertionError("the demo has no zero-fit pair to lock")


@pytest.fixture
def solved(demo_db):
    params = default_params()
    cur = inputs.current_inputs()
    cons = inputs.with_rows(cur["constraints"], [_zero_fit_lock(cur, params)])
    rid = lifecycle.create_round(admin(), "理由核验", "initial", params, constraints=cons)
    res = solving.solve_round(admin(), rid)
    assert res.status == "optimal"
    return rid, res


def test_stored_reason_of_a_zero_fit_pair_names_the_rule_and_what_happens_without_it(solved):
    rid, res = solved
    info = lifecycle.get_round(admin(), rid)
    inp, cfg = inputs.matching_input(info.inputs), make_config(info.parameters)
    p = res.problem
    stored = {(a, b): r for a, b, r in zip(info.assignment["cadre_id"], info.assignment["class_id"],
                                           info.assignment["reason"])}
    zero = [(i, j) for i, j in res.pairs if p.score_of(i, j) == 0]
    families = set()
    for i, j in zero:
        a, b = p.cadre_ids[i], p.class_ids[j]
        rule = reasons.binding_rule(p, res.pairs, i, j)
        if reasons.without_rule(inp, cfg, rule) is None:       # capacity: nothing to re-solve
            continue
        families.add(rule.family)
        text = stored[(a, b)]
        assert "匹配度为0" in text and rule.label_zh in text and "若无此规则" in text
        # the check: the round without that rule, solved on its own
        other = solve(*reasons.without_rule(inp, cfg, rule))
        op = other.problem
        assert other.status == "optimal" and (a, b) not in {(op.cadre_ids[x], op.class_ids[y]) for x, y in other.pairs}
        gain = other.objective_exact - res.objective_exact
        assert gain > 0 and f"（整轮总目标值 {reasons.fmt(gain)}）" in text
        holder = [op.names[x] for x, y in other.pairs if op.class_ids[y] == b]
        assert (f"该班改由{holder[0]}担任" if holder else "该班无人担任") in text
        for x, y in other.pairs:
            if op.cadre_ids[x] == a:
                assert op.class_names[y] in text
        # the explanation panel shows it in both languages
        exp = solving.result_for(admin(), rid).explain(a)
        pair = next(q for q in exp["pairs"] if q["class_id"] == b)
        assert pair["reason_zh"] == text
        assert rule.label_en in pair["reason_en"] and "without it:" in pair["reason_en"]
        assert f"(objective {reasons.fmt(gain)})" in pair["reason_en"]
    assert "lock" in families


def test_checked_reasons_survive_a_restart_and_reach_the_assignment_file(solved):
    rid, res = solved
    before = {q: dict(v) for q, v in res._verified.items()}
    assert before
    solving.forget_results()                        # as after a restart: the explanation re-solves
    again = solving.result_for(admin(), rid)
    assert again is not res
    p = again.problem
    for (i, j), texts in before.items():
        exp = again.explain(p.cadre_ids[i])
        pair = next(q for q in exp["pairs"] if q["class_id"] == p.class_ids[j])
        assert (pair["reason_zh"], pair["reason_en"]) == (texts["zh"], texts["en"])
    info = lifecycle.get_round(admin(), rid)
    book = pd.read_excel(io.BytesIO(round_review.assignment_file(info)), dtype=str)
    col = next(c for c in book.columns if "reason" in str(c))        # header 理由(reason)
    reasons_in_file = set(book[col])
    assert all(t["zh"] in reasons_in_file for t in before.values())


def test_a_check_that_cannot_be_made_leaves_the_plain_reason_and_still_saves(demo_db, monkeypatch):
    from matching.api import MatchResult
    from matching.highs import SolverFailed

    def fail(self, rule):
        raise SolverFailed("HiGHS: test")
    monkeypatch.setattr(MatchResult, "without", fail)
    rid = lifecycle.create_round(admin(), "核验失败", "initial", default_params())
    res = solving.solve_round(admin(), rid)
    info = lifecycle.get_round(admin(), rid)
    p = res.problem
    plain = [reasons.text(p, i, j, "zh", res.pairs) for i, j in res.pairs]
    assert list(info.assignment.set_index(["cadre_id", "class_id"]).loc[
        [(p.cadre_ids[i], p.class_ids[j]) for i, j in res.pairs], "reason"]) == plain
    assert solving.CHECKED_REASONS not in info.result


def test_only_an_optimal_result_is_checked(demo_db):
    cur = inputs.current_inputs()
    cur["constraints"] = inputs.with_rows(cur["constraints"], [_zero_fit_lock(cur, default_params())])
    res = solving.solve_inputs(cur, default_params())
    assert res.status == "optimal" and any(res.problem.score_of(i, j) == 0 for i, j in res.pairs)
    res.status = "feasible"             # as a solve stopped by its time limit, or a hand-made result
    assert solving._checked_rows(res) == [] and not res._without
    res.status = "optimal"
    assert solving._checked_rows(res) and res._without
