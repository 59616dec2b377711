"""The cadre's activities, and deleting one (own only; an admin any)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from common import vocabulary
from common.errors import YixianError
from services import ledger
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.ledger.state import Keys
from ui.tables import display_frame, show_table

if TYPE_CHECKING:
    from store.auth import UserInfo


def verbatim(text: str) -> str:
    """`text` as a Markdown code span: shown exactly as typed, never as markup."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def _delete(user: UserInfo, activity_id: str) -> None:
    # a callback: runs before the rerun, so it may also reset the confirmation box
    try:
        ledger.delete_activity(user, activity_id)
    except YixianError as exc:
        st.session_state[Keys.FLASH] = ("error", md_escape(exc.headline(lang())))
    else:
        aid = verbatim(activity_id)
        st.session_state[Keys.FLASH] = ("success", tr(f"已删除 {aid}。", f"Deleted {aid}."))
    st.session_state[Keys.DELETE_CONFIRM] = False


def _show_flash() -> None:
    """The outcome of the last delete (its text is already safe Markdown)."""
    item = st.session_state.pop(Keys.FLASH, None)
    if item:
        (st.error if item[0] == "error" else st.success)(item[1])


def _delete_box(user: UserInfo, led: pd.DataFrame, type_label: dict) -> None:
    with st.expander(tr("删除一条记录", "Delete an entry")):
        labels = {r.activity_id: f"{r.date:%Y-%m-%d} · {type_label.get(r.type, r.type)} · {r.venue or '—'} · "
                                 f"{r.summary[:20]}" for r in led.itertuples()}
        pick = st.selectbox(tr("选择记录", "Entry"), list(labels), format_func=lambda a: labels[a], key=Keys.DELETE_PICK)
        sure = st.checkbox(tr("确认删除（将记入操作日志）", "Yes, delete it (recorded in the audit log)"),
                           key=Keys.DELETE_CONFIRM)
        st.button(tr("删除", "Delete"), key=Keys.DELETE, disabled=not sure, icon=":material/delete:",
                  on_click=_delete, args=(user, pick))


def render_entries(user: UserInfo, led: pd.DataFrame) -> None:
    st.subheader(tr("我的台账", "My activities"))
    _show_flash()
    type_label = vocabulary.labels(vocabulary.ACTIVITY_TYPES, lang())
    st.caption(tr(f"共 {len(led)} 条", f"{len(led)} activities"))
    show_table(display_frame(led.assign(type=led["type"].map(type_label))[
        ["activity_id", "date", "type", "venue", "class_id", "students", "minutes", "summary"]].rename(columns={
            "activity_id": tr("编号", "Id"), "date": tr("日期", "Date"), "type": tr("类型", "Type"),
            "venue": tr("场所", "Venue"), "class_id": tr("班级编号", "Class"), "students": tr("学生人数", "Students"),
            "minutes": tr("时长", "Minutes"), "summary": tr("内容", "Summary")})),
        Keys.TABLE, hide_index=True, width="stretch", height=320)
    if len(led):
        _delete_box(user, led, type_label)
