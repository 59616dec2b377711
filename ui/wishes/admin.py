"""The admin's side: open a collection, watch who answered, remind, read answers, see 确认知晓."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import acknowledge, wishes
from ui.downloads import XLSX, audited_download, file_name
from ui.feedback import flash, md_escape, show_error, show_flash
from ui.i18n import lang, tr
from ui.tables import display_frame, show_table
from ui.wishes.state import Keys

if TYPE_CHECKING:
    from store.auth import UserInfo


def render_open(user: UserInfo) -> None:
    show_flash(Keys.FLASH)
    with st.expander(tr("开启新的意向征集", "Open a new wish collection"), expanded=wishes.current(user) is None):
        name = st.text_input(tr("名称", "Name"), value=tr("干部联系意向征集", "Cadre wishes"), key=Keys.NAME)
        day = st.date_input(tr("截止日期（当日 24 时）", "Deadline (end of day)"), value=date.today() + timedelta(days=7),
                            key=Keys.DEADLINE_DAY, format="YYYY-MM-DD")
        n = st.number_input(tr("每人最多意向数", "Wishes per cadre (max)"), min_value=1, max_value=wishes.MAX_WISHES_LIMIT,
                            value=3, key=Keys.MAX)
        if st.button(tr("开启征集", "Open"), key=Keys.OPEN, type="primary", icon=":material/campaign:"):
            deadline = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UTC)
            try:
                wishes.open_collection(user, name, deadline, int(n))
            except Exception as exc:  # noqa: BLE001 - one sentence with its details
                show_error(exc)
                return
            flash(Keys.FLASH, "success", tr("已开启，干部登录后即可填报。", "Opened; cadres can answer after logging in."))
            st.rerun()


def render_status(user: UserInfo, col: wishes.Collection) -> None:
    st.subheader(md_escape(col.name))
    state = tr("进行中", "open") if col.is_open() else tr("已截止", "closed")
    st.text(tr(f"截止 {col.deadline:%Y-%m-%d %H:%M}（UTC）· {state} · 每人最多 {col.max_wishes} 个意向",
               f"closes {col.deadline:%Y-%m-%d %H:%M} UTC · {state} · up to {col.max_wishes} wishes"))
    ans = wishes.answers(user, col.id)
    status = ans["status"]
    m1, m2 = st.columns(2)
    m1.metric(tr("已填报", "Answered"), f"{int(status['answered'].sum())} / {len(status)}", border=True)
    m2.metric(tr("未填报", "Not yet"), int((~status["answered"]).sum()), border=True)
    audited_download(tr("下载催办名单（xlsx）", "Reminder list (xlsx)"), wishes.reminder_xlsx(user, col.id),
                     user=user, kind="wish_reminders", rows=int((~status["answered"]).sum()), about=col.id,
                     file_name=file_name("意向征集催办名单", "wish-reminders"), mime=XLSX, icon=":material/notifications:",
                     key=Keys.DL_REMINDERS)
    if col.is_open() and st.button(tr("立即截止", "Close now"), key=Keys.CLOSE):
        wishes.set_deadline(user, col.id, datetime.now(UTC))
        st.rerun()
    show_table(display_frame(status.assign(answered=status["answered"].map({True: "✓", False: ""}))[
        ["name", "unit", "answered"]].rename(columns={"name": tr("姓名", "Name"), "unit": tr("单位", "Unit"),
                                                    "answered": tr("已填", "Done")})),
        Keys.STATUS, hide_index=True, width="stretch", height=260)
    kinds = vocabulary.labels(vocabulary.PREFERENCE_KINDS, lang())
    with st.expander(tr("全部意向", "Every wish")):
        w = ans["wishes"]
        show_table(w.assign(kind=w["kind"].map(kinds)).rename(columns={
            "cadre_id": tr("工号", "Cadre"), "rank": tr("意向", "Rank"), "kind": tr("类型", "Kind"), "value": tr("内容", "Value")}),
            Keys.ANSWERS, hide_index=True, width="stretch")
    with st.expander(tr("回避申报（含原因，仅组织部可见）", "Declared conflicts (with reasons; admin only)")):
        show_table(ans["conflicts"].rename(columns={"cadre_id": tr("工号", "Cadre"), "class_id": tr("班级", "Class"),
                                                    "college": tr("学院", "College"), "reason": tr("原因", "Reason")}),
                   Keys.CONFLICTS, hide_index=True, width="stretch")
    st.caption(tr("分配轮次可把这些意向与回避作为意向和回避规则使用；纸质收集的意向仍可在“数据管理”导入。",
                  "Rounds can use these as preferences and forbids; wishes collected on paper can still be imported on Data."))


def render_acks(user: UserInfo) -> None:
    st.subheader(tr("确认知晓", "Acknowledgements"))
    acks = acknowledge.overview(user)
    if acks.empty:
        st.info(tr("尚无已发布的分配。", "Nothing is published yet."))
        return
    st.metric(tr("已确认知晓", "Acknowledged"), f"{int(acks['acknowledged'].sum())} / {len(acks)}", border=True)
    todo = acks.loc[~acks["acknowledged"]]
    show_table(todo[["name", "class_name", "college"]].rename(columns={
        "name": tr("未确认的干部", "Not yet acknowledged"), "class_name": tr("班级", "Class"), "college": tr("学院", "College")}),
        Keys.ACKS, hide_index=True, width="stretch", height=260)
