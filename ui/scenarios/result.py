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


def _promoted(user, sc, name: str, mapping=None) -> None:
    try:
        rid = scenarios.promote(user, sc.id, name, mapping=mapping)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    flash(Keys.FLASH, "success", tr(f"已创建草稿轮次 #{rid}（未发布）。", f"Draft round #{rid} created (not published)."))
    st.rerun()


def _pick(label_text: str, key: str, options: list[str], names: dict[str, str]) -> str:
    return st.selectbox(label_text, ["", *options], key=key,
                        format_func=lambda v: names.get(v, v) if v else tr("（请选择）", "(choose)"))


def _mapping_form(user, sc, choices, name: str) -> None:
    """Each hypothetical or unlisted cadre/class of the result mapped to a real one, then promoted."""
    n = len(choices.cadres) + len(choices.classes)
    st.warning(tr(f"情景结果含 {n} 个假设或名单外的干部/班级，不能直接转为草稿轮次。请把每一个对应到导入名单中"
                  "尚无配对的真实干部/班级（对应后按本轮全部规则重新核对），或先在情景中移除它们。",
                  f"The result holds {n} hypothetical or unlisted cadres/classes and cannot be promoted as it is. "
                  "Map each to a real cadre/class of the imported lists that has no pair yet (the mapped result is "
                  "checked against every rule again), or remove them in the scenario first."),
               icon=":material/person_search:")
    real_cad = {c: f"{c} {nm}（{u}）" for c, nm, u in zip(choices.real_cadres["cadre_id"], choices.real_cadres["name"],
                                                      choices.real_cadres["unit"])}
    real_cls = {c: f"{c} {nm}（{g}）" for c, nm, g in zip(choices.real_classes["class_id"], choices.real_classes["name"],
                                                      choices.real_classes["college"])}
    with st.form(Keys.MAP_FORM):
        cadres = {c: _pick(md_escape(f"{c} {nm}"), Keys.map_cadre(c), list(real_cad), real_cad)
                  for c, nm in zip(choices.cadres["cadre_id"], choices.cadres["name"])}
        classes = {c: _pick(md_escape(f"{c} {nm}"), Keys.map_class(c), list(real_cls), real_cls)
                   for c, nm in zip(choices.classes["class_id"], choices.classes["name"])}
        go = st.form_submit_button(tr("按对应关系转为草稿轮次", "Promote with this mapping"), key=Keys.MAP_GO)
    if go:
        _promoted(user, sc, name, mapping={"cadres": cadres, "classes": classes})


def _promote(user, sc) -> None:
    with st.container(border=True):
        st.markdown(tr("**转为草稿轮次**（在“分配轮次”页审核、发布）",
                       "**Promote to a draft round** (review and publish on the Rounds page)"))
        name = st.text_input(tr("轮次名称", "Round name"), value=f"情景：{sc.name}", key=Keys.ROUND_NAME)
        try:
            choices = scenarios.mapping_choices(user, sc.id)
        except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
            show_error(exc)
            return
        if choices.needed:
            _mapping_form(user, sc, choices, name)
        elif st.button(tr("转为草稿轮次", "Promote to draft round"), key=Keys.PROMOTE):
            _promoted(user, sc, name)


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
