"""The college's check: entries by status, 批量确认, return one with a reason, its evidence."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from common import vocabulary
from common.errors import YixianError
from services import evidence, review
from ui.confirm.state import Keys
from ui.downloads import file_name, table_download
from ui.feedback import flash, show_flash
from ui.i18n import lang, tr
from ui.ledger.evidence import render_files
from ui.tables import display_frame, show_table

if TYPE_CHECKING:
    from services.compliance_view import Inputs
    from store.auth import UserInfo


MAX_PICKS = 300       # entries offered in the pick lists at once (the table shows them all)


def _label(r, type_label: dict) -> str:
    return f"{r.date:%Y-%m-%d} · {r.cadre_name} · {type_label.get(r.type, r.type)} · {r.summary[:12]}"


def _confirm(user: UserInfo, inputs: Inputs, ids: list[str]) -> None:
    try:
        n = review.confirm(user, inputs, ids)
    except YixianError as exc:
        flash(Keys.FLASH, "error", exc.headline(lang()))
    else:
        flash(Keys.FLASH, "success", tr(f"已确认 {n} 条。", f"Confirmed {n} entries."))
        st.session_state[Keys.PICK] = []


def _return(user: UserInfo, inputs: Inputs, activity_id: str) -> None:
    try:
        review.return_entry(user, inputs, activity_id, st.session_state.get(Keys.RETURN_REASON, ""))
    except YixianError as exc:
        flash(Keys.FLASH, "error", exc.headline(lang()))
    else:
        flash(Keys.FLASH, "success", tr("已退回，干部将看到原因。", "Returned; the cadre sees the reason."))
        st.session_state[Keys.RETURN_REASON] = ""


def _table(user: UserInfo, rows: pd.DataFrame, type_label: dict, status_label: dict) -> None:
    shown = display_frame(rows.assign(type=rows["type"].map(type_label),
                                      review_status=rows["review_status"].map(status_label))[
        ["date", "cadre_name", "type", "summary", "review_status", "review_reason"]].rename(columns={
            "date": tr("日期", "Date"), "cadre_name": tr("干部", "Cadre"), "type": tr("类型", "Type"),
            "summary": tr("内容", "Summary"), "review_status": tr("状态", "Status"),
            "review_reason": tr("原因", "Reason")}))
    show_table(shown, Keys.TABLE, hide_index=True, width="stretch", height=300)
    if len(shown):
        table_download(user, shown, kind="confirm_table", key=Keys.DOWNLOAD, about=user.college or "",
                       file_name=file_name("台账确认表", "ledger-review"), sheet=tr("台账确认", "Ledger review"))


def render_review(user: UserInfo, inputs: Inputs) -> None:
    show_flash(Keys.FLASH)
    status_label = vocabulary.labels(vocabulary.REVIEW_STATUSES, lang())
    status = st.segmented_control(tr("状态", "Status"), list(status_label), format_func=status_label.get,
                                  key=Keys.STATUS, default="pending")
    rows = review.entries(user, inputs, status)
    names = dict(zip(rows["cadre_id"], rows["cadre_name"]))
    who = st.selectbox(tr("干部", "Cadre"), ["", *sorted(names, key=names.get)], key=Keys.CADRE,
                       format_func=lambda c: names.get(c, "") or tr("全部干部", "Every cadre"))
    if who:
        rows = rows.loc[rows["cadre_id"] == who].reset_index(drop=True)
    type_label = vocabulary.labels(vocabulary.ACTIVITY_TYPES, lang())
    st.caption(tr(f"共 {len(rows)} 条", f"{len(rows)} entries"))
    _table(user, rows, type_label, status_label)
    if rows.empty or status == "withdrawn":
        return
    if len(rows) > MAX_PICKS:
        st.caption(tr(f"下方只列最近 {MAX_PICKS} 条；请按干部筛选。", f"Only the newest {MAX_PICKS} are listed below; filter by cadre."))
        rows = rows.iloc[:MAX_PICKS]
    labels = {r.activity_id: _label(r, type_label) for r in rows.itertuples()}
    with st.container(border=True):
        st.markdown("**" + tr("批量确认", "Confirm in bulk") + "**")
        every = st.checkbox(tr(f"全部 {len(rows)} 条", f"All {len(rows)} shown"), key=Keys.ALL)
        picked = list(labels) if every else st.multiselect(tr("选择记录", "Entries"), list(labels),
                                                           format_func=labels.get, key=Keys.PICK)
        st.button(tr("确认", "Confirm"), key=Keys.CONFIRM, type="primary", icon=":material/done_all:",
                  disabled=not picked, on_click=_confirm, args=(user, inputs, picked))
    with st.container(border=True):
        st.markdown("**" + tr("查看或退回一条", "Open or return one") + "**")
        one = st.selectbox(tr("记录", "Entry"), list(labels), format_func=labels.get, key=Keys.RETURN_PICK)
        render_files(user, evidence.list_attachments(user, [one], inputs), inputs, key="review")
        st.text_input(tr("退回原因（干部可见）", "Reason (the cadre sees it)"), key=Keys.RETURN_REASON)
        st.button(tr("退回修改", "Return"), key=Keys.RETURN, icon=":material/undo:",
                  on_click=_return, args=(user, inputs, one))
