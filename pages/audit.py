"""审计日志 / Audit log (admin): who did what and when, in words and Beijing time; filter; export."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from ui.audit import render_audit

st.title(tr("审计日志", "Audit log"))
st.caption(tr("每一次写入与安全事件（登录、失败、锁定、越权、导出）都记录在此，记录只能追加、不能修改。",
              "Every write and security event (logins, failures, lockouts, refusals, exports) is recorded "
              "here; the log can only be appended to, never changed."))
render_audit(user)
