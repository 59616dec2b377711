"""台账确认 / Confirm ledgers: the college (its own college's entries) and the admin confirm or
return entries, in bulk too, see their evidence and the withdrawals."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("college", "admin")

# Imported after the guard: nothing loads before login.
from services import compliance_view as cv
from ui.confirm.review import render_review


@st.cache_resource(max_entries=2, show_spinner=False)
def load_inputs(version: str) -> cv.Inputs:
    return cv.load_inputs(version)


st.title(tr("台账确认", "Confirm ledgers"))
if user.college:
    st.text(user.college)
render_review(user, load_inputs(cv.store_version()))
