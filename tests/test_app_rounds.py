"""分配轮次 page, step by step with AppTest on a private copy of the demo university."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import round_inputs as inputs
from services import round_lifecycle as lifecycle
from services import round_solve as solving
from services.jobs import BackgroundJob
from services.solve_params import default_params
from tests.demo_facts import LAST_DAY
from tests.fixtures_app import demo_user
from ui.rounds.state import Keys


def admin():
    return demo_user("admin")

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "rounds.py")


def page(as_role, role="admin", **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, role)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def finish_job(at: AppTest) -> AppTest:
    """Wait for the background solve the page started, then rerun (what the polling fragment does)."""
    # AppTest's session state has no .get()
    job = at.session_state[Keys.JOB] if Keys.JOB in at.session_state else None  # noqa: SIM401
    if job is not None:
        assert job.wait(60)
    return at.run()


def frame_with(at: AppTest, *columns: str):
    """The first table showing these columns (st.dataframe keys are not exposed by AppTest)."""
    for d in at.dataframe:
        if set(columns) <= set(d.value.columns):
            return d.value
    raise AssertionError(f"no table with columns {columns}")


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def solved_round(**params) -> int:
    rid = lifecycle.create_round(admin(), "测试轮", "initial", default_params() | params)
    assert solving.solve_round(admin(), rid).status == "optimal"
    return rid


def quota_row(at: AppTest, key: str) -> int:
    """Position (in the editor) of the first college quota rule."""
    df = at.data_editor(key=key).value.reset_index(drop=True)
    return int(df.index[df["type"] == "college_quota"][0])


def test_planner_may_view_but_not_change(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, "planner")
    assert not at.exception
    assert at.radio(key=Keys.VIEW).options == ["轮次与结果"]
    assert Keys.SOLVE not in [b.key for b in at.button]
    at.selectbox(key=Keys.PICK).set_value(rid).run()
    assert "adjust" not in [o for o in at.radio(key=Keys.SECTION).options]
    assert len(at.dataframe) >= 2            # the list and the result table are visible
    at.radio(key=Keys.SECTION).set_value("发布与导出").run()
    keys = [b.key for b in at.button]
    assert Keys.PUBLISH_GO not in keys and Keys.DISCARD not in keys
    at.radio(key=Keys.SECTION).set_value("规则与参数").run()
    assert Keys.RULES_SAVE not in [b.key for b in at.button]
    assert at.selectbox(key=f"{Keys.edit_params(rid)}_objective").disabled


def test_admin_creates_a_round_with_validation_and_solves(demo_db, as_role):
    at = page(as_role)
    at.radio(key=Keys.VIEW).set_value("新建轮次").run()
    assert at.radio(key=Keys.NEW_KIND).value == "topup"         # continuity by default (issue 12, 5)
    assert any("默认是补充轮" in c for c in texts(at.caption))
    at.radio(key=Keys.NEW_KIND).set_value("initial").run()
    assert not at.exception
    assert any(x.startswith("规则与参数校验通过") for x in texts(at.success))
    assert any("不在匹配表中" in w and "党建" in w for w in texts(at.warning))   # vocabulary: a warning only
    # a quota above the number of cadres is flagged before solving
    key = Keys.new_rules("initial", 0)
    row = quota_row(at, key)
    at.session_state[key] = {"edited_rows": {row: {"min": 500}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("500" in w and "将无可行分配" in w for w in texts(at.warning))
    # an invalid value blocks the solve
    at.session_state[key] = {"edited_rows": {row: {"type": "quota"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("类型" in e for e in texts(at.error))
    assert at.button(key=Keys.NEW_CREATE).disabled
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    at.number_input(key=f"{Keys.NEW_PARAMS}_w_preference").set_value(2.0)
    at.text_input(key=Keys.NEW_NAME).set_value("2026年分配（测试）").run()
    at.button(key=Keys.NEW_CREATE).click().run()
    assert not at.exception
    finish_job(at)
    assert any(re.match(r"#\d+ v\d+ 求解完成（最优", s) for s in texts(at.success)), texts(at.success)   # names the round
    rid = at.session_state[Keys.PICK]
    info = lifecycle.get_round(admin(), rid)
    assert info.name == "2026年分配（测试）" and info.parameters["weights"]["preference"] == 2.0
    assert info.result["status"] == "optimal"
    assert info.parameters["fit_model"]["version"] is None          # the fit model in force: the defaults
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["求解结果"] == "最优" and metrics["配对数"] == str(len(info.assignment))


def test_progress_panel_and_cancel(demo_db, as_role):
    def work(progress, cancel):
        progress(0.4, "线性松弛第2轮")
        cancel.wait(30)
        return {"round_id": None, "status": "cancelled"}
    job = BackgroundJob("求解轮次 9", "Solving round 9", work).start()
    at = page(as_role, **{Keys.JOB: job})
    assert not at.exception
    assert at.button(key=Keys.CANCEL).label == "取消求解"
    assert any("线性松弛第2轮" in (p.proto.text or "") for p in at.get("progress"))
    at.button(key=Keys.CANCEL).click().run()
    assert job.cancel_event.is_set() and job.wait(5)
    shown = texts(at.warning)
    if Keys.JOB in at.session_state:      # the thread ended after that run: the next run reports it
        shown = texts(at.run().warning)
    assert "已取消，结果未保存。" in shown
    assert Keys.JOB not in at.session_state


def test_infeasible_round_shows_diagnosis_with_links_to_each_rule(demo_db, as_role):
    con = inputs.current_inputs()["constraints"].copy()
    row = int(con.index[con["type"] == "college_quota"][0])
    con.loc[row, "min"] = 500
    rid = lifecycle.create_round(admin(), "不可行", "initial", default_params(), constraints=con)
    assert solving.solve_round(admin(), rid).status == "infeasible"
    at = page(as_role, **{Keys.PICK: rid})
    assert not at.exception
    assert any("没有可行分配" in e for e in texts(at.error))
    assert any(f"规则第{row + 1}条 学院名额" in md for md in texts(at.markdown))
    at.button(key="diag_edit_0_0").click().run()
    assert at.radio(key=Keys.SECTION).value == "rules"
    assert any(f"规则第{row + 1}条" in i for i in texts(at.info))
    # the focused rule is first in the editor; fixing it and saving makes a solvable revision
    key = Keys.edit_rules(rid, row)
    assert int(at.data_editor(key=key).value["rule_no"].iloc[0]) == row + 1
    at.session_state[key] = {"edited_rows": {0: {"min": 3}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any(x.startswith("规则与参数校验通过") for x in texts(at.success))
    at.button(key=Keys.RULES_SAVE).click().run()
    finish_job(at)
    new = at.session_state[Keys.PICK]
    assert new != rid and lifecycle.get_round(admin(), new).result["status"] == "optimal"
    assert int(lifecycle.get_round(admin(), new).inputs["constraints"].loc[row, "min"]) == 3
    assert lifecycle.get_round(admin(), rid).status == "archived"


def test_review_table_filters_explanation_and_charts(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, **{Keys.PICK: rid})
    assert not at.exception
    assert at.radio(key=Keys.SECTION).value == "review"
    n = len(lifecycle.get_round(admin(), rid).assignment)
    assert any(c == f"显示 {n} / {n} 对" for c in texts(at.caption))
    at.checkbox(key=Keys.REVIEW_LOCKED).check().run()
    assert any(c == f"显示 3 / {n} 对" for c in texts(at.caption))
    at.checkbox(key=Keys.REVIEW_LOCKED).uncheck()
    at.text_input(key=Keys.REVIEW_SEARCH).set_value("体育教育学院").run()
    shown = frame_with(at, "class_name", "part_expertise")
    # the search matches the cadre's unit or the class's college (a cadre may advise in another college)
    assert len(shown) and (shown["college"].eq("体育教育学院") | shown["unit"].eq("体育教育学院")).all()
    assert len(shown) < n
    assert len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart")) == 3
    cadre = lifecycle.get_round(admin(), rid).assignment.query("not locked")["cadre_id"].iloc[0]
    at.selectbox(key=Keys.EXPLAIN_CADRE).set_value(cadre).run()
    assert not at.exception
    parts = frame_with(at, "得分项")
    assert list(parts["得分项"]) == ["专长分", "单位分", "学科分", "意向分", "连续性分", "本单位分"]
    assert shown["reason"].str.len().gt(0).all()                  # every pair says why, in words
    assert any(c.startswith("理由：") for c in texts(at.caption))


def test_adjust_lock_then_refused_move(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "adjust"})
    info = lifecycle.get_round(admin(), rid)
    cadre = info.assignment.query("not locked")["cadre_id"].iloc[0]
    at.selectbox(key=Keys.ADJUST_CADRE).set_value(cadre).run()
    at.button(key=Keys.ADJUST_LOCK).click().run()
    finish_job(at)
    assert not at.exception and at.session_state[Keys.PICK] == rid      # a preview first: nothing saved
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    assert not at.exception
    new = at.session_state[Keys.PICK]
    assert new != rid
    rev = lifecycle.get_round(admin(), new)
    assert bool(rev.assignment.set_index("cadre_id").loc[cadre, "locked"])
    assert any(s.startswith(f"已保存为 #{rid} v2") for s in texts(at.success)), (texts(at.success), texts(at.error))
    # moving someone into a class locked to another cadre is refused, naming the lock
    con = rev.inputs["constraints"]
    lock = con[(con["type"] == "lock") & (con["cadre_id"] != cadre)].iloc[0]
    at.radio(key=Keys.SECTION).set_value("调整").run()
    at.selectbox(key=Keys.ADJUST_CADRE).set_value(cadre).run()
    at.selectbox(key=Keys.ADJUST_TARGET).set_value(lock.class_id).run()
    at.button(key=Keys.ADJUST_MOVE).click().run()
    assert any("违反规则" in e and "锁定" in e and lock.reason in e for e in texts(at.error))
    assert at.session_state[Keys.PICK] == new and len(lifecycle.list_rounds(admin())) == 3


def test_publish_with_confirmation_and_exports(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "publish"})
    assert at.button(key=Keys.PUBLISH_GO).disabled
    eff = LAST_DAY + timedelta(days=3)      # after the demo's school year: the calendar warning shows
    at.date_input(key=Keys.PUBLISH_DATE).set_value(eff)
    at.checkbox(key=Keys.PUBLISH_CONFIRM).check().run()
    at.checkbox(key=Keys.PUBLISH_WARNINGS_OK).check().run()
    before = eff - timedelta(days=1)
    assert any(c.startswith("现行分配 #1") and f"{before:%Y-%m-%d} 结束" in c for c in texts(at.caption))
    at.button(key=Keys.PUBLISH_GO).click().run()
    assert not at.exception
    assert any(s.startswith(f"已发布 #{rid}") for s in texts(at.success))
    info = lifecycle.get_round(admin(), rid)
    assert info.status == "published" and info.effective_date == eff
    old = lifecycle.get_round(admin(), 1)
    assert old.status == "archived" and set(old.assignment["end"].dropna().dt.date) >= {before}
    assert {m.label: m.value for m in at.metric}["状态"] == "已发布"
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert "领导干部担任班主任名单（xlsx）" in labels and "公示名单（xlsx）" in labels
    assert Keys.PUBLISH_GO not in [b.key for b in at.button]


def test_history_reproduces_an_archived_round(demo_db, as_role):
    rid = solved_round()
    lifecycle.discard(admin(), rid)
    at = page(as_role, **{Keys.SHOW_ARCHIVED: True}, **{Keys.PICK: rid}, **{Keys.SECTION: "history"})
    assert {m.label: m.value for m in at.metric}["状态"] == "已归档"
    at.button(key=Keys.HISTORY_REPRODUCE).click().run()
    assert any("完全一致" in s for s in texts(at.success))
    trail = frame_with(at, "操作", "时间", "说明")
    assert {"创建", "保存求解结果", "归档"} <= set(trail["操作"])     # in words (issue 12, 6)
    assert any("最优" in w and "对" in w for w in trail["说明"])
    # Beijing time, not UTC: the newest entry is the UTC time of the audit row + 8 hours
    utc = lifecycle.audit_trail(admin(), rid)["at"].iloc[0]
    assert trail["时间"].iloc[0] == (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    params = frame_with(at, "参数", "取值")                          # a table in words, not JSON
    assert at.get("json") == [] and "总匹配度最高" in set(params["取值"])


def test_diff_against_published(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "diff"})
    d = frame_with(at, "原因")
    assert len(d) and {"现行班级", "本轮班级", "变化", "原因"} <= set(d.columns)
    assert (d["原因"] != "").all()


@pytest.mark.parametrize("role", ["college", "cadre", "leader"])
def test_other_roles_are_refused(demo_db, as_role, role):
    at = page(as_role, role)
    assert texts(at.error) == ["您的角色无权访问此页面。"]


def test_thread_is_not_started_twice(demo_db, as_role):
    ev = threading.Event()
    job = BackgroundJob("求解", "Solving", lambda p, c: (ev.wait(10), {"status": "cancelled"})[1]).start()
    rid = solved_round()
    at = page(as_role, **{Keys.JOB: job}, **{Keys.PICK: rid})
    at.button(key=Keys.SOLVE).click().run()
    assert any("已有求解在进行" in w for w in texts(at.warning))
    ev.set()
    job.wait(5)


def test_topup_round_from_the_page(demo_db, as_role):
    at = page(as_role)
    at.radio(key=Keys.VIEW).set_value("新建轮次").run()
    at.radio(key=Keys.NEW_KIND).set_value("topup").run()
    assert not at.exception
    assert any(i.startswith("现行分配") and "保留" in i for i in texts(at.info))
    n_rules = len(at.data_editor(key=Keys.new_rules("topup", 0)).value)
    assert n_rules > len(inputs.current_inputs()["constraints"])        # the keep-locks are shown as rules
    assert any("锁定规则" in w and "重点关注班级" in w for w in texts(at.warning))   # flagged before solving
    # the hand-made demo assignment leaves priority classes uncovered: keeping it all cannot
    # cover them; the solve says so, naming the keep-locks and the priority parameter
    at.button(key=Keys.NEW_CREATE).click().run()
    finish_job(at)
    rid = at.session_state[Keys.PICK]
    info = lifecycle.get_round(admin(), rid)
    assert info.kind == "topup" and info.result["status"] == "infeasible"
    assert any("补充轮保留" in md for md in texts(at.markdown))
    # allowing moves turns the keep-locks into a change budget
    at.radio(key=Keys.VIEW).set_value("新建轮次").run()
    at.radio(key=Keys.NEW_KIND).set_value("topup").run()
    at.number_input(key=Keys.NEW_MOVES).set_value(30).run()
    at.selectbox(key=f"{Keys.NEW_PARAMS}_priority").set_value("weighted").run()
    at.button(key=Keys.NEW_CREATE).click().run()
    finish_job(at)
    info = lifecycle.get_round(admin(), at.session_state[Keys.PICK])
    assert info.result["status"] == "optimal" and info.parameters["change_budget"] == 30


def test_english_labels(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, lang="en", **{Keys.PICK: rid})
    assert not at.exception
    assert at.title[0].value == "Assignment rounds"
    assert {m.label for m in at.metric} >= {"Status", "Result", "Pairs"}
    # (a fresh AppTest per section: its widget setters format options in the test process, in Chinese)
    for section in ("adjust", "rules", "diff", "publish", "history"):
        at = page(as_role, lang="en", **{Keys.PICK: rid}, **{Keys.SECTION: section})
        assert not at.exception, section
        if section == "publish":
            assert "Official list (xlsx)" in [d.proto.label for d in at.get("download_button")]


def test_move_from_the_explanation_panel(demo_db, as_role):
    rid = solved_round()
    info = lifecycle.get_round(admin(), rid)
    deputies = set(info.inputs["cadres"].query("level == 'deputy'")["cadre_id"])
    a = info.assignment
    cadre = a[~a["locked"] & a["cadre_id"].isin(deputies)]["cadre_id"].iloc[0]
    at = page(as_role, **{Keys.PICK: rid})
    at.selectbox(key=Keys.EXPLAIN_CADRE).set_value(cadre).run()
    assert not at.exception
    target = at.selectbox(key=Keys.EXPLAIN_TARGET).options[0]
    class_id = at.selectbox(key=Keys.EXPLAIN_TARGET).value
    assert target and class_id
    at.button(key=Keys.EXPLAIN_MOVE).click().run()
    finish_job(at)
    assert at.session_state[Keys.SECTION] == "adjust"          # the preview, to confirm
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    new = at.session_state[Keys.PICK]
    assert new != rid
    rev = lifecycle.get_round(admin(), new)
    assert rev.assignment.set_index("cadre_id").loc[cadre, "class_id"] == class_id
    assert "手动调整" in rev.parameters["revision_note"]
    # the lock/forbid buttons of a locked pair are disabled
    at.radio(key=Keys.SECTION).set_value("审核").run()
    at.selectbox(key=Keys.EXPLAIN_CADRE).set_value(cadre).run()
    assert at.button(key=f"explain_lock_{class_id}").disabled


def test_empty_database_asks_for_rosters_first(db):
    from services.db import session_scope
    from store.auth import create_user
    from tests.fixtures_app import open_session
    with session_scope() as s:   # the guard wants a real account and a server-side session
        create_user(s, "admin", "admin-password-1", "admin", "A", "test")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["session_token"] = open_session("admin")
    at.run()
    assert texts(at.info)[-1] == "还没有轮次。"
    at.radio(key=Keys.VIEW).set_value("新建轮次").run()
    assert not at.exception
    assert "还没有干部或班级名单：请先在“数据管理”页导入。" in texts(at.warning)
    assert at.button(key=Keys.NEW_CREATE).disabled


def test_publish_date_floor_warnings_and_a_stale_view(demo_db, as_role):
    """Issue 12 (3) and 18: the picker cannot go below the floor; warnings must be confirmed; a
    publish made by someone else after the page was drawn refuses this one, in one sentence."""
    rid, other = solved_round(), solved_round()
    floor = lifecycle.earliest_effective_date(admin())
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "publish"})
    picker = at.date_input(key=Keys.PUBLISH_DATE)
    assert picker.proto.min == floor.isoformat()
    eff = LAST_DAY + timedelta(days=3)      # after the demo's school year: outside the imported calendar
    at.date_input(key=Keys.PUBLISH_DATE).set_value(eff)
    at.checkbox(key=Keys.PUBLISH_CONFIRM).check().run()
    assert [w for w in texts(at.warning) if "校历" in w]
    assert at.button(key=Keys.PUBLISH_GO).disabled
    at.checkbox(key=Keys.PUBLISH_WARNINGS_OK).check().run()
    assert not at.button(key=Keys.PUBLISH_GO).disabled
    # another admin publishes meanwhile
    lifecycle.publish(admin(), other, eff + timedelta(days=60), warnings_confirmed=True)
    at.button(key=Keys.PUBLISH_GO).click().run()
    assert not at.exception
    errors = texts(at.error)
    assert any(f"#{other}" in e and "重新查看" in e for e in errors), errors
    assert lifecycle.get_round(admin(), rid).status == "draft"


def test_page_opens_on_the_round_in_force_not_an_infeasible_draft(demo_db, as_role):
    """Issue 12 (6): the newest round is an infeasible draft; the page opens on the round in force."""
    con = inputs.current_inputs()["constraints"].copy()
    row = con.index[con["type"] == "college_quota"][0]
    con.loc[row, "min"] = 25
    rid = lifecycle.create_round(admin(), "无解草稿", "initial", default_params(), constraints=con)
    assert solving.solve_round(admin(), rid).status == "infeasible"
    at = page(as_role)
    assert at.session_state[Keys.PICK] == lifecycle.in_force_id(admin()) != rid
