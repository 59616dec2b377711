"""Widget values set for the next run: a widget's key cannot change after it is drawn in a run,
so a button that wants to open another round, section or scenario asks for it here and the page
applies it at its top, before any widget is drawn."""
from __future__ import annotations

import streamlit as st


def goto(pending_key: str, **state) -> None:
    """Session values to set at the start of the next run (None removes the key)."""
    st.session_state.setdefault(pending_key, {}).update(state)


def apply_pending(pending_key: str) -> None:
    for k, v in st.session_state.pop(pending_key, {}).items():
        if v is None:
            st.session_state.pop(k, None)
        else:
            st.session_state[k] = v
