"""Metrics and charts of a round's result: preference distribution, coverage by tag and college,
priority classes left uncovered."""
from __future__ import annotations

import altair as alt
import streamlit as st

from common import vocabulary
from common.vocabulary import label
from services import round_review
from ui import charts
from ui.i18n import lang, tr
from ui.rounds.state import RoundView
from ui.tables import display_frame


def _class_headers() -> dict[str, str]:
    return {"class_id": tr("班级编号", "Class id"), "name": tr("班级", "Class"), "college": tr("学院", "College"),
            "grade": tr("年级", "Grade"), "size": tr("人数", "Students"), "tags": tr("标签", "Tags")}


def coverage_bars(frame, field: str, field_title: str, title: str, key: str, row_px: int, min_px: int) -> None:
    """Covered / uncovered classes per group as one stacked bar a row."""
    states = {c: label(vocabulary.COVERAGE_STATES, c, lang()) for c in ("covered", "uncovered")}
    melted = frame.melt(id_vars=field, value_vars=list(states), var_name="state", value_name="n")
    melted["state"] = melted["state"].map(states)
    n_classes, cover = tr("班级数", "Classes"), tr("覆盖", "Coverage")
    chart = alt.Chart(melted).mark_bar().encode(
        y=alt.Y(f"{field}:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("n:Q", title=n_classes, stack="zero"),
        color=alt.Color("state:N", title=cover, scale=alt.Scale(domain=list(states.values()),
                                                                range=["#2e7d32", "#ef9a9a"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{field}:N", title=field_title), alt.Tooltip("state:N", title=cover),
                 alt.Tooltip("n:Q", title=n_classes)])
    st.altair_chart(charts.style(chart.properties(height=max(min_px, row_px * len(frame))), title),
                    key=key, width="stretch", theme=None)


def _preference_chart(dist) -> None:
    dist = dist.assign(bucket=dist["bucket"].map(lambda b: vocabulary.relabel(vocabulary.WISH_BUCKETS, b, lang())))
    n_cadres = tr("干部数", "Cadres")
    chart = alt.Chart(dist).mark_bar(color="#00838f").encode(
        x=alt.X("bucket:N", title=tr("满足的意向", "Wish met"), sort=list(dist["bucket"]), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cadres:Q", title=n_cadres),
        tooltip=[alt.Tooltip("bucket:N", title=tr("意向", "Wish")), alt.Tooltip("cadres:Q", title=n_cadres)])
    st.altair_chart(charts.style(chart.properties(height=260), tr("意向满足分布", "Cadres by best wish met")),
                    key="chart_prefs", width="stretch", theme=None)


def render_metrics(view: RoundView) -> None:
    st.markdown("##### " + tr("指标与图表", "Metrics and charts"))
    info, result = view.info, view.result
    prefs = result.get("preferences") or {}
    by_col, by_tag, left = round_review.coverage_frames(info)
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(tr("覆盖班级", "Classes covered"), f"{int(by_col['covered'].sum())}/{int(by_col['classes'].sum())}")
    k2.metric(tr("总匹配度", "Total fit"), f"{result['total_fit']:g}" if result.get("total_fit") is not None else "—")
    k3.metric(tr("前三意向满足", "Top-3 met"), f"{prefs.get('top3_pct', 0):.0f}%" if prefs else "—")
    k4.metric(tr("未覆盖的重点关注班级", "Priority uncovered"), len(left))
    g1, g2 = st.columns(2)
    with g1:
        _preference_chart(round_review.preference_distribution(info))
    with g2:
        coverage_bars(by_tag, "tag", tr("标签", "Tag"), tr("按标签的班级覆盖", "Class coverage by tag"),
                      "chart_tags", 30, 230)
    coverage_bars(by_col, "college", tr("学院", "College"), tr("按学院的班级覆盖", "Class coverage by college"),
                  "chart_colleges", 24, 200)
    st.markdown("**" + tr(f"未覆盖的重点关注班级（{len(left)}个）", f"Priority classes left uncovered ({len(left)})") + "**")
    if len(left):
        st.dataframe(display_frame(left).rename(columns=_class_headers()), hide_index=True, width="stretch",
                     key="review_uncovered")
    else:
        st.caption(tr("所有重点关注班级都有班主任。", "Every priority class has an adviser."))
