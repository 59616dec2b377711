"""The opened scenario: solve, delete, its result against the published assignment, and (admin)
promotion to a draft round."""
from __future__ import annotations

import streamlit as st

from services import scenario_metrics, scenarios
from ui.feedback import flash, md_escape, show_error
from ui.i18n import lang, tr
from ui.jobs import start_job
from ui.page_state import goto
from ui.scenarios.loads import published, scenario_metrics_of
from ui.scenarios.state import Keys, ScenarioPage
from ui.tables import table_height

BUSY = {"busy_zh": "已有计算在进行，请等待或取消。", "busy_en": "Work is already running; wait or cancel it."}


def _delete(user, sc) -> None:
    try:
        scenarios.delete(user, sc.id)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    goto(Keys.PENDING, **{Keys.PICK: None})
    flash(Keys.FLASH, "success", tr(f"已删除情景 #{sc.id}。", f"Scenario #{sc.id} deleted."))
    st.rerun()


def render_actions(user, sc) -> None:
    if not scenarios.may_edit(user, sc):
        return
    c1, c2, _ = st.columns([1, 1, 2])
    if c1.button(tr("求解此情景", "Solve this scenario"), key=Keys.SOLVE, type="primary", icon=":material/play_arrow:"):
        start_job(Keys.JOB, scenarios.start_solve, user, sc.id, **BUSY)
    if c2.button(tr("删除此情景", "Delete this scenario"), key=Keys.DELETE, icon=":material/delete:"):
        _delete(user, sc)


def _moves(pub, sc) -> None:
    mv = scenario_metrics.moves(pub, sc.assignment)
    st.markdown(tr(f"**相对已发布的调整**：{len(mv)} 名干部", f"**Moves from published**: {len(mv)} cadres"))
    st.dataframe(mv.rename(columns={"cadre_id": tr("工号", "Id"), "name": tr("姓名", "Name"),
                                    "from": tr("已发布班级", "Published"), "to": tr("情景中班级", "Scenario")})
                 .drop(columns=["from_ids", "to_ids"]), hide_index=True, width="stretch", key="scn_result_moves")


def _promote(user, sc) -> None:
    with st.container(border=True):
        st.markdown(tr("**转为草稿轮次**（在“分配轮次”页审核、发布）",
                       "**Promote to a draft round** (review and publish on the Rounds page)"))
        name = st.text_input(tr("轮次名称", "Round name"), value=f"情景：{sc.name}", key=Keys.ROUND_NAME)
        if st.button(tr("转为草稿轮次", "Promote to draft round"), key=Keys.PROMOTE):
            try:
                rid = scenarios.promote(user, sc.id, name)
            except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
                show_error(exc)
                return
            flash(Keys.FLASH, "success", tr(f"已创建草稿轮次 #{rid}（未发布）。", f"Draft round #{rid} created (not published)."))
            st.rerun()


def render_result(page: ScenarioPage, sc) -> None:
    if sc.report is None:
        return
    st.subheader(tr("结果", "Result"))
    if sc.report.get("status") == "infeasible":
        st.error(tr("无可行分配。冲突的规则：", "Infeasible. Conflicting rules:"))
        for d in sc.report.get("diagnosis") or []:
            st.markdown("- " + md_escape(d.get("message_zh") if lang() == "zh" else d.get("message_en")))
    pm, pub, _ = published(page.user, sc.id, page.version)
    mine = scenario_metrics_of(sc, pub)
    mt = scenario_metrics.metrics_table([(tr("已发布", "Published"), pm), (sc.name, mine)], lang())
    st.dataframe(mt, hide_index=True, width="stretch", height=table_height(len(mt)), key="scn_result_table")
    if sc.assignment is None:
        return
    _moves(pub, sc)
    if page.user.role == "admin":
        _promote(page.user, sc)
    else:
        st.caption(tr("转为草稿轮次需组织部管理员操作。", "Only an admin can promote a scenario to a draft round."))
