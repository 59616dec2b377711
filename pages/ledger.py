"""工作台账 / My ledger: a cadre records activities (quick-add), attaches evidence, fixes returned
entries, withdraws with a reason, and sees their own progress.

A cadre sees and edits only their own ledger (their id comes from the login, never from a widget;
services.ledger checks it again); an admin may pick any cadre.
"""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("cadre", "admin")

# Imported after the guard: nothing loads before login.
from common.errors import YixianError
from services import compliance_view as cv
from services import ledger
from ui.feedback import show_error
from ui.ledger.entries import render_entries
from ui.ledger.form import render_form
from ui.ledger.progress import render_progress
from ui.ledger.state import Keys


@st.cache_resource(max_entries=2, show_spinner=False)
def load_inputs(version: str) -> cv.Inputs:
    # keyed by the store version, so a write (here or elsewhere) is seen on the next run
    return cv.load_inputs(version)


def pick_cadre(inputs: cv.Inputs) -> tuple[str, str]:
    """(cadre_id, name): an admin picks any cadre; a cadre gets their own, whatever the session says."""
    choices = ledger.cadre_choices(user, inputs)
    if user.role != "admin":
        if choices.empty:
            st.error(tr("您的账号未关联干部工号，请联系组织部。",
                        "Your account is not linked to a cadre; ask the organization department."))
            st.stop()
        return str(choices["cadre_id"].iloc[0]), str(choices["name"].iloc[0])
    names = dict(zip(choices["cadre_id"], choices["name"]))
    cadre_id = st.selectbox(tr("选择干部", "Cadre"), list(names), format_func=lambda c: f"{names.get(c, '')}（{c}）",
                            key=Keys.CADRE)
    if cadre_id is None:
        st.info(tr("尚无干部名单。", "No cadres loaded yet."))
        st.stop()
    return cadre_id, names.get(cadre_id, "")


st.title(tr("工作台账", "My ledger"))
inputs = load_inputs(cv.store_version())
try:
    cadre_id, cadre_name = pick_cadre(inputs)
except YixianError as exc:
    show_error(exc)
    st.stop()
st.text(f"{cadre_name}（{cadre_id}）")
as_of = cv.default_as_of(inputs)

saved = render_form(user, inputs, cadre_id, as_of)
inputs = load_inputs(cv.store_version())      # re-read after a possible write: it shows below at once
if saved and Keys.ENTRY_PICK in st.session_state:
    st.session_state[Keys.ENTRY_PICK] = saved  # open the new entry: its files can be added right away
render_entries(user, ledger.cadre_ledger(user, inputs, cadre_id), ledger.entry_status(user, cadre_id))
render_progress(user, inputs, cadre_id, as_of)
