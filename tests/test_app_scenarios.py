"""AppTest for the Scenarios page: create, edit, solve (background job), compare, sweep, curve → scenario,
promote (admin only) — and the published rows stay as they were."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures_app import demo_user
from ui.scenarios.state import Keys

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "scenarios.py")


def page(as_role, role: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, role)
    return at.run()


def wait_job(at: AppTest) -> AppTest:
    # the job may already be finished and collected by the page in the same run
    job = at.session_state[Keys.JOB] if Keys.JOB in at.session_state else None  # noqa: SIM401 - no .get here
    if job is not None:
        assert job.wait(120), "background job did not finish"
    return at.run()


def button(at: AppTest, key: str):
    return at.button(key=key)


def frame_with(at: AppTest, column: str):
    """The first table on the page that has `column` (st.dataframe keys are not exposed to AppTest)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}")


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("success", "error", "warning", "info", "markdown", "caption")
                    for e in getattr(at, kind))


def test_planner_creates_edits_solves_and_compares(demo_db, as_role):
    from services import scenarios as svc
    pub_before = svc.published_assignment()
    at = page(as_role, "planner")
    assert not at.exception
    assert "还没有情景" in texts(at)
    at.text_input(key=Keys.NEW_NAME).input("副职全部带班")
    button(at, Keys.CREATE).click().run()
    assert not at.exception and "已新建情景" in texts(at)
    at.number_input(key=Keys.H_COUNT).set_value(3)
    at.multiselect(key=Keys.H_EXPERTISE).select("就业指导")
    button(at, Keys.ADD_HYPO).click().run()
    assert "已添加 3 名假设干部" in texts(at)
    assert "新增 3 名假设中层副职" in texts(at)
    # the rules editor round-trips the constraints unchanged, and classes can be removed by id
    button(at, Keys.SAVE_RULES).click().run()
    assert not at.exception and "规则已保存" in texts(at)
    at.multiselect(key=Keys.RM_CLASSES).select("2025010101").run()
    button(at, Keys.RM_CLASSES_BTN).click().run()
    assert "已移除 1 个班级" in texts(at)
    opened = svc.get(demo_user("planner"), at.session_state[Keys.PICK])
    assert "2025010101" not in set(opened.frames["classes"]["class_id"])
    pd.testing.assert_frame_equal(opened.frames["constraints"], svc.current_frames()["constraints"])
    button(at, Keys.SOLVE).click().run()
    at = wait_job(at)
    assert not at.exception, at.exception
    assert "求解完成" in texts(at)
    result = frame_with(at, "副职全部带班")
    assert list(result.columns)[1:] == ["已发布", "副职全部带班"]
    assert result.iloc[0, 1] == "已发布" and result.iloc[0, 2] == "最优"
    # a planner cannot promote
    assert Keys.PROMOTE not in [b.key for b in at.button]
    # second scenario as a copy, then compare both with the published assignment
    at.text_input(key=Keys.NEW_NAME).input("副本：按层级带2班")
    at.selectbox(key=Keys.NEW_BASE).select(at.session_state[Keys.PICK])
    button(at, Keys.CREATE).click().run()
    at.selectbox(key=Keys.CAP_LEVEL).select("head")
    at.number_input(key=Keys.CAP_VALUE).set_value(2)
    button(at, Keys.SET_CAP).click().run()
    button(at, Keys.SOLVE).click().run()
    at = wait_job(at)
    assert "求解完成" in texts(at) or "无可行分配" in texts(at)
    cmp = frame_with(at, "已发布")
    assert cmp.shape[1] == 3 or cmp.shape[1] == 4
    assert len(at.get("vega_lite_chart")) >= 1
    pd.testing.assert_frame_equal(svc.published_assignment(), pub_before)


def test_sweep_and_curve_point_opens_as_scenario(demo_db, as_role):
    at = page(as_role, "planner")
    at.text_input(key=Keys.NEW_NAME).input("推演")
    button(at, Keys.CREATE).click().run()
    sid = at.session_state[Keys.PICK]
    at.number_input(key=Keys.sweep_lo(sid, 121)).set_value(100)
    at.number_input(key=Keys.SWEEP_POINTS).set_value(3)
    button(at, Keys.SWEEP_RUN).click().run()
    at = wait_job(at)
    assert not at.exception, at.exception
    assert "最少需要" in texts(at)
    table = frame_with(at, "priority_coverage")
    assert {100, 110, 121, 112, 113} <= set(table["n"])   # sweep points, the minimum (113) and n−1
    assert "最少需要 **113** 名干部" in texts(at) or "最少需要 113 名干部" in texts(at)
    at.radio(key=Keys.CURVE_KIND).set_value("changes").run()
    at.number_input(key=Keys.CURVE_POINTS).set_value(3)
    button(at, Keys.CURVE_RUN).click().run()
    at = wait_job(at)
    assert not at.exception, at.exception
    curve = frame_with(at, "worst_unmet")
    assert len(curve) >= 2 and curve["status"].eq("最优").all()
    at.selectbox(key=Keys.CURVE_POINT).select(int(curve["idx"].iloc[0]))
    button(at, Keys.OPEN_POINT).click().run()
    assert "已保存为情景" in texts(at)
    from services import scenarios as svc
    names = [s.name for s in svc.list_scenarios(demo_user("planner"))]
    assert len(names) == 2 and names[0].startswith("推演 · ")
    opened = svc.get(demo_user("planner"), at.session_state[Keys.PICK])
    assert opened.report["status"] == "optimal" and len(opened.assignment) > 0


def test_admin_promotes_to_a_draft_round(demo_db, as_role):
    from services import round_lifecycle
    from services import scenarios as svc
    admin = demo_user("admin")
    sid = svc.create(admin, "转草稿")
    svc.solve_scenario(admin, sid)
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, "admin")
    at.session_state[Keys.PICK] = sid
    at.run()
    before = {r.id for r in round_lifecycle.list_rounds(admin)}
    button(at, Keys.PROMOTE).click().run()
    assert not at.exception
    assert "已创建草稿轮次" in texts(at)
    new = [r for r in round_lifecycle.list_rounds(admin) if r.id not in before]
    assert len(new) == 1 and new[0].status == "draft" and new[0].name == "情景：转草稿"


@pytest.mark.parametrize("role", ["leader", "college", "cadre"])
def test_other_roles_are_refused(demo_db, as_role, role):
    at = page(as_role, role)
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"]


def test_planner_sees_another_users_scenario_read_only(demo_db, as_role):
    from services import scenarios as svc
    sid = svc.create(demo_user("admin"), "管理员的情景")
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, "planner")
    at.session_state[Keys.PICK] = sid
    at.run()
    assert not at.exception
    keys = [b.key for b in at.button]
    assert Keys.SOLVE not in keys and Keys.DELETE not in keys and Keys.SAVE_RULES not in keys
    assert "只有创建人或管理员可以修改" in texts(at)
    # copying it is allowed: the copy is the planner's own
    at.text_input(key=Keys.NEW_NAME).input("我的副本")
    at.selectbox(key=Keys.NEW_BASE).select(sid)
    button(at, Keys.CREATE).click().run()
    assert Keys.SOLVE in [b.key for b in at.button]


def test_english_labels(demo_db, as_role):
    from services import scenarios as svc
    admin = demo_user("admin")
    sid = svc.create(admin, "英文")
    svc.solve_scenario(admin, sid)
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, "admin")
    at.session_state["lang"] = "en"
    at.session_state[Keys.PICK] = sid
    at.run()
    assert not at.exception
    assert at.title[0].value == "Scenarios"
    table = frame_with(at, "英文")
    assert table.iloc[0, 0] == "Status" and table.iloc[0, 2] == "Optimal"
