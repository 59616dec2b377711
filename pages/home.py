"""首页 / Home: what is loaded and in force — for each role only its own scope — and where to go next."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard, mode_banner, role_label
from ui.i18n import lang, tr

user = guard()

# Imported after the guard: nothing loads before login.
from common.errors import YixianError
from services import home
from ui.feedback import show_error
from ui.home.my_class import render_my_class
from ui.home.state import Keys
from ui.tables import display_frame, show_table

st.title(tr("一线 · 领导干部担任班主任", "Yixian · Cadres as class advisers"))
st.text(tr(f"欢迎，{user.display_name}（{role_label(user.role)}）", f"Welcome, {user.display_name} ({role_label(user.role)})"))
mode_banner()   # demo or production mode (YIXIAN_ENV)

try:
    summary = home.summary(user)
except YixianError as exc:
    show_error(exc)
    st.stop()

st.text(summary.caption(lang()))
if user.role == "cadre":
    render_my_class(user)           # the cadre's home is their class: card, term, what is due, 确认知晓
for col, m in zip(st.columns(len(summary.metrics)), summary.metrics):
    col.metric(tr(m.label_zh, m.label_en), m.shown(lang()), border=True)
if not summary.classes.empty and user.role != "cadre":
    show_table(display_frame(summary.classes.rename(columns={
        "class_id": tr("班级编号", "Class"), "class_name": tr("班级", "Class name"), "college": tr("学院", "College"),
        "start": tr("开始", "Start"), "end": tr("结束", "End")})), Keys.CLASSES, hide_index=True, width="stretch")

st.markdown(tr(
    "**六个一**：确定1个班级担任班主任；每学期讲1次党课或思政课；每学期参加1次集体活动或社会实践；"
    "每月听课1次；每周面对面接触学生1次；每年向党委汇报1次。**九进**：进课堂、班级、宿舍、食堂、社团、讲座、"
    "早操、网络、活动现场。",
    "**Six ones**: advise one class; one party/ideology lecture per term; one class activity or social "
    "practice per term; one lecture visit per month; face-to-face contact with students every week; "
    "one report to the Party committee per year. **Nine venues**: classroom, class, dormitory, canteen, "
    "society, lecture, morning exercise, online, activity site.",
))
