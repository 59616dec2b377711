"""services.round_* / services.exports on the demo university: create, solve, validate, adjust,
diagnose, top-up, publish, reproduce, export."""
from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook

from services import exports
from services import round_adjust as adjusting
from services import round_inputs as inputs
from services import round_lifecycle as lifecycle
from services import round_review as review
from services import round_solve as solving
from services.round_rules import ParamTarget, RoundsError, RuleTarget, resolve_rules
from services.solve_params import default_params
from tests.demo_facts import publish_day
from tests.fixtures_app import demo_user


def admin():
    return demo_user("admin")


def _check_valid(info) -> None:
    """The stored assignment obeys the round's own rules (one adviser a class, capacities, locks, forbids)."""
    a, inp = info.assignment, info.inputs
    assert not a["class_id"].duplicated().any()
    cap = dict(zip(inp["cadres"]["cadre_id"], inp["cadres"]["capacity"]))
    counts = a["cadre_id"].value_counts()
    assert all(counts.get(c, 0) == k for c, k in cap.items())
    pairs = set(zip(a["cadre_id"], a["class_id"]))
    col = dict(zip(a["class_id"], a["college"]))
    for r in inp["constraints"].to_dict("records"):
        if r["type"] == "lock":
            assert (r["cadre_id"], r["class_id"]) in pairs
        elif r["type"] == "forbid":
            assert (r["cadre_id"], r["class_id"]) not in pairs if r["class_id"] else all(
                col[k] != r["college"] for c, k in pairs if c == r["cadre_id"])


def _solved(name="测试轮", **params) -> int:
    rid = lifecycle.create_round(admin(), name, "initial", default_params() | params)
    res = solving.solve_round(admin(), rid)
    assert res.status == "optimal"
    return rid


def test_create_and_solve_from_current_data(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    assert info.status == "draft" and info.result["status"] == "optimal"
    assert len(info.assignment) == int(info.inputs["cadres"]["capacity"].sum())
    # the snapshot is the master data, with the assignment in force as `previous`
    assert len(info.inputs["constraints"]) == len(inputs.current_inputs()["constraints"])
    assert len(info.inputs["previous"]) == len(inputs.published_assignment())
    _check_valid(info)
    table = review.review_table(info)
    assert {"unit", "level", "score", "part_preference", "preference_rank", "changed", "locked"} <= set(table.columns)
    assert table["locked"].sum() == 3
    only = review.filter_table(table, query=table["name"].iloc[0])
    assert table["name"].iloc[0] in set(only["name"]) and len(only) < len(table)
    assert review.filter_table(table, only_locked=True)["locked"].all()


def test_rule_edits_stay_in_the_round_not_the_master_data(demo_db):
    master = inputs.current_inputs()["constraints"]
    edited = master.iloc[:3]
    rid = lifecycle.create_round(admin(), "只保留回避", "initial", default_params(), constraints=edited)
    assert len(lifecycle.get_round(admin(), rid).inputs["constraints"]) == 3
    assert len(inputs.current_inputs()["constraints"]) == len(master)


def test_validation_flags_quota_above_number_of_cadres(demo_db):
    inp = inputs.current_inputs()
    con = inp["constraints"].copy()
    row = con.index[con["type"] == "college_quota"][0]
    con.loc[row, "min"] = 500
    issues = inputs.check_setup(inp | {"constraints": con}, default_params())
    assert issues and all(i.severity == "conflict" for i in issues)
    assert any({"kind": "constraint", "rule_index": int(row)} in i.rules for i in issues)
    assert "500" in issues[0].message_zh
    assert inputs.check_setup(inp, default_params()) == []


def test_validation_errors_name_the_row_and_key(demo_db):
    bad = pd.DataFrame([{"type": "quota", "cadre_id": "", "class_id": "", "college": "x", "level": "", "min": 1,
                         "max": None, "reason": ""},
                        {"type": "college_quota", "cadre_id": "", "class_id": "", "college": "x", "level": "",
                         "min": 1.5, "max": None, "reason": ""}])
    with pytest.raises(RoundsError) as e:
        inputs.canonical_constraints(bad)
    assert any("第1行" in p for p in e.value.rules) and any("第2行" in p and "下限" in p for p in e.value.rules)
    issues = inputs.check_setup(inputs.current_inputs(), default_params() | {"objective": "best"})
    assert issues[0].severity == "error" and "objective" in issues[0].message_zh
    inp = inputs.current_inputs()
    unknown = inputs.canonical_constraints(pd.DataFrame([{"type": "lock", "cadre_id": "nobody", "class_id": "x"}]))
    issues = inputs.check_setup(inp | {"constraints": unknown}, default_params())
    assert issues[0].severity == "error" and "nobody" in issues[0].message_zh


def test_infeasible_round_keeps_the_diagnosis_as_the_users_rules(demo_db):
    inp = inputs.current_inputs()
    con = inp["constraints"].copy()
    row = int(con.index[con["type"] == "college_quota"][0])
    con.loc[row, "min"] = 500
    rid = lifecycle.create_round(admin(), "不可行", "initial", default_params(), constraints=con)
    res = solving.solve_round(admin(), rid)
    assert res.status == "infeasible"
    info = lifecycle.get_round(admin(), rid)
    assert info.result["status"] == "infeasible" and info.assignment.empty
    refs = [r for c in info.result["diagnosis"] for r in c["rules"]]
    resolved = resolve_rules(info, refs)
    quota = [r for r in resolved if r.target == RuleTarget(row)]
    assert quota and quota[0].label_zh.startswith(f"规则第{row + 1}条 学院名额")
    assert "500" in quota[0].label_zh


def test_cancel_saves_nothing(demo_db):
    rid = lifecycle.create_round(admin(), "取消", "initial", default_params())
    ev = threading.Event()
    ev.set()
    res = solving.solve_round(admin(), rid, cancel=ev)
    assert res.status == "cancelled"
    assert lifecycle.get_round(admin(), rid).result is None


def test_background_job_reports_progress(demo_db):
    rid = lifecycle.create_round(admin(), "后台", "initial", default_params())
    seen = []
    job = solving.start_solve(admin(), rid)
    orig = job._progress
    job._progress = lambda f, m: (seen.append(f), orig(f, m))
    assert job.wait(60)
    assert job.error is None and job.outcome == {"round_id": rid, "status": "optimal", "round_label": "#2 v1"}
    assert job.fraction == 1.0
    assert lifecycle.get_round(admin(), rid).result["status"] == "optimal"


def test_lock_makes_a_revision_and_keeps_the_pair(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    pair = info.assignment[~info.assignment["locked"]].iloc[0]
    job = adjusting.start_adjust(admin(), rid, "lock", pair.cadre_id, pair.class_id)
    assert job.wait(60) and job.error is None, job.error
    new = job.outcome["round_id"]
    assert new != rid and job.outcome["status"] == "optimal"
    old, rev = lifecycle.get_round(admin(), rid), lifecycle.get_round(admin(), new)
    assert old.status == "archived" and rev.status == "draft" and rev.parent_id == rid
    assert rev.parameters["revision_of"] == rid and "锁定" in rev.parameters["revision_note"]
    row = rev.assignment.set_index("cadre_id").loc[pair.cadre_id]
    assert row["class_id"] == pair.class_id and bool(row["locked"])
    assert len(rev.inputs["constraints"]) == len(old.inputs["constraints"]) + 1
    _check_valid(rev)
    for action in ("lock", "move"):
        with pytest.raises(RoundsError, match="已锁定"):
            adjusting.adjust(admin(), new, action, pair.cadre_id, pair.class_id)
    with pytest.raises(RoundsError) as e:
        adjusting.adjust(admin(), new, "forbid", pair.cadre_id, pair.class_id)
    assert "该配对已锁定" in e.value.message_zh and any(pair.cadre_id in r for r in e.value.rules)


def test_forbid_moves_the_cadre_away(demo_db):
    rid = _solved()
    pair = lifecycle.get_round(admin(), rid).assignment.query("not locked").iloc[0]
    job = adjusting.start_adjust(admin(), rid, "forbid", pair.cadre_id, pair.class_id)
    assert job.wait(60) and job.error is None
    rev = lifecycle.get_round(admin(), job.outcome["round_id"])
    assert (pair.cadre_id, pair.class_id) not in set(zip(rev.assignment["cadre_id"], rev.assignment["class_id"]))
    _check_valid(rev)


def test_manual_moves_that_break_a_rule_are_refused_naming_it(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    con = info.inputs["constraints"]
    lock = con[con["type"] == "lock"].iloc[0]
    other = info.assignment.query("not locked").iloc[0]
    # the class is locked to someone else
    with pytest.raises(RoundsError) as e:
        adjusting.adjust(admin(), rid, "move", other.cadre_id, lock.class_id)
    assert any(r.startswith("规则第") and "锁定" in r and lock.reason in r for r in e.value.rules)
    # a forbid rule of the cadre
    fb = con[(con["type"] == "forbid")].iloc[0]
    target = fb.class_id or info.inputs["classes"].query("college == @fb.college")["class_id"].iloc[0]
    with pytest.raises(RoundsError) as e:
        adjusting.adjust(admin(), rid, "move", fb.cadre_id, target)
    assert any("回避" in r and fb.reason in r for r in e.value.rules)
    # the engine finds the rest: a second school leader into a college capped at one
    cad = info.inputs["cadres"].set_index("cadre_id")
    locked_school = [(r.cadre_id, r.class_id) for r in con.itertuples() if r.type == "lock"
                     and cad.loc[r.cadre_id, "level"] == "school"]
    assert locked_school, "demo data has a locked school leader"
    _, cls = locked_school[0]
    college = info.inputs["classes"].set_index("class_id").loc[cls, "college"]
    locked_ids = {a for a, _ in locked_school}
    mover = next(c for c in info.assignment["cadre_id"] if cad.loc[c, "level"] == "school" and c not in locked_ids)
    target = next(c for c in info.inputs["classes"].query("college == @college")["class_id"] if c != cls)
    job = adjusting.start_adjust(admin(), rid, "move", mover, target)
    assert job.wait(60) and job.error is None
    assert job.outcome["status"] == "refused"
    assert any("层级上限" in r and college in r for r in job.outcome["refused"]), job.outcome
    # the same rules in English for a page in English (one language per screen)
    assert len(job.outcome["refused_en"]) == len(job.outcome["refused"])
    assert any("level cap" in r.lower() and college in r for r in job.outcome["refused_en"]), job.outcome
    assert lifecycle.get_round(admin(), rid).status == "draft"                 # nothing written
    assert len(lifecycle.list_rounds(admin())) == 2


def test_allowed_move_is_applied(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    deputies = set(info.inputs["cadres"].query("level == 'deputy'")["cadre_id"])
    a = info.assignment
    cadre = a[~a["locked"] & a["cadre_id"].isin(deputies)]["cadre_id"].iloc[0]
    taken = set(info.assignment["class_id"])
    target = next(c for c in info.inputs["classes"]["class_id"] if c not in taken)
    job = adjusting.start_adjust(admin(), rid, "move", cadre, target)
    assert job.wait(60) and job.outcome["status"] in ("optimal", "feasible"), job.outcome
    rev = lifecycle.get_round(admin(), job.outcome["round_id"])
    assert rev.assignment.set_index("cadre_id").loc[cadre, "class_id"] == target


def test_publish_then_reproduce_the_archived_round(demo_db):
    first = _solved("第一轮")
    eff = publish_day(7)                    # after today and after the demo's mid-year changes
    lifecycle.publish(admin(), first, eff, warnings_confirmed=True)
    pub = lifecycle.get_round(admin(), first)
    assert pub.status == "published" and pub.effective_date == eff
    second = _solved("第二轮", objective="min_change")
    lifecycle.publish(admin(), second, eff + timedelta(days=30), warnings_confirmed=True)
    assert lifecycle.get_round(admin(), first).status == "archived"
    ends = lifecycle.get_round(admin(), first).assignment["end"].dropna().dt.date.unique()
    assert list(ends) == [eff + timedelta(days=29)]           # the previous round ends the day before
    rep = solving.reproduce(admin(), first)
    assert rep.same and rep.status == "optimal" and rep.differences.empty
    trail = lifecycle.audit_trail(admin(), first)
    assert {"create", "save_result", "publish", "archive"} <= set(trail["action"])


def test_reproduce_detects_a_result_that_does_not_match(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    a = info.assignment.copy()
    free = next(c for c in info.inputs["classes"]["class_id"] if c not in set(a["class_id"]))
    a.loc[a.index[~a["locked"]][0], "class_id"] = free
    from services.db import session_scope
    from store import rounds as store_rounds
    with session_scope() as s:
        store_rounds.save_round_result(s, rid, a, info.result, "admin")
    rep = solving.reproduce(admin(), rid)
    assert not rep.same and len(rep.differences) == 2


def test_publish_refuses_unsolved_rounds(demo_db):
    rid = lifecycle.create_round(admin(), "未求解", "initial", default_params())
    with pytest.raises(RoundsError):
        lifecycle.publish(admin(), rid, date.today())


def _topup_world():
    """Three advising cadres leave (带班数 0), three join, and 40 new freshman classes arrive."""
    from services import data as data_service
    pub = inputs.published_assignment()
    cadres = inputs.current_inputs()["cadres"].copy()
    leaving = sorted(pub["cadre_id"].unique())[-3:]
    cadres.loc[cadres["cadre_id"].isin(leaving), "capacity"] = 0
    new_cadres = cadres.iloc[:3].copy()
    new_cadres["cadre_id"] = ["NEW001", "NEW002", "NEW003"]
    new_cadres["name"] = ["新甲", "新乙", "新丙"]
    new_cadres["level"] = "deputy"
    new_cadres["capacity"] = 1
    classes = inputs.current_inputs()["classes"]
    fresh = classes.iloc[:40].copy()
    fresh["class_id"] = [f"2026NEW{k:03d}" for k in range(40)]
    fresh["name"] = [f"新生2026级{k + 1}班" for k in range(40)]
    fresh["grade"] = 2026
    fresh["tags"] = [("新生班",)] * 40
    fresh["priority"] = False
    from tests.fixtures_app import demo_user
    data_service.import_bundle(demo_user("admin"), {"cadres": pd.concat([cadres, new_cadres], ignore_index=True),
                                                    "classes": pd.concat([classes, fresh], ignore_index=True)})
    return pub, leaving


def test_topup_keeps_pairs_drops_leavers_and_fills_gaps(demo_db):
    pub, leaving = _topup_world()
    _, facts = inputs.topup_inputs(0)
    assert facts["cadres_left"] == leaving and len(facts["new_classes"]) == 40
    assert facts["kept"] == len(pub) - 3 and facts["pairs_needed"] == 3
    # the hand-made demo assignment leaves some priority classes uncovered: with priority "hard"
    # keeping every pair is infeasible (tested below); here priority classes earn a bonus
    rid = lifecycle.create_round(admin(), "补充轮", "topup", default_params() | {"priority": "weighted"})
    info = lifecycle.get_round(admin(), rid)
    assert info.kind == "topup" and info.parameters["topup"]["kept"] == len(pub) - 3
    assert (info.inputs["constraints"]["reason"] == inputs.KEEP_REASON).sum() == len(pub) - 3 - 3  # 3 were locked already
    res = solving.solve_round(admin(), rid)
    assert res.status == "optimal"
    now = lifecycle.get_round(admin(), rid).assignment
    kept = {(a, b) for a, b in zip(pub["cadre_id"], pub["class_id"]) if a not in leaving}
    assert kept <= set(zip(now["cadre_id"], now["class_id"]))
    assert not set(leaving) & set(now["cadre_id"])
    assert {"NEW001", "NEW002", "NEW003"} <= set(now["cadre_id"])
    diff = review.diff_against_published(admin(), lifecycle.get_round(admin(), rid))
    assert set(diff.loc[diff["change"] == "ended", "cadre_id"]) == set(leaving)
    assert all("带班数为0" in w for w in diff.loc[diff["change"] == "ended", "why"])
    assert set(diff.loc[diff["change"] == "new", "cadre_id"]) == {"NEW001", "NEW002", "NEW003"}


def test_topup_with_a_change_budget_moves_at_most_that_many(demo_db):
    pub, _ = _topup_world()
    rid = lifecycle.create_round(admin(), "补充轮可调", "topup", default_params() | {"priority": "weighted"},
                           moves_allowed=2)
    info = lifecycle.get_round(admin(), rid)
    assert info.parameters["change_budget"] == 3 + 2
    assert (info.inputs["constraints"]["reason"] == inputs.KEEP_REASON).sum() == 0
    assert solving.solve_round(admin(), rid).status == "optimal"
    now = lifecycle.get_round(admin(), rid).assignment
    prev = set(zip(pub["cadre_id"], pub["class_id"]))
    new_pairs = [p for p in zip(now["cadre_id"], now["class_id"]) if p not in prev]
    assert 3 <= len(new_pairs) <= 5


def test_exports_have_chinese_headers_and_the_publicity_list_no_personal_data(demo_db):
    rid = _solved()
    info = lifecycle.get_round(admin(), rid)
    off = exports.official_list_xlsx(info.assignment, info.inputs["cadres"], info.inputs["classes"], info.name,
                                     date(2026, 9, 1))
    pubx = exports.publicity_list_xlsx(info.assignment, info.inputs["cadres"], info.inputs["classes"], info.name,
                                       date(2026, 9, 1))
    assert exports.read_header(off) == exports.OFFICIAL_COLUMNS
    assert exports.read_header(pubx) == ["姓名", "单位", "班级", "学院"]
    ws = load_workbook(io.BytesIO(pubx)).active
    assert ws["A1"].value == exports.PUBLICITY_TITLE
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(info.assignment)
    ids = set(info.inputs["cadres"]["cadre_id"])
    positions = set(info.inputs["cadres"]["position"]) - {""}
    flat = {str(v) for r in rows for v in r}
    assert not flat & ids and not flat & positions
    # school leaders come first on the official list
    ws = load_workbook(io.BytesIO(off)).active
    levels = [r[5] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert levels[0] == "校领导" and levels == sorted(levels, key=["校领导", "中层正职", "中层副职"].index)


def test_topup_that_cannot_keep_every_pair_names_the_keep_locks(demo_db):
    inp, facts = inputs.topup_inputs(0)
    issues = inputs.check_setup(inp, default_params() | {"change_budget": facts["change_budget"]})
    assert [i.rules for i in issues] == [({"kind": "round", "name": "priority"}, {"kind": "round", "name": "capacity"})]
    assert "重点关注班级" in issues[0].message_zh
    assert inputs.check_setup(inp, default_params() | {"priority": "weighted"}) == []
    rid = lifecycle.create_round(admin(), "补充轮（重点关注班级必须覆盖）", "topup", default_params())
    assert solving.solve_round(admin(), rid).status == "infeasible"
    info = lifecycle.get_round(admin(), rid)
    refs = [r for c in info.result["diagnosis"] for r in c["rules"]]
    labels = [r.label_zh for r in resolve_rules(info, refs)]
    assert any(inputs.KEEP_REASON in x for x in labels) and any("重点关注班级" in x for x in labels)
    targets = {r.target for r in resolve_rules(info, refs)}
    assert ParamTarget("priority") in targets


def test_explanations_after_a_restart_come_from_a_reproduced_solve(demo_db):
    rid = _solved()
    solving.forget_results()                      # as after a server restart
    res = solving.result_for(admin(), rid)
    assert res is not None and res.status == "optimal"
    cadre = lifecycle.get_round(admin(), rid).assignment.query("not locked")["cadre_id"].iloc[0]
    exp = res.explain(cadre)
    assert exp["pairs"] and {"why_not_first", "alternates"} <= set(exp)
    assert solving.result_for(admin(), 1) is None          # the imported demo round has nothing to explain



def test_rule_labels_are_the_solvers_words(demo_db):
    """The page names every rule with the words the engine's model gives it (one registry of families)."""
    from matching.model import Problem
    from services.round_rules import RuleNames, rule_label
    from services.solve_params import make_config
    inp = inputs.current_inputs()
    prob = Problem(inputs.matching_input(inp), make_config(default_params()))
    engine = {r.ref["rule_index"]: (r.label_zh, r.label_en) for r in prob.rules if r.ref["kind"] == "constraint"}
    names = RuleNames.of(inp)
    rows = inp["constraints"].to_dict("records")
    assert len(engine) == len(rows) > 0
    for i, row in enumerate(rows):
        assert (rule_label(row, names, "zh", i), rule_label(row, names, "en", i)) == engine[i]


def test_the_default_effective_date_follows_rows_that_start_later(demo_db):
    """The demo's mid-year changes may start after today: the publish form's default date is after
    them (a date before would be refused), and publishing on it works."""
    floor = lifecycle.earliest_effective_date(demo_user("admin"))
    first = max(date.today() + timedelta(days=1), floor)      # the publish form's default (ui/rounds/publish.py)
    assert first == publish_day(1)
    rid = _solved("默认生效日期")
    lifecycle.publish(demo_user("admin"), rid, first, warnings_confirmed=True)
    assert lifecycle.get_round(demo_user("admin"), rid).effective_date == first
