"""联系意向 / My wishes: a cadre states ranked wishes and declares conflicts while the collection is open."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("cadre")

# Imported after the guard: nothing loads before login.
from services import wishes
from ui.wishes.form import render_form

st.title(tr("联系意向", "My wishes"))
col = wishes.current(user)
if col is None:
    st.info(tr("组织部尚未开启意向征集。", "The organization department has not opened a wish collection yet."))
    st.stop()
render_form(user, col)
