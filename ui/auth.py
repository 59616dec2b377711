"""Login and the page guard.

Every file in pages/ calls `guard(...)` first: a fresh server can run a page by deep link
without app.py having shown the login form, so the page itself must refuse.
"""
from __future__ import annotations

import streamlit as st

from ui.i18n import tr

USER_KEY = "user"

ROLE_NAMES = {
    "admin": ("组织部管理员", "Organization dept. (admin)"),
    "leader": ("校领导", "Leader"),
    "planner": ("规划人员", "Planner"),
    "college": ("院系", "College"),
    "cadre": ("干部", "Cadre"),
}


def role_label(role: str) -> str:
    zh, en = ROLE_NAMES.get(role, (role, role))
    return tr(zh, en)


def current_user():
    return st.session_state.get(USER_KEY)


def guard(*roles: str):
    """Return the logged-in user, or stop the page (not logged in / wrong role)."""
    user = current_user()
    if user is None:
        st.warning(tr("请先登录。", "Please log in first."))
        # A plain link: on a deep-linked fresh server there is no navigation to page_link into.
        st.markdown(f"[{tr('前往登录', 'Go to login')}](/)")
        st.stop()
    if roles and user.role not in roles:
        st.error(tr("您的角色无权访问此页面。", "Your role may not open this page."))
        st.stop()
    return user


def login_form() -> None:
    from services.auth import login  # imported lazily: keeps the guard import cheap

    st.title(tr("一线 · 领导干部担任班主任管理", "Yixian · Cadres as class advisers"))
    st.caption(tr("请使用组织部分配的账号登录。", "Log in with the account issued by the organization department."))
    with st.form("login"):
        username = st.text_input(tr("用户名", "Username"), key="login_username")
        password = st.text_input(tr("密码", "Password"), type="password", key="login_password")
        submitted = st.form_submit_button(tr("登录", "Log in"), type="primary")
    if submitted:
        user = login(username.strip(), password)
        if user is None:
            st.error(tr("用户名或密码错误。", "Wrong username or password."))
        else:
            st.session_state[USER_KEY] = user
            st.rerun()


def logout() -> None:
    """Button callback: runs before the rerun, so the next run already draws the login form."""
    st.session_state.pop(USER_KEY, None)
