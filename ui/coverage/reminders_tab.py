"""The Reminders tab: who must act this week, and the two downloads."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from services import coverage, view_exports
from services.compliance_view import Inputs
from services.coverage import View
from ui.coverage.state import Keys
from ui.i18n import lang, tr
from ui.tables import show_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

if TYPE_CHECKING:
    from store.auth import UserInfo


def render_reminders(user: UserInfo, inputs: Inputs, v: View) -> None:
    rem, as_of = v.reminders, v.filters.as_of
    st.markdown(tr(f"**本周需提醒 {rem['cadre_id'].nunique()} 位干部（{len(rem)} 项）**",
                   f"**{rem['cadre_id'].nunique()} cadres must act this week ({len(rem)} items)**"))
    shown = rem[["cadre_id", "name", "college", "rule_name", "period", "missing",
                 "reason_zh" if lang() == "zh" else "reason_en"]]
    show_table(shown.rename(columns={
        "cadre_id": tr("工号", "Staff no."), "name": tr("姓名", "Name"), "college": tr("学院", "College"),
        "rule_name": tr("规则", "Rule"), "period": tr("周期", "Period"), "missing": tr("还差", "Missing"),
        "reason_zh": "提醒事项", "reason_en": "Reminder"}), Keys.REMINDERS, hide_index=True, width="stretch")
    d1, d2 = st.columns(2)
    d1.download_button(tr("下载本周提醒名单（xlsx）", "Download reminder list (xlsx)"),
                       data=lambda: view_exports.reminders_xlsx(rem, as_of), file_name=f"本周提醒名单_{as_of}.xlsx",
                       mime=XLSX, icon=":material/download:", key=Keys.DL_REMINDERS, on_click="ignore")
    ids = list(v.cadre_ids)
    d2.download_button(tr("下载年度履职报告（三个纳入，xlsx）", "Download annual report (xlsx)"),
                       data=lambda: coverage.annual_report(user, inputs, as_of, ids),
                       file_name=f"年度履职报告_{as_of}.xlsx", mime=XLSX, icon=":material/download:",
                       key=Keys.DL_REPORT, on_click="ignore", disabled=not ids)
    st.caption(tr("年度报告每位干部一页：各规则达标/未达标/免除次数、九进场所、活动与覆盖学生人次、未达标周期，"
                  "供民主生活会、干部考核、干部任用参考。",
                  "One sheet per cadre: each rule's met / missed / exempt counts, venues, activities and "
                  "students reached, missed periods — for the annual review, appraisal and appointment file."))
