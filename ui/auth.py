"""The session check on every run, the page guard, logout and the mode banner.

Login itself is an HTTP form (web/routes.py) because only an HTTP response can set the HttpOnly
session cookie. Here the script reads that cookie (st.context.cookies, sent with the websocket's
opening request) or the token kept in st.session_state, and asks the store on every run whether
the session is still open and who its user is now: a deactivation, role change or password
reset applies on the next click, in every open tab. Every file in pages/ calls `guard(...)`
first: a page run without app.py (deep link on a fresh server) must refuse on its own.
"""
from __future__ import annotations

import html
import json
from urllib.parse import quote

import streamlit as st

from common import vocabulary
from ui.i18n import lang, tr

USER_KEY = "user"
TOKEN_KEY = "session_token"
LOGGED_OUT_KEY = "logged_out"



def role_label(role: str) -> str:
    return vocabulary.label(vocabulary.ROLES, role, lang())


def _cookie_token() -> str | None:
    from services.auth import COOKIE_NAME, unsign

    try:
        raw = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no browser context (bare script run)
        raw = None
    return unsign(raw) if raw else None


def current_user():
    """The user of this browser session as stored now, or None (and the session state cleared)."""
    from services.auth import resume

    token = st.session_state.get(TOKEN_KEY) or _cookie_token()
    user = resume(token) if token else None
    if user is None:
        if TOKEN_KEY in st.session_state or USER_KEY in st.session_state:
            st.session_state.clear()      # the session ended elsewhere: nothing of it stays
        return None
    st.session_state[TOKEN_KEY] = token
    st.session_state[USER_KEY] = user
    return user


def login_url(next_path: str = "/") -> str:
    return f"/auth/login?next={quote(next_path or '/', safe='/')}"


def login_needed(next_path: str = "/") -> None:
    """The notice for a run without a valid session, and the way to the login page: a plain link
    (same tab; the login page is an HTTP form outside Streamlit) and, in a browser, an automatic
    move there. The script is our own constant text; `next` is one of our page paths, JSON-quoted."""
    st.warning(tr("请先登录。", "Please log in first."))
    # after a logout, through /auth/logout: it also deletes the (now dead) cookie from the browser
    url = "/auth/logout" if st.session_state.get(LOGGED_OUT_KEY) else login_url(next_path)
    st.html(f'<a href="{html.escape(url)}">{html.escape(tr("前往登录", "Go to login"))}</a>')
    st.html(f"<script>window.location.replace({json.dumps(url)});</script>", unsafe_allow_javascript=True)


def guard(*roles: str, allow_password_change: bool = False):
    """Return the logged-in user, or stop the page (not logged in / must change password / wrong role)."""
    user = current_user()
    if user is None:
        login_needed()
        st.stop()
    if user.must_change_password and not allow_password_change:
        st.warning(tr("请先修改初始密码。", "Please change your initial password first."))
        st.markdown(f"[{tr('修改密码', 'Change password')}](/account)")
        st.stop()
    if roles and user.role not in roles:
        st.error(tr("您的角色无权访问此页面。", "Your role may not open this page."))
        st.stop()
    return user


def logout() -> None:
    """Button callback: ends the session on the server and clears the whole session state (all
    that remains is a marker that sends the browser to /auth/logout)."""
    from services.auth import logout as end

    end(st.session_state.get(TOKEN_KEY) or _cookie_token())
    st.session_state.clear()
    st.session_state[LOGGED_OUT_KEY] = True


def mode_banner() -> None:
    """Which mode the app runs in (for the home page): production or demo."""
    from services.auth import is_production

    if is_production():
        st.caption(tr("生产模式：演示账号与演示密码不可用。",
                      "Production mode: demo accounts and demo passwords are refused."))
    else:
        st.info(tr("演示模式：演示账号仅供体验，正式使用前请设置 YIXIAN_ENV=production 并创建正式账号。",
                   "Demo mode: the demo accounts are for trying the app; set YIXIAN_ENV=production and "
                   "create real accounts before real use."), icon=":material/science:")
