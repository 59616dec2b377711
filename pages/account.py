"""我的账号 / My account: change one's own password (forced after a reset or provisioning)."""
from __future__ import annotations

import streamlit as st

from ui.auth import TOKEN_KEY, guard, role_label
from ui.i18n import tr

user = guard(allow_password_change=True)

from common.errors import YixianError
from services import auth as auth_service
from ui.feedback import show_error

st.title(tr("我的账号", "My account"))
st.text(f"{user.username} · {user.display_name} · {role_label(user.role)}")
if user.must_change_password:
    st.warning(tr("这是初始密码或已被重置的密码，请先设置您自己的新密码。",
                  "This is an initial or reset password: set a new password of your own first."))
st.caption(tr("密码至少 10 个字符，不能与用户名相同，不能是常见密码。修改后，您在其他设备上的登录会结束。",
              "At least 10 characters, not the username, not a common password. Your sessions on "
              "other devices end when you change it."))

if st.session_state.pop("account_changed", False):
    st.success(tr("密码已修改。", "Password changed."))

with st.form("change_password", clear_on_submit=True):
    old = st.text_input(tr("当前密码", "Current password"), type="password", key="pw_old")
    new = st.text_input(tr("新密码", "New password"), type="password", key="pw_new")
    again = st.text_input(tr("再次输入新密码", "New password again"), type="password", key="pw_again")
    submitted = st.form_submit_button(tr("修改密码", "Change password"), type="primary")

if submitted:
    if new != again:
        st.error(tr("两次输入的新密码不一致。", "The two new passwords differ."))
    else:
        try:
            ok = auth_service.change_password(user, old, new, st.session_state.get(TOKEN_KEY))
        except YixianError as exc:
            show_error(exc)
        else:
            if ok:
                st.session_state["account_changed"] = True
                st.rerun()      # the navigation opens up once the forced change is done
            else:
                st.error(tr("当前密码不正确（连续错误会锁定账号）。",
                            "The current password is wrong (repeated failures lock the account)."))
