"""意向征集 / Wish collection (admin): open a collection, watch and remind, read answers, see who
has acknowledged the published assignment."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from services import wishes
from ui.wishes.admin import render_acks, render_open, render_status

st.title(tr("意向征集与确认", "Wishes and acknowledgements"))
render_open(user)
col = wishes.current(user)
if col is not None:
    render_status(user, col)
render_acks(user)
