"""Publish and export (发布与导出): publish a solved draft with confirmation and an effective date;
download the official list, the publicity list and the re-importable assignment file."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from services import exports, round_lifecycle, round_review
from ui.feedback import flash, md_escape, show_error
from ui.i18n import tr
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _publish(view: RoundView, eff: date) -> None:
    try:
        round_lifecycle.publish(view.user, view.rid, eff)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    flash(Keys.FLASH, "success", tr(f"已发布 #{view.rid}，自{eff:%Y-%m-%d}起生效。", f"Published #{view.rid} from {eff}."),
          markdown=True)
    goto(Keys.PENDING, **{Keys.PUBLISH_CONFIRM: None})
    st.rerun()


def _publish_form(view: RoundView) -> None:
    if not view.solved:
        st.info(tr("只有求解成功的轮次才能发布。", "Only a solved round can be published."))
        return
    st.markdown("##### " + tr("发布", "Publish"))
    st.caption(tr("发布后本轮成为现行分配；现行分配在生效日期前一天结束并归档。操作记入审计日志。",
                  "Publishing makes this round the assignment in force; the one in force ends the day "
                  "before and is archived. Audit-logged."))
    eff = st.date_input(tr("生效日期", "Effective date"), value=round_lifecycle.earliest_effective_date(view.user),
                        key=Keys.PUBLISH_DATE)
    current = next((r for r in view.rounds if r.status == "published"), None)
    if current is not None:
        name = md_escape(current.name)
        st.caption(tr(f"现行分配 #{current.id}“{name}”将于 {eff - timedelta(days=1):%Y-%m-%d} 结束并归档。",
                      f"Round #{current.id} in force ends on {eff - timedelta(days=1)} and is archived."))
    ok = st.checkbox(tr(f"我确认发布“{md_escape(view.info.name)}”（{len(view.info.assignment)}对），自{eff:%Y-%m-%d}起生效",
                        f"I confirm publishing “{md_escape(view.info.name)}” ({len(view.info.assignment)} pairs) from {eff}"),
                     key=Keys.PUBLISH_CONFIRM)
    if st.button(tr("发布", "Publish"), type="primary", key=Keys.PUBLISH_GO, disabled=not ok, icon=":material/campaign:"):
        _publish(view, eff)


def _exports(view: RoundView) -> None:
    info = view.info
    if info.published_at is None:
        st.caption(tr("本轮尚未发布：名单仅供审核（草稿）。", "Not published: lists are drafts for review."))
    inp, eff, stem = info.inputs, info.effective_date, f"{info.name}".replace("/", "-")
    files = [("export_official", tr("领导干部担任班主任名单（xlsx）", "Official list (xlsx)"), "领导干部担任班主任名单",
              lambda: exports.official_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff)),
             ("export_publicity", tr("公示名单（xlsx）", "Publicity list (xlsx)"), "公示名单",
              lambda: exports.publicity_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff)),
             ("export_assignment", tr("分配结果数据文件（可再导入）", "Assignment data file (re-importable)"), "分配结果",
              lambda: round_review.assignment_file(info))]
    for col, (key, text, suffix, data) in zip(st.columns(3), files):
        col.download_button(text, data=data(), file_name=f"{stem}_{suffix}.xlsx", key=key, mime=XLSX,
                            icon=":material/download:", width="stretch")


def render_publish(view: RoundView) -> None:
    if view.editable:
        _publish_form(view)
    st.markdown("##### " + tr("导出", "Exports"))
    if not view.has_result:
        st.info(tr("本轮没有分配结果可导出。", "Nothing to export."))
    else:
        _exports(view)
