"""首页 / Home: what is loaded, what is in force, where to go next."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard, role_label
from ui.i18n import tr

user = guard()

from services import data as data_service

st.title(tr("一线 · 领导干部担任班主任", "Yixian · Cadres as class advisers"))
st.caption(tr(f"欢迎，{user.display_name}（{role_label(user.role)}）",
              f"Welcome, {user.display_name} ({role_label(user.role)})"))

counts = data_service.counts()
c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("干部", "Cadres"), counts.get("cadres", 0))
c2.metric(tr("班级", "Classes"), counts.get("classes", 0))
c3.metric(tr("意向", "Preferences"), counts.get("preferences", 0))
c4.metric(tr("台账活动", "Ledger activities"), counts.get("ledger", 0))

st.markdown(tr(
    "**六个一**：确定1个班级担任班主任；每学期讲1次党课或思政课；每学期参加1次集体活动或社会实践；"
    "每月听课1次；每周面对面接触学生1次；每年向党委汇报1次。**九进**：进课堂、班级、宿舍、食堂、社团、讲座、"
    "早操、网络、活动现场。",
    "**Six ones**: advise one class; one party/ideology lecture per term; one class activity or social "
    "practice per term; one lecture visit per month; face-to-face contact with students every week; "
    "one report to the Party committee per year. **Nine venues**: classroom, class, dormitory, canteen, "
    "society, lecture, morning exercise, online, activity site.",
))
