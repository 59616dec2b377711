"""Yixian entry point: session check, language switch, role-based navigation.

Run through server.py (`streamlit run server.py`), which adds the login page and the session
cookie. Every page of the app is registered on every run, hidden where the role may not go
(the page's own guard then refuses), so a known URL never meets Streamlit's "page not found".
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.auth import current_user, login_needed, logout, role_label
from ui.feedback import md_escape, user_errors
from ui.i18n import language_switch, tr
from ui.nav import ACCOUNT_PAGE, PAGES, ROOT, url_path
from ui.timing import now, page_timer

STARTED = now()          # the run's clocks (YIXIAN_TIMING=1: the server log gets each page run's time)
st.set_page_config(page_title="一线 Yixian", page_icon=str(Path(__file__).resolve().parent / "static" / "favicon.png"),
                   layout="wide")
language_switch()
user = current_user()


def _pages(visible: set[str]) -> list:
    return [st.Page(p.path, title=tr(p.title_zh, p.title_en), icon=p.icon, help=tr(p.help_zh, p.help_en),
                    url_path=url_path(p), default=i == 0, visibility="visible" if p.path in visible else "hidden")
            for i, p in enumerate(q for q in PAGES if (ROOT / q.path).exists())]


if user is None:
    page = st.navigation(_pages(set()), position="hidden")
    login_needed("/" + (page.url_path or ""))
    st.stop()

with st.sidebar:
    st.text(f"{user.display_name} · {role_label(user.role)}")   # names are user text: never Markdown
    if user.college:
        st.caption(md_escape(user.college))   # user text: escaped for the caption's Markdown
    st.button(tr("退出登录", "Log out"), key="logout", icon=":material/logout:", on_click=logout)

if user.must_change_password:
    page = st.navigation(_pages({ACCOUNT_PAGE}), position="hidden")
    if page.url_path != url_path(next(p for p in PAGES if p.path == ACCOUNT_PAGE)):
        st.switch_page(ACCOUNT_PAGE)
    with user_errors():
        page.run()
    st.stop()

page = st.navigation(_pages({p.path for p in PAGES if user.role in p.roles}), expanded=True)   # every page listed
with page_timer(page.url_path or "home", since=STARTED), user_errors():   # a refusal or an unexpected error: one sentence
    page.run()                                             # (and an id), never a trace
