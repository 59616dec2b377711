"""The cadre's own progress: status, venues, this week's to-dos, the current period of each rule."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import compliance_view as cv
from services import ledger
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.ledger.state import Keys
from ui.tables import display_frame, show_table

if TYPE_CHECKING:
    from store.auth import UserInfo


def _metrics(prog: dict) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("履职状态", "Status"), vocabulary.label(vocabulary.CADRE_STATES, prog["state"], lang()),
              border=True, help=tr(f"已有 {prog['missed']} 个周期未达标；正常 = 没有未达标周期，且进行中的周期都还来得及完成。",
                                   f"{prog['missed']} period(s) missed so far; on track = nothing missed and every "
                                   "pending period still reachable."))
    m2.metric(tr("九进场所", "Venues reached"), f"{len(prog['venues'])} / 9", border=True,
              help=tr("未到：", "Missing: ") + (tr("、", ", ").join(vocabulary.label(vocabulary.VENUES, v, lang())
                                                                for v in prog["venues_missing"]) or "—"))
    m3.metric(tr("本周待办", "To do this week"), len(prog["must_act"]), border=True)


def _current(prog: dict) -> None:
    cur = prog["current"]
    # four narrow columns: the whole table fits a phone (390 px) without sideways scrolling
    show_table(cur[["rule_zh" if lang() == "zh" else "rule_en", "done", "required", "status_zh"]].rename(columns={
        "rule_zh": tr("规则", "Rule"), "rule_en": tr("规则", "Rule"), "done": tr("已完成", "Done"), "required": tr("要求", "Required"),
        "status_zh": tr("状态", "Status")}), Keys.PROGRESS, hide_index=True, width="stretch",
        column_config={tr("规则", "Rule"): st.column_config.TextColumn(width=170),
                       tr("已完成", "Done"): st.column_config.NumberColumn(width=52),
                       tr("要求", "Required"): st.column_config.NumberColumn(width=48),
                       tr("状态", "Status"): st.column_config.TextColumn(width=64)})


def _every_period(prog: dict) -> None:
    with st.expander(tr("全部考核周期", "Every assessed period")):
        allp = prog["status"]
        show_table(display_frame(allp[["rule_name", "period", "done", "required", "status_zh"]].rename(columns={
            "rule_name": tr("规则", "Rule"), "kind_zh": tr("周期类型", "Period kind"), "period": tr("周期", "Period"),
            "required": tr("要求", "Required"), "done": tr("完成", "Done"), "status_zh": tr("状态", "Status"),
            "period_start": tr("开始", "Start"), "period_end": tr("结束", "End")})),
            Keys.PERIODS, hide_index=True, width="stretch", height=300)


def render_progress(user: UserInfo, inputs: cv.Inputs, cadre_id: str, as_of: date) -> None:
    st.subheader(tr(f"我的进度（截至 {as_of}）", f"My progress (as of {as_of})"))
    prog = ledger.cadre_progress(user, inputs, cadre_id, as_of)
    if not prog["assigned"]:
        if prog["state"] == "unassigned":
            st.warning(tr("现行分配中没有您的班级：记为未带班（“确定1个班级”未达标）。",
                          "You advise no class in the published assignment: counted as without a class "
                          "(“advise a class” missed)."))
        else:
            st.info(tr("现行分配中没有您的班级，本期免予考核。",
                       "You advise no class in the published assignment and are exempt in this period."))
        return
    _metrics(prog)
    _current(prog)
    _every_period(prog)
    if len(prog["must_act"]):
        names = cv.rule_names(inputs, lang())
        todo = prog["must_act"]["period"].astype(str) + " " + prog["must_act"]["rule"].map(names)
        st.warning(tr("本周需完成：", "To do this week:") + "\n" + "\n".join(f"- {md_escape(r)}" for r in todo))
