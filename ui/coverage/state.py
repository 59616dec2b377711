"""Session keys of the Coverage page (tests import these instead of spelling the strings)."""
from __future__ import annotations

import streamlit as st


class Keys:
    FILTERS = "cov_filters"
    TAB = "cov_tab"                      # the open tab (its label, in the page's language; see Tabs)
    AS_OF = "cov_as_of"
    TERM = "cov_term"
    COLLEGE = "cov_college"              # the free college filter (unscoped roles)
    COLLEGE_OWN = "cov_college_own"      # a college user's fixed, disabled filter
    LEVEL = "cov_level"
    RULE = "cov_rule"
    CADRE = "cov_cadre"                  # the drill-down's cadre
    CADRE_TABLE = "cov_cadre_table"
    SCORECARD = "cov_scorecard"
    ACTIVITIES = "cov_activities"
    REMINDERS = "cov_reminders"
    DL_REMINDERS = "cov_dl_reminders"
    DL_REPORT = "cov_dl_report"
    DL_CADRES = "cov_dl_cadres"
    DL_ACTIVITIES = "cov_dl_activities"
    DL_REPORT_PDF = "cov_dl_report_pdf"
    REPORT_YEAR = "cov_report_year"
    # charts: each drawn with key `<chart>_chart` and a PNG button `<chart>_png`
    CHART_BY_COLLEGE = "cov_by_college"
    CHART_PREFS = "cov_prefs"
    CHART_HEAT_COLLEGE = "cov_heat_college"
    CHART_HEAT_CADRE = "cov_heat_cadre"
    CHART_TREND = "cov_trend"
    CHART_VENUES = "cov_venues"

    @staticmethod
    def png(chart: str) -> str:
        return f"{chart}_png"


class Tabs:
    """The dashboard's tabs, (zh, en) labels in order. Only the open one is drawn (st.tabs with
    on_change="rerun"): the first paint is the KPIs and the overview's two light charts."""
    OVERVIEW = ("概览", "Overview")
    CHARTS = ("履职图表", "Compliance charts")
    CADRES = ("干部明细", "Cadres")
    REMINDERS = ("提醒与报表", "Reminders and reports")
    ALL = (OVERVIEW, CHARTS, CADRES, REMINDERS)

    @classmethod
    def labels(cls, lang: str) -> list[str]:
        """The tab labels in `lang`; the open tab (kept by its label) follows a language switch."""
        at = 0 if lang == "zh" else 1
        open_ = st.session_state.get(Keys.TAB)
        for pair in cls.ALL:
            if open_ in pair and open_ != pair[at]:
                st.session_state[Keys.TAB] = pair[at]
        return [pair[at] for pair in cls.ALL]


ALL = "__all__"                          # the "every term / college / level / rule" option
