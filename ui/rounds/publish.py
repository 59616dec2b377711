"""Publish and export (发布与导出): publish a solved draft with confirmation and an effective date;
download the official list, the publicity list and the re-importable assignment file."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from services import exports, round_lifecycle, round_review, settings
from services.round_names import round_file_label
from ui.downloads import XLSX, audited_download, file_name
from ui.feedback import flash, md_escape, show_error
from ui.i18n import lang, tr
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView


def _publish(view: RoundView, eff: date, seen: int | None, warnings_ok: bool) -> None:
    try:
        round_lifecycle.publish(view.user, view.rid, eff, seen_in_force=seen, warnings_confirmed=warnings_ok)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    here = round_lifecycle.round_label(view.info)
    flash(Keys.FLASH, "success", tr(f"已发布 {here}，自{eff:%Y-%m-%d}起生效。", f"Published {here} from {eff}."),
          markdown=True)
    goto(Keys.PENDING, **{Keys.PUBLISH_CONFIRM: None, Keys.PUBLISH_WARNINGS_OK: None})
    st.rerun()


def _date_picker(view: RoundView) -> date:
    """The effective date, never below what the round in force allows."""
    floor = round_lifecycle.earliest_effective_date(view.user)
    default = max(date.today() + timedelta(days=1), floor or date.min)
    chosen = st.session_state.get(Keys.PUBLISH_DATE)
    if chosen is None or (floor is not None and chosen < floor):
        st.session_state[Keys.PUBLISH_DATE] = default
    eff = st.date_input(tr("生效日期", "Effective date"), min_value=floor, key=Keys.PUBLISH_DATE,
                        format="YYYY-MM-DD")
    if floor is not None:
        st.caption(tr(f"最早可选 {floor:%Y-%m-%d}（现行分配最后一条的开始日期之后）。",
                      f"The earliest date is {floor} (after the latest start in the round in force)."))
    return eff


def _warnings(view: RoundView, eff: date) -> bool:
    """Show what the user must confirm; True when nothing is left to confirm."""
    warns = round_lifecycle.publish_warnings(view.user, eff)
    for w in warns:
        st.warning(md_escape(tr(w.zh, w.en)), icon=":material/warning:")
    if not warns:
        return True
    return st.checkbox(tr("我已了解以上提醒，仍要发布", "I have read these warnings and still want to publish"),
                       key=Keys.PUBLISH_WARNINGS_OK)


def _publish_form(view: RoundView) -> None:
    if not view.solved:
        st.info(tr("只有求解成功的轮次才能发布。", "Only a solved round can be published."))
        return
    st.markdown("##### " + tr("发布", "Publish"))
    st.caption(tr("发布后本轮成为现行分配；现行分配在生效日期前一天结束并归档。操作记入审计日志。",
                  "Publishing makes this round the assignment in force; the one in force ends the day "
                  "before and is archived. Audit-logged."))
    eff = _date_picker(view)
    current = next((r for r in view.rounds if r.status == "published"), None)
    if current is not None:
        name = md_escape(current.name)
        was = round_lifecycle.round_label(current)
        st.caption(tr(f"现行分配 {was}“{name}”将于 {eff - timedelta(days=1):%Y-%m-%d} 结束并归档。",
                      f"Round {was} in force ends on {eff - timedelta(days=1)} and is archived."))
    warnings_ok = _warnings(view, eff)
    ok = st.checkbox(tr(f"我确认发布“{md_escape(view.info.name)}”（{len(view.info.assignment)}对），自{eff:%Y-%m-%d}起生效",
                        f"I confirm publishing “{md_escape(view.info.name)}” ({len(view.info.assignment)} pairs) from {eff}"),
                     key=Keys.PUBLISH_CONFIRM)
    shown = current.id if current is not None else None
    # what the user saw is what the previous run showed: a publish by someone else in between is refused
    seen = st.session_state.get(Keys.PUBLISH_SEEN, {}).get(view.rid, shown)
    st.session_state[Keys.PUBLISH_SEEN] = {view.rid: shown}
    if st.button(tr("发布", "Publish"), type="primary", key=Keys.PUBLISH_GO, disabled=not (ok and warnings_ok),
                 icon=":material/campaign:"):
        _publish(view, eff, seen, warnings_ok)


def _notice(view: RoundView) -> list[str]:
    p = settings.publicity(view.user)
    return exports.publicity_notice(p.period_days, p.channel, p.office, date.today())


def _publicity_settings(view: RoundView) -> None:
    """公示期, 反映渠道 and the issuing office, set once by the admin; printed under the publicity list."""
    p = settings.publicity(view.user)
    with (st.expander(tr("公示名单设置（公示期、反映渠道、发布单位）", "Publicity list settings (period, channel, office)")),
          st.form("publicity_settings", border=False)):
        days = st.number_input(tr("公示期（工作日）", "Period (working days)"), 1, 30, p.period_days)
        channel = st.text_input(tr("反映渠道（电话、邮箱、地址）", "Feedback channel (phone, mail, address)"), p.channel)
        office = st.text_input(tr("发布单位（落款）", "Issuing office"), p.office)
        if not st.form_submit_button(tr("保存", "Save"), icon=":material/save:"):
            return
    try:
        settings.set_publicity(view.user, int(days), channel, office)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    flash(Keys.FLASH, "success", tr("已保存公示名单设置。", "Publicity list settings saved."))
    st.rerun()


def _exports(view: RoundView) -> None:
    info = view.info
    draft = info.published_at is None
    if draft:
        st.caption(tr("本轮尚未发布：名单仅供审核，文件标题注明“草稿”“征求意见稿”。",
                      "Not published: the lists are drafts for review and say so in their titles."))
    inp, eff, label = info.inputs, info.effective_date, round_file_label(info, lang())
    files = [("export_official", tr("领导干部担任班主任名单（xlsx）", "Official list (xlsx)"),
              ("领导干部担任班主任名单", "official-list"),
              lambda: exports.official_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff,
                                                draft=draft)),
             ("export_publicity", tr("公示名单（xlsx）", "Publicity list (xlsx)"), ("公示名单", "publicity-list"),
              lambda: exports.publicity_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff,
                                                 draft=draft, notice=_notice(view))),
             ("export_assignment", tr("分配结果数据文件（可再导入）", "Assignment data file (re-importable)"),
              ("分配结果", "assignment"),
              lambda: round_review.assignment_file(info))]
    kinds = {"export_official": "official_list", "export_publicity": "publicity_list",
             "export_assignment": "assignment_file"}
    for col, (key, text, suffix, data) in zip(st.columns(3), files):
        audited_download(text, data(), user=view.user, kind=kinds[key], rows=len(info.assignment), about=view.rid,
                         note={"draft": draft}, container=col, file_name=file_name(f"{info.name}_{suffix[0]}", suffix[1], label), key=key,
                         mime=XLSX, icon=":material/download:", width="stretch")


def render_publish(view: RoundView) -> None:
    if view.editable:
        _publish_form(view)
    st.markdown("##### " + tr("导出", "Exports"))
    if view.user.role == "admin":
        _publicity_settings(view)
    if not view.has_result:
        st.info(tr("本轮没有分配结果可导出。", "Nothing to export."))
    else:
        _exports(view)
