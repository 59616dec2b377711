"""Metrics and charts of a round's result: preference distribution, coverage by tag and college,
priority classes left uncovered."""
from __future__ import annotations

import altair as alt
import streamlit as st

from services import round_review
from ui import charts
from ui.i18n import tr
from ui.rounds.state import RoundView
from ui.tables import display_frame

COVERED = ["已覆盖", "未覆盖"]


def coverage_bars(frame, field: str, field_zh: str, title: str, key: str, row_px: int, min_px: int) -> None:
    """Covered / uncovered classes per group as one stacked bar a row."""
    melted = frame.melt(id_vars=field, value_vars=["covered", "uncovered"], var_name="state", value_name="n")
    melted["state"] = melted["state"].map(dict(zip(["covered", "uncovered"], COVERED)))
    chart = alt.Chart(melted).mark_bar().encode(
        y=alt.Y(f"{field}:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("n:Q", title="班级数", stack="zero"),
        color=alt.Color("state:N", title="覆盖", scale=alt.Scale(domain=COVERED, range=["#2e7d32", "#ef9a9a"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{field}:N", title=field_zh), alt.Tooltip("state:N", title="覆盖"),
                 alt.Tooltip("n:Q", title="班级数")])
    st.altair_chart(charts.style(chart.properties(height=max(min_px, row_px * len(frame))), title),
                    key=key, width="stretch", theme=None)


def _preference_chart(dist) -> None:
    chart = alt.Chart(dist).mark_bar(color="#00838f").encode(
        x=alt.X("bucket:N", title="满足的志愿", sort=list(dist["bucket"]), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cadres:Q", title="干部数"),
        tooltip=[alt.Tooltip("bucket:N", title="志愿"), alt.Tooltip("cadres:Q", title="干部数")])
    st.altair_chart(charts.style(chart.properties(height=260), "志愿满足分布"), key="chart_prefs",
                    width="stretch", theme=None)


def render_metrics(view: RoundView) -> None:
    st.markdown("##### " + tr("指标与图表", "Metrics and charts"))
    info, result = view.info, view.result
    prefs = result.get("preferences") or {}
    by_col, by_tag, left = round_review.coverage_frames(info)
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(tr("覆盖班级", "Classes covered"), f"{int(by_col['covered'].sum())}/{int(by_col['classes'].sum())}")
    k2.metric(tr("总匹配度", "Total fit"), f"{result['total_fit']:g}" if result.get("total_fit") is not None else "—")
    k3.metric(tr("前三志愿满足", "Top-3 met"), f"{prefs.get('top3_pct', 0):.0f}%" if prefs else "—")
    k4.metric(tr("未覆盖的重点班", "Priority uncovered"), len(left))
    g1, g2 = st.columns(2)
    with g1:
        _preference_chart(round_review.preference_distribution(info))
    with g2:
        coverage_bars(by_tag, "tag", "标签", "按标签的班级覆盖", "chart_tags", 30, 230)
    coverage_bars(by_col, "college", "学院", "按学院的班级覆盖", "chart_colleges", 24, 200)
    st.markdown("**" + tr(f"未覆盖的重点班级（{len(left)}个）", f"Priority classes left uncovered ({len(left)})") + "**")
    if len(left):
        st.dataframe(display_frame(left), hide_index=True, width="stretch", key="review_uncovered")
    else:
        st.caption(tr("所有重点班级都有班主任。", "Every priority class has an adviser."))
