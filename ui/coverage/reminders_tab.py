"""The Reminders tab: who must act this week (download), and the annual report (academic or calendar
year, xlsx or PDF)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from services import annual_report, coverage, view_exports
from services.compliance_view import Inputs
from services.coverage import View
from ui.coverage.state import Keys
from ui.downloads import XLSX, audited_download, file_name
from ui.i18n import lang, tr
from ui.tables import show_table

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
        "rule_name": tr("工作要求", "Requirement"), "period": tr("周期", "Period"), "missing": tr("还差", "Missing"),
        "reason_zh": "提醒事项", "reason_en": "Reminder"}), Keys.REMINDERS, hide_index=True, width="stretch")
    audited_download(tr("下载本周提醒名单（xlsx）", "Download reminder list (xlsx)"),
                     lambda: view_exports.reminders_xlsx(rem, as_of), user=user, kind="reminders", rows=len(rem),
                     about=as_of, file_name=file_name("本周提醒名单", "reminders", as_of), mime=XLSX, icon=":material/download:",
                     key=Keys.DL_REMINDERS)
    render_annual_report(user, inputs, v)


def _year_label(zh: str) -> str:
    """2025-2026学年 / 2026年度 in the page's language."""
    if zh.endswith("学年"):
        return tr(zh, f"Academic year {zh[:-2]}")
    return tr(zh, f"Calendar year {zh[:-2]}") if zh.endswith("年度") else zh


def render_annual_report(user: UserInfo, inputs: Inputs, v: View) -> None:
    """The fileable annual report: academic or calendar year, xlsx or PDF, for the cadres in view."""
    as_of, ids = v.filters.as_of, list(v.cadre_ids)
    st.subheader(tr("年度履职报告（三个纳入）", "Annual report"))
    choices = annual_report.year_choices(inputs, as_of)
    if not choices:
        st.info(tr("截至日期之前没有开始的学年。", "No academic year has started by the as-of date."))
        return
    labels = dict(choices)
    year = st.selectbox(tr("年度（学年或自然年度）", "Year (academic or calendar)"), list(labels),
                        format_func=lambda y: _year_label(labels[y]), key=Keys.REPORT_YEAR)
    d1, d2 = st.columns(2)
    words = (f"年度履职报告_{labels[year]}", f"annual-report_{year}")
    audited_download(tr("下载 xlsx", "Download xlsx"),
                     lambda: coverage.annual_report(user, inputs, as_of, ids, year=year), user=user,
                     kind="annual_report", rows=len(ids), about=labels[year], container=d1,
                     file_name=file_name(*words), mime=XLSX, icon=":material/download:",
                     key=Keys.DL_REPORT, disabled=not ids)
    audited_download(tr("下载 PDF", "Download PDF"),
                     lambda: coverage.annual_report(user, inputs, as_of, ids, year=year, fmt="pdf"), user=user,
                     kind="annual_report", rows=len(ids), about=labels[year], fmt="pdf", container=d2,
                     file_name=file_name(*words, ext="pdf"), mime="application/pdf", icon=":material/picture_as_pdf:",
                     key=Keys.DL_REPORT_PDF, disabled=not ids)
    st.caption(tr("每位干部一页履职纪实：各项工作要求的达标/未达标/免予考核周期数、九进场所、活动与覆盖学生人次、"
                  "未达标周期和等次建议，供民主生活会、干部考核、干部任用参考。学院用户只得到本学院的干部。",
                  "One record per cadre: each requirement's met / missed / exempt periods, venues, activities and "
                  "students reached, missed periods and a suggested grade — for the annual review, appraisal and "
                  "appointment file. A college user gets only their college's cadres."))
