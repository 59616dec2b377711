"""工作要求 / Requirements (admin): thresholds, periods, counted types and venues per level,
versioned by effective date; 等次 thresholds; which ledger entries count."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from ui.feedback import show_flash
from ui.requirements.sections import render_history, render_in_force, render_new_version, render_settings
from ui.requirements.state import Keys

st.title(tr("工作要求", "Requirements"))
st.caption(tr("每个周期按其第一天有效的版本考核；修改只对生效日期之后开始的周期起作用。",
              "Each period is assessed under the version in force on its first day; a change applies only "
              "to periods that begin on or after its date."))
show_flash(Keys.FLASH)
frame = render_in_force(user)
render_new_version(user, frame)
render_settings(user)
render_history(user)
