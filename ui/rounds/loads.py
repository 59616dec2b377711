"""Cached reads of the Rounds page, keyed by the store version: any write elsewhere is seen at the
next rerun."""
from __future__ import annotations

import json

import streamlit as st

from services import round_inputs, round_lifecycle, round_review


@st.cache_data(max_entries=16, show_spinner=False)
def load_round(_user, user_key: str, round_id: int, version: str):
    return round_lifecycle.get_round(_user, round_id)


@st.cache_data(max_entries=4, show_spinner=False)
def load_rounds(_user, user_key: str, version: str):
    return round_lifecycle.list_rounds(_user)


@st.cache_data(max_entries=4, show_spinner=False)
def load_current(_user, user_key: str, kind: str, moves: int, use_previous: bool, version: str):
    return round_inputs.new_round_inputs(_user, kind, moves, use_previous)


@st.cache_data(max_entries=16, show_spinner=False)
def setup_issues(key: str, _inputs, params_json: str):
    return round_inputs.check_setup(_inputs, json.loads(params_json))


@st.cache_data(max_entries=8, show_spinner=False)
def load_diff(_user, user_key: str, round_id: int, version: str, lang: str = "zh"):
    return round_review.diff_against_published(_user, load_round(_user, user_key, round_id, version), lang)


def user_key(user) -> str:
    """What a cached read is keyed by besides its arguments: who asked (their checks differ)."""
    return f"{user.username}:{user.role}"
