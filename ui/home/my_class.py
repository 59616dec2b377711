"""我的班级: the cadre's class in force as a card, the term, what is due, and 确认知晓 (phone first)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import acknowledge, home
from ui.feedback import flash, md_escape, show_flash
from ui.home.state import Keys
from ui.i18n import lang, tr

if TYPE_CHECKING:
    from store.auth import UserInfo


def _ack(user: UserInfo) -> None:
    acknowledge.acknowledge(user)
    flash(Keys.FLASH, "success", tr("已确认知晓，组织部可见。", "Acknowledged; the organization department sees it."))


def _class_card(row) -> None:
    with st.container(border=True):
        st.subheader(md_escape(row.name))
        st.text(f"{row.college} · {row.size} " + tr("人", "students"))
        if row.tags:
            st.caption(md_escape("、".join(row.tags)))
        if row.counselor:
            st.text(tr("辅导员：", "Counselor: ") + row.counselor)


def _due(mc: home.MyClass) -> None:
    st.subheader(tr("待完成", "Still due"))
    if not mc.due:
        st.caption(tr("当前各周期均已达标或无需考核。", "Every current period is met or not assessed."))
    for kind in ("week", "month", "term", "year"):
        part = mc.due.get(kind)
        if part is None:
            continue
        with st.container(border=True):
            st.markdown("**" + vocabulary.label(vocabulary.PERIOD_KINDS, kind, lang()) + "**")
            for r in part.itertuples():
                rule = r.rule_zh if lang() == "zh" else r.rule_en
                st.text(f"{rule}：{r.done}/{r.required} " + tr(f"（截至 {r.period_end:%m-%d}）",
                                                              f"(by {r.period_end:%m-%d})"))


def render_my_class(user: UserInfo) -> None:
    mc = home.my_class(user)
    show_flash(Keys.FLASH)
    st.header(tr("我的班级", "My class"))
    if mc.classes.empty:
        st.info(tr("现行分配中暂无您的班级。", "The assignment in force gives you no class yet."))
    for row in mc.classes.itertuples():
        _class_card(row)
    if mc.term:
        name, first, last = mc.term
        st.text(tr(f"本学期：{name}（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）",
                   f"This term: {name} ({first:%Y-%m-%d} to {last:%Y-%m-%d})"))
    ack = mc.acknowledge
    if ack["round_id"] is not None:
        if ack["acknowledged_at"] is None:
            st.button(tr("确认知晓本次分配", "I acknowledge this assignment"), key=Keys.ACK, type="primary",
                      icon=":material/task_alt:", on_click=_ack, args=(user,), width="stretch")
        else:
            st.caption(tr(f"已于 {ack['acknowledged_at']:%Y-%m-%d} 确认知晓", f"Acknowledged on {ack['acknowledged_at']:%Y-%m-%d}"))
    _due(mc)
