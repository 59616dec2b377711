"""Chinese-first UI text with an English toggle.

Strings live next to the code that shows them (`tr("中文", "English")`) so that pages never
share one giant dictionary file.
"""
from __future__ import annotations

import streamlit as st

LANG_KEY = "lang"


def lang() -> str:
    return st.session_state.get(LANG_KEY, "zh")


def tr(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


def language_switch() -> None:
    """Sidebar toggle; the choice lives in the browser session only."""
    current = lang()
    choice = st.sidebar.radio(
        "语言 / Language", ["中文", "English"], index=0 if current == "zh" else 1,
        horizontal=True, key="lang_radio",
    )
    new = "en" if choice == "English" else "zh"
    if new != current:
        st.session_state[LANG_KEY] = new
        st.rerun()
