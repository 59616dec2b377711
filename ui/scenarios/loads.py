"""Cached reads of the Scenarios page."""
from __future__ import annotations

import streamlit as st

from services import scenario_metrics, scenarios


@st.cache_data(show_spinner=False, max_entries=16)
def published_metrics(_user, user_key: str, scenario_id: int, version: str):
    """Metrics of the published assignment scored on the scenario's data; `version` (the store's
    change marker) changes with any write, so a new solve, edit or publication is seen at once."""
    sc = scenarios.get(_user, scenario_id)
    return scenarios.published_metrics(sc.frames, sc.params)


def published(user, scenario_id: int, version: str):
    return published_metrics(user, f"{user.username}:{user.role}", scenario_id, version)


def scenario_metrics_of(sc, published_rows) -> dict:
    return scenario_metrics.metrics(sc.report, sc.assignment, sc.frames, published_rows)
