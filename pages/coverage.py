"""覆盖与合规 / Coverage: live class coverage and every cadre's 六个一 / 九进 compliance."""
from __future__ import annotations

import os
from datetime import date

import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("admin", "leader", "college")

# Imported after the guard: nothing loads before login.
from common.errors import YixianError
from services import compliance_view as cv
from services import coverage
from ui.coverage.cadres_tab import render_cadres
from ui.coverage.charts_tab import render_compliance_charts, render_overview
from ui.coverage.filters import render_filters
from ui.coverage.kpis import render_kpis
from ui.coverage.reminders_tab import render_reminders
from ui.coverage.state import Keys, Tabs
from ui.feedback import show_error, user_errors

REFRESH_SECONDS = float(os.environ.get("YIXIAN_REFRESH_SECONDS", "10"))


@st.cache_resource(max_entries=2, show_spinner=False)
def load_inputs(version: str) -> cv.Inputs:
    # keyed by the store version: any write (a new ledger row) changes it, so nothing stale is served
    return cv.load_inputs(version)


@st.cache_resource(max_entries=8, show_spinner=False)
def computed(inputs_version: str, as_of: date, _inputs: cv.Inputs) -> cv.Computed:
    # keyed by the inputs' own version: a login or any write that changes no input keeps it
    return cv.compute(_inputs, as_of)


try:
    own_college = coverage.viewer_college(user)      # None: every college
except YixianError as exc:
    show_error(exc)
    st.stop()

st.title(tr("覆盖与合规", "Coverage and compliance"))
inputs = load_inputs(cv.store_version())
if cv.calendar_range(inputs) is None:
    st.warning(tr("尚未导入校历，无法计算合规情况。请先在“数据管理”中导入校历。",
                  "No calendar yet: import one on the Data page first."))
    st.stop()
filters = render_filters(inputs, own_college, REFRESH_SECONDS)


@st.fragment(run_every=REFRESH_SECONDS)
def dashboard(f: coverage.Filters) -> None:
    # the fragment reruns on its own, outside app.py's wrapper: its errors are one sentence and an id too
    with user_errors():
        _dashboard(f)


def _dashboard(f: coverage.Filters) -> None:
    version = cv.store_version()
    inp = load_inputs(version)
    comp = computed(inp.version, f.as_of, inp)
    prev_day = cv.previous_as_of(inp, f.as_of)
    v = coverage.view(user, comp, f, computed(inp.version, prev_day, inp) if prev_day else None)
    render_kpis(v, version)
    # only the open tab runs (on_change="rerun"): the first paint is the KPIs and two light charts
    overview, compliance, cadres, remind = st.tabs(Tabs.labels(lang()), key=Keys.TAB, on_change="rerun")
    if overview.open:
        with overview:
            render_overview(v, inp)
    if compliance.open:
        with compliance:
            render_compliance_charts(v, inp)
    if cadres.open:
        with cadres:
            render_cadres(user, comp, v)
    if remind.open:
        with remind:
            render_reminders(user, inp, v)


dashboard(filters)
