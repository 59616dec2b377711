"""Yixian entry point: login, language switch, role-based navigation."""
from __future__ import annotations

import streamlit as st

from ui.auth import current_user, login_form, logout, role_label
from ui.feedback import user_errors
from ui.i18n import language_switch, tr
from ui.nav import pages_for

st.set_page_config(page_title="一线 Yixian", page_icon=":material/school:", layout="wide")
language_switch()

user = current_user()
if user is None:
    nav = st.navigation([st.Page(login_form, title=tr("登录", "Log in"), icon=":material/login:",
                                 url_path="login")], position="hidden")
    nav.run()
    st.stop()

with st.sidebar:
    st.markdown(f"**{user.display_name}** · {role_label(user.role)}")
    if user.college:
        st.caption(user.college)
    st.button(tr("退出登录", "Log out"), key="logout", icon=":material/logout:", on_click=logout)

pages = [
    st.Page(p.path, title=tr(p.title_zh, p.title_en), icon=p.icon, help=tr(p.help_zh, p.help_en))
    for p in pages_for(user.role)
]
with user_errors():   # a refusal or an unexpected error: one sentence (and an id), never a trace
    st.navigation(pages).run()
