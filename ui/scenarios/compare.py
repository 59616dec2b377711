"""Tab 对比: 2–3 solved scenarios side by side (and the published assignment), aligned charts, and
who would move where."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from common import vocabulary
from services import scenario_metrics, scenarios
from ui.charts import style
from ui.i18n import lang, tr
from ui.scenarios.loads import published, scenario_metrics_of
from ui.scenarios.state import Keys, ScenarioPage
from ui.tables import table_height

PALETTE = ["#546e7a", "#1565c0", "#ef6c00", "#2e7d32"]


def _coverage_rows(named) -> pd.DataFrame:
    rows = [{"solution": n, "tag": t, "coverage": v} for n, m, _ in named
            for t, v in (m.get("by_tag") or {}).items() if v is not None]
    rows += [{"solution": n, "tag": tr("全部班级", "All classes"), "coverage": m.get("coverage")} for n, m, _ in named
             if m.get("coverage") is not None]
    rows += [{"solution": n, "tag": tr("重点关注班级", "Priority"),
              "coverage": (m["priority_covered"] / m["priority_classes"]) if m.get("priority_classes") else None}
             for n, m, _ in named if m.get("priority_covered") is not None]
    return pd.DataFrame(rows, columns=["solution", "tag", "coverage"])


def _rank_rows(named) -> pd.DataFrame:
    rows = []
    for n, _, a in named:
        if a is None:
            continue
        r = a["preference_rank"].astype("Float64")
        for rank, cnt in r.fillna(0).astype(int).value_counts().sort_index().items():
            rows.append({"solution": n, "rank": tr("未满足", "none") if rank == 0 else f"{rank}",
                         "order": 99 if rank == 0 else rank, "pairs": int(cnt)})
    return pd.DataFrame(rows, columns=["solution", "rank", "order", "pairs"])


def compare_charts(named: list[tuple[str, dict, pd.DataFrame | None]]) -> alt.TopLevelMixin:
    """Aligned charts: coverage by tag and preference ranks, one colour per solution, same order."""
    order = [n for n, _, _ in named]
    color = alt.Color("solution:N", title=tr("方案", "Solution"), sort=order,
                      scale=alt.Scale(domain=order, range=PALETTE[:len(order)]),
                      legend=alt.Legend(orient="top", labelLimit=400))
    c1 = alt.Chart(_coverage_rows(named)).mark_bar().encode(
        x=alt.X("tag:N", title=tr("班级类别", "Class group"), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("solution:N", sort=order), y=alt.Y("coverage:Q", title=tr("覆盖率", "Coverage"),
                                                                axis=alt.Axis(format="%")),
        color=color, tooltip=["solution:N", "tag:N", alt.Tooltip("coverage:Q", format=".1%")],
    ).properties(width=620, height=240, title=tr("覆盖率（按类别）", "Coverage by group"))
    ranks = _rank_rows(named)
    rank_order = list(ranks.sort_values("order")["rank"].drop_duplicates())
    c2 = alt.Chart(ranks).mark_bar().encode(
        x=alt.X("rank:N", title=tr("满足的意向（位次）", "Wish met (rank)"), sort=rank_order, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("solution:N", sort=order), y=alt.Y("pairs:Q", title=tr("配对数", "Pairs")),
        color=color, tooltip=["solution:N", "rank:N", "pairs:Q"],
    ).properties(width=620, height=220, title=tr("意向满足分布", "Preference ranks met"))
    return style(alt.vconcat(c1, c2).resolve_scale(color="shared"))


def _who_moves(pub, opened) -> None:
    st.markdown(tr("**谁会调到哪里**", "**Who would move where**"))
    sources = [(tr("已发布", "Published"), pub)] + [(f"#{o.id} {o.name}", o.assignment) for o in opened]
    labels = [s[0] for s in sources]
    c1, c2 = st.columns(2)
    a_i = c1.selectbox(tr("从", "From"), range(len(labels)), format_func=lambda i: labels[i], key=Keys.MOVES_FROM)
    b_i = c2.selectbox(tr("到", "To"), range(len(labels)), index=min(1, len(labels) - 1),
                       format_func=lambda i: labels[i], key=Keys.MOVES_TO)
    mv = scenario_metrics.moves(sources[a_i][1], sources[b_i][1])
    st.caption(tr(f"{len(mv)} 名干部的班级不同", f"{len(mv)} cadres differ"))
    st.dataframe(mv.drop(columns=["from_ids", "to_ids"]).rename(columns={
        "cadre_id": tr("工号", "Id"), "name": tr("姓名", "Name"), "from": labels[a_i], "to": labels[b_i]}),
        hide_index=True, width="stretch", key="scn_compare_moves")


def render_compare(page: ScenarioPage) -> None:
    solved = [s.id for s in page.scenarios if vocabulary.is_solved((s.result or {}).get("status"))]
    if not solved:
        st.info(tr("先求解至少一个情景，再来对比。", "Solve at least one scenario to compare."))
        return
    pick = st.multiselect(tr("选择 2–3 个情景", "Pick 2–3 scenarios"), solved, default=solved[:2],
                          max_selections=3, key=Keys.COMPARE_PICK, format_func=page.label)
    with_pub = st.checkbox(tr("同时对比已发布的分配", "Include the published assignment"), value=True,
                           key=Keys.COMPARE_PUB)
    if not pick:
        return
    opened = [scenarios.get(page.user, i) for i in pick]
    pm, pub, pub_scored = published(page.user, opened[0].id, page.version)
    named = ([(tr("已发布", "Published"), pm, pub_scored)] if with_pub else []) + \
        [(f"#{o.id} {o.name}", scenario_metrics_of(o, pub), o.assignment) for o in opened]
    mt = scenario_metrics.metrics_table([(n, m) for n, m, _ in named], lang())
    st.dataframe(mt, hide_index=True, width="stretch", height=table_height(len(mt)), key="scn_compare_table")
    st.caption(tr("已发布分配按第一个所选情景的数据与权重计分；“相对已发布的变动对数”=情景中不在已发布分配里的配对数。",
                  "The published assignment is scored with the first scenario's data and weights; "
                  "“changed” = pairs not in the published assignment."))
    st.altair_chart(compare_charts(named), key="scn_compare_chart")
    _who_moves(pub, opened)
