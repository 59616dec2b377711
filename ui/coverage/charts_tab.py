"""The chart tabs: the overview (coverage by college, wishes met) and the compliance charts (two heatmaps,
the weekly trend, the venues)."""
from __future__ import annotations

import copy
from collections.abc import Callable

import altair as alt
import streamlit as st

from common import vocabulary
from services import compliance_view as cv
from services.coverage import View
from ui import charts
from ui.coverage.state import Keys
from ui.i18n import lang, tr
from ui.labels import label


def stamp(v: View, rule_names: dict[str, str]) -> str:
    """What a chart exported as PNG shows: the date and every filter."""
    f = v.filters
    every = tr("全部", "all")
    parts = [tr(f"截至 {f.as_of:%Y-%m-%d}", f"As of {f.as_of:%Y-%m-%d}"),
             tr("学期：", "Term: ") + (f.term or every), tr("学院：", "College: ") + (f.college or every),
             tr("层级：", "Level: ") + (label(vocabulary.LEVELS, f.level) if f.level else every),
             tr("规则：", "Rule: ") + (rule_names.get(f.rule, f.rule) if f.rule else every)]
    return " · ".join(parts)


def chart_block(v: View, build: Callable[[], alt.TopLevelMixin], name: str, key: str, note: str | None = None) -> None:
    """The chart, stretched to its column, with a PNG export button under it (stamped with `note`).
    The chart and its spec are built once per view and language (kept on the memoised view): a
    refresh, another session with the same filters or a tab switch only draws them."""
    chart, spec = v.memo.get(("chart", key, lang())) or (None, None)
    if chart is None:
        chart = build()
        spec = charts.spec(chart)
        v.memo[("chart", key, lang())] = (chart, spec)
    # Streamlit moves the datasets out of the spec it is given: draw a copy
    st.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch", theme=None, key=f"{key}_chart")
    st.download_button(tr("导出 PNG", "Export PNG"), data=lambda: charts.to_png(chart, stamp=note),
                       file_name=f"{name}.png",
                       mime="image/png", icon=":material/image:", key=Keys.png(key), on_click="ignore")


def _heatmaps(v: View, rule_names: dict[str, str], note: str) -> None:
    heat_name = rule_names.get(v.heat_rule, v.heat_rule)
    if v.heat_college.empty:
        st.info(tr("所选范围内没有可考核的周期。", "No assessed period in this selection."))
    else:
        order = list(dict.fromkeys(v.heat_college.sort_values("start")["period"]))
        chart_block(v, lambda: charts.heatmap(
                        v.heat_college, "college", "period", tr("学院", "College"), tr("周期", "Period"),
                        tr(f"学院×周期 达标率（{heat_name}）", f"Rate met by college and period ({heat_name})"),
                        col_sort=order, lang=lang()),
                    tr("学院周期热力图", "heatmap_college_period"), Keys.CHART_HEAT_COLLEGE, note)
    if not v.heat_cadre.empty:
        rows = list(dict.fromkeys(v.heat_cadre["cadre"]))
        chart_block(v, lambda: charts.heatmap(
                        v.heat_cadre, "cadre", "rule", tr("干部", "Cadre"), tr("规则", "Rule"),
                        tr(f"干部×规则 达标率（已有考核结果的 {v.heat_cadre_total} 位中最低的 {len(rows)} 位）",
                           f"Rate met by cadre and rule (lowest {len(rows)} of the {v.heat_cadre_total} with a result)"),
                        row_sort=rows, lang=lang()),
                    tr("干部规则热力图", "heatmap_cadre_rule"), Keys.CHART_HEAT_CADRE, note)
    st.caption(tr("热力图中的空白格表示该组合没有需要考核的周期（例如请假、公差免予考核，或尚未开始的周期）；"
                  "浅蓝色格是截至日期时尚未结束的周期（进行中）：尚未完成的干部仍有时间，不计为未达标。",
                  "A blank cell in a heatmap means there was nothing to assess there (exempt for leave or a trip, "
                  "or a period not yet started); a light blue cell is a period not over on the as-of date (in "
                  "progress): cadres who have not done it yet still have time and are not counted as missed."))


def render_overview(v: View, inputs: cv.Inputs) -> None:
    """The first tab: the two light charts (classes covered by college, wishes met)."""
    note = stamp(v, cv.rule_names(inputs, lang()))
    left, right = st.columns(2)
    with left:
        chart_block(v, lambda: charts.coverage_by_college(v.coverage_college, lang()),
                    tr("各学院班级覆盖", "coverage_by_college"), Keys.CHART_BY_COLLEGE, note)
    with right:
        chart_block(v, lambda: charts.preference_satisfaction(v.preferences, lang()),
                    tr("意向满足情况", "wishes_met"), Keys.CHART_PREFS, note)


def render_compliance_charts(v: View, inputs: cv.Inputs) -> None:
    """The compliance charts (drawn when their tab is opened): two heatmaps, the weekly trend, the venues."""
    rule_names = cv.rule_names(inputs, lang())
    note = stamp(v, rule_names)
    _heatmaps(v, rule_names, note)
    left, right = st.columns(2)
    with left:
        if v.trend.empty:
            st.info(tr("所选范围内没有教学周。", "No teaching week in this selection."))
        else:
            chart_block(v, lambda: charts.weekly_trend(v.trend, v.trend_target, rule_names.get(cv.F2F, cv.F2F),
                                                       lang()),
                        tr("每周面对面趋势", "face_to_face_weekly"), Keys.CHART_TREND, note)
    with right:
        chart_block(v, lambda: charts.venue_coverage(v.venues, v.venue_cadres, lang()),
                    tr("九进场所覆盖", "venues_reached"), Keys.CHART_VENUES, note)
