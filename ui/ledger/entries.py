"""The cadre's activities: a narrow table with each entry's review status, and the opened entry as a
card — its files, its fix (pending or returned) and its withdrawal (with a reason)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from common import vocabulary
from common.errors import YixianError
from services import evidence, ledger
from services.review import with_status
from ui.downloads import file_name, table_download
from ui.feedback import flash, md_escape, show_flash
from ui.i18n import lang, tr
from ui.ledger.evidence import render_files, render_upload
from ui.ledger.state import Keys
from ui.tables import display_frame, show_table

if TYPE_CHECKING:
    from store.auth import UserInfo


def _withdraw(user: UserInfo, activity_id: str) -> None:
    # a callback: runs before the rerun, so it may also clear the reason box
    try:
        ledger.withdraw_activity(user, activity_id, st.session_state.get(Keys.WITHDRAW_REASON, ""))
    except YixianError as exc:
        flash(Keys.FLASH, "error", exc.headline(lang()))
    else:
        flash(Keys.FLASH, "success", tr(f"已撤回 {activity_id}（学院可见撤回原因）。",
                                        f"Withdrew {activity_id} (the college sees the reason)."))
        st.session_state[Keys.WITHDRAW_REASON] = ""


def _fix(user: UserInfo, row) -> None:
    """Change the summary / venue / students of a pending or returned entry (it becomes pending)."""
    venues = ["", *vocabulary.VENUES]
    with st.form(f"{Keys.FIX_FORM}_{row.activity_id}", border=False):
        summary = st.text_area(tr("内容", "Summary"), value=row.summary, key=f"{Keys.FIX_SUMMARY}_{row.activity_id}", height=70)
        venue = st.selectbox(tr("场所", "Venue"), venues, index=venues.index(row.venue) if row.venue in venues else 0,
                             format_func=lambda v: vocabulary.label(vocabulary.VENUES, v, lang()) if v else "—",
                             key=f"{Keys.FIX_VENUE}_{row.activity_id}")
        students = st.number_input(tr("学生人数", "Students"), min_value=0,
                                   value=int(row.students) if pd.notna(row.students) else 0, key=f"{Keys.FIX_STUDENTS}_{row.activity_id}")
        if not st.form_submit_button(tr("保存修改并重新提交", "Save and resubmit"), icon=":material/send:"):
            return
    form = {"cadre_id": row.cadre_id, "date": row.date.date(), "type": row.type, "venue": venue,
            "class_id": row.class_id, "students": int(students),
            "minutes": None if pd.isna(row.minutes) else int(row.minutes), "summary": summary.strip()}
    check = ledger.check_activity(user, form)
    if not check.ok:
        st.error(md_escape("；".join(check.problems_zh if lang() == "zh" else check.problems_en)))
        return
    ledger.resubmit_activity(user, row.activity_id, check)
    flash(Keys.FLASH, "success", tr("已修改并重新提交，等待学院确认。", "Changed and resubmitted for confirmation."))
    st.rerun()


def _card(user: UserInfo, row, type_label: dict) -> None:
    status = row.review_status
    with st.container(border=True):
        venue = vocabulary.label(vocabulary.VENUES, row.venue, lang()) if row.venue else "—"
        st.text(f"{row.date:%Y-%m-%d} · {type_label.get(row.type, row.type)} · {venue}")
        st.text(row.summary or "—")
        st.caption(vocabulary.label(vocabulary.REVIEW_STATUSES, status, lang()))
        if status == "returned":
            st.warning(tr("学院退回，原因：", "Returned by the college: ") + md_escape(row.review_reason))
        locked = status == "confirmed" and user.role != "admin"
        render_files(user, evidence.list_attachments(user, [row.activity_id]), key="mine", can_remove=not locked)
        if locked:
            st.info(tr("学院已确认：该记录已锁定。", "Confirmed by the college: this entry is locked."))
            return
        render_upload(user, row.activity_id)
        with st.expander(tr("修改", "Change")):
            _fix(user, row)
        with st.expander(tr("撤回（需说明原因）", "Withdraw (with a reason)")):
            st.text_input(tr("撤回原因（学院可见）", "Reason (the college sees it)"), key=Keys.WITHDRAW_REASON)
            st.button(tr("撤回", "Withdraw"), key=Keys.WITHDRAW, icon=":material/undo:",
                      on_click=_withdraw, args=(user, row.activity_id))


def render_entries(user: UserInfo, led: pd.DataFrame, reviews: pd.DataFrame) -> None:
    st.subheader(tr("我的台账", "My activities"))
    show_flash(Keys.FLASH)
    type_label = vocabulary.labels(vocabulary.ACTIVITY_TYPES, lang())
    status_label = vocabulary.labels(vocabulary.REVIEW_STATUSES, lang())
    led = with_status(led, reviews)
    st.caption(tr(f"共 {len(led)} 条", f"{len(led)} activities"))
    shown = display_frame(led.assign(type=led["type"].map(type_label),
                                     review_status=led["review_status"].map(status_label))[
        ["date", "type", "review_status", "summary", "activity_id"]].rename(columns={
            "date": tr("日期", "Date"), "type": tr("类型", "Type"), "review_status": tr("状态", "Status"),
            "summary": tr("内容", "Summary"), "activity_id": tr("编号", "Id")}))
    show_table(shown, Keys.TABLE, hide_index=True, width="stretch", height=280)
    if not len(led):
        return
    cadre = str(led["cadre_id"].iloc[0]) if "cadre_id" in led else ""
    table_download(user, shown, kind="ledger_table", key=Keys.DOWNLOAD, about=cadre,
                   file_name=file_name("工作台账", "ledger", cadre), sheet=tr("工作台账", "Ledger"))
    returned = led.loc[led["review_status"] == "returned", "activity_id"].tolist()
    if returned:
        st.warning(tr(f"有 {len(returned)} 条记录被学院退回，请打开修改后重新提交（已排在下方列表最前）。",
                      f"{len(returned)} entries were returned by the college: open, fix and resubmit them "
                      "(listed first below)."))
    order = returned + [a for a in led["activity_id"] if a not in set(returned)]
    by_id = led.set_index("activity_id")
    labels = {a: f"{by_id.at[a, 'date']:%Y-%m-%d} · {type_label.get(by_id.at[a, 'type'], by_id.at[a, 'type'])} · "
                 f"{by_id.at[a, 'summary'][:14]}" for a in order}
    pick = st.selectbox(tr("打开一条记录（附件、修改、撤回）", "Open an entry (files, change, withdraw)"),
                        list(labels), format_func=lambda a: labels[a], key=Keys.ENTRY_PICK)
    _card(user, led.set_index("activity_id").loc[[pick]].reset_index().iloc[0], type_label)
    withdrawn = reviews.loc[reviews["status"] == "withdrawn"] if len(reviews) else reviews
    if len(withdrawn):
        with st.expander(tr(f"已撤回（{len(withdrawn)}）", f"Withdrawn ({len(withdrawn)})")):
            for r in withdrawn.itertuples():
                rec = r.record or {}
                st.text(f"{rec.get('date', '')} · {rec.get('summary', '')[:20]} — {r.reason}")
