"""Tab 情景: create a scenario, the list, and the picker with the opened scenario's summary."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common import vocabulary
from services import scenario_edits, scenarios
from ui.feedback import flash, md_escape, show_error
from ui.i18n import tr
from ui.labels import label
from ui.page_state import goto
from ui.scenarios.state import Keys, ScenarioPage


def _create(page: ScenarioPage, name: str, base: int) -> None:
    if not name.strip():
        st.error(tr("请填写情景名称。", "Give the scenario a name."))
        return
    try:
        sid = scenarios.create(page.user, name.strip(), base_scenario=base or None)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    goto(Keys.PENDING, **{Keys.PICK: sid})
    flash(Keys.FLASH, "success", tr(f"已新建情景 #{sid}。", f"Scenario #{sid} created."))
    st.rerun()


def render_new_scenario(page: ScenarioPage) -> None:
    with st.expander(tr("新建情景", "New scenario"), expanded=not page.scenarios):
        c1, c2 = st.columns([2, 2])
        name = c1.text_input(tr("名称", "Name"), key=Keys.NEW_NAME,
                             placeholder=tr("例如：中层副职全部带班", "e.g. every deputy takes a class"))
        base = c2.selectbox(tr("复制自", "Copy of"), [0, *page.by_id], key=Keys.NEW_BASE,
                            format_func=lambda k: tr("当前数据（含已发布分配作为延续基础）", "Current data (published "
                                                     "assignment as continuity base)") if k == 0 else page.label(k))
        if st.button(tr("新建", "Create"), key=Keys.CREATE, type="primary"):
            _create(page, name, base)


def _status(s) -> str:
    status = (s.result or {}).get("status")
    return label(vocabulary.SOLVER_STATUSES, status) if status in vocabulary.SOLVER_STATUSES else tr("未求解", "not solved")


def render_listing(page: ScenarioPage) -> None:
    listing = pd.DataFrame([{
        tr("编号", "Id"): s.id, tr("名称", "Name"): s.name, tr("创建人", "Owner"): s.owner,
        tr("更新时间", "Updated"): pd.Timestamp(s.updated_at).strftime("%Y-%m-%d %H:%M"),
        tr("修改数", "Edits"): len(s.edits), tr("状态", "Status"): _status(s),
        tr("总匹配度", "Total fit"): (s.result or {}).get("total_fit")} for s in page.scenarios])
    st.dataframe(listing, hide_index=True, width="stretch", key="scn_listing")


def render_picker(page: ScenarioPage):
    """The picker and the opened scenario's summary; returns the opened scenario."""
    if st.session_state.get(Keys.PICK) not in page.by_id:
        st.session_state[Keys.PICK] = page.scenarios[0].id
    sid = st.selectbox(tr("打开情景", "Open scenario"), list(page.by_id), key=Keys.PICK, format_func=page.label)
    sc = scenarios.get(page.user, sid)
    cad, cls = sc.frames["cadres"], sc.frames["classes"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("干部（可带班）", "Cadres (capacity > 0)"), int((cad["capacity"] > 0).sum()))
    m2.metric(tr("带班名额", "Slots"), int(cad["capacity"].sum()))
    m3.metric(tr("班级", "Classes"), len(cls))
    m4.metric(tr("重点关注班级", "Priority classes"), int(cls["priority"].sum()))
    base_txt = tr("当前数据", "current data") if sc.base.get("kind") == "published" else \
        tr(f"情景 #{sc.base.get('id')}", f"scenario #{sc.base.get('id')}")
    owner = md_escape(sc.owner)
    st.caption(tr(f"创建人 {owner} · 基于{base_txt} · 修改 {len(sc.edits)} 项",
                  f"Owner {owner} · based on {base_txt} · {len(sc.edits)} edit(s)"))
    if sc.edits:
        st.markdown("\n".join(f"{k + 1}. {md_escape(tr(*scenario_edits.describe_edit(e)))}"
                              for k, e in enumerate(sc.edits)))
    return sc
