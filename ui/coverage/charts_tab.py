"""The Charts tab: coverage by college, preferences, two heatmaps, the weekly trend and the venues."""
from __future__ import annotations

import streamlit as st

from services import compliance_view as cv
from services.coverage import View
from ui import charts
from ui.coverage.state import Keys
from ui.i18n import lang, tr


def chart_block(chart, name: str, key: str) -> None:
    """The chart, stretched to its column, with a PNG export button under it."""
    st.altair_chart(chart, width="stretch", theme=None, key=f"{key}_chart")
    st.download_button(tr("导出 PNG", "Export PNG"), data=lambda: charts.to_png(chart), file_name=f"{name}.png",
                       mime="image/png", icon=":material/image:", key=Keys.png(key), on_click="ignore")


def _heatmaps(v: View, rule_names: dict[str, str]) -> None:
    heat_name = rule_names.get(v.heat_rule, v.heat_rule)
    if v.heat_college.empty:
        st.info(tr("所选范围内没有可考核的周期。", "No assessed period in this selection."))
    else:
        order = list(dict.fromkeys(v.heat_college.sort_values("start")["period"]))
        chart_block(charts.heatmap(v.heat_college, "college", "period", "学院", "周期",
                                   f"学院×周期 达标率（{heat_name}）", col_sort=order),
                    "学院周期热力图", Keys.CHART_HEAT_COLLEGE)
    if not v.heat_cadre.empty:
        rows = list(dict.fromkeys(v.heat_cadre["cadre"]))
        chart_block(charts.heatmap(v.heat_cadre, "cadre", "rule", "干部", "规则",
                                   f"干部×规则 达标率（最低的 {len(rows)} 位 / 共 {v.heat_cadre_total} 位）",
                                   row_sort=rows), "干部规则热力图", Keys.CHART_HEAT_CADRE)


def render_charts(v: View, inputs: cv.Inputs) -> None:
    rule_names = cv.rule_names(inputs, lang())
    left, right = st.columns(2)
    with left:
        chart_block(charts.coverage_by_college(v.coverage_college), "各学院班级覆盖", Keys.CHART_BY_COLLEGE)
    with right:
        chart_block(charts.preference_satisfaction(v.preferences), "志愿满足情况", Keys.CHART_PREFS)
    _heatmaps(v, rule_names)
    left, right = st.columns(2)
    with left:
        if v.trend.empty:
            st.info(tr("所选范围内没有教学周。", "No teaching week in this selection."))
        else:
            chart_block(charts.weekly_trend(v.trend, v.trend_target, rule_names.get(cv.F2F, cv.F2F)),
                        "每周面对面趋势", Keys.CHART_TREND)
    with right:
        chart_block(charts.venue_coverage(v.venues, v.venue_cadres), "九进场所覆盖", Keys.CHART_VENUES)
