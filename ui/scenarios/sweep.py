"""Tab 容量推演: how many cadres (in a stated order) cover every priority class of the opened scenario."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from common import vocabulary
from services import sweeps
from ui.charts import style
from ui.feedback import md_escape
from ui.i18n import tr
from ui.jobs import start_job
from ui.labels import label
from ui.scenarios.result import BUSY
from ui.scenarios.state import Keys

EXPLAIN = (("每个点都是一次精确求解：在情景的全部规则下，先使覆盖的重点关注班级最多，再使总匹配度最高；其他干部该次不带班。"
           "最少人数从“名额数刚好够重点关注班级数”的人数起逐一求解得到，并以 n−1 的求解无法覆盖全部重点关注班级来验证。"),
           ("Each point is one exact solve: under all the scenario's rules, first the most priority classes "
           "covered, then the highest total fit; the other cadres take no class in that solve. The minimum is "
           "found by solving upward from the first n whose slots equal the number of priority classes, and "
           "verified by a solve at n−1 that cannot cover them all."))


def _status(v: str) -> str:
    return label(vocabulary.SOLVER_STATUSES, v)


def best_words(p) -> str | None:
    """Order "best": how far the choice of the n cadres is proven, in words (None for other orders).
    best_exact: HiGHS proved the choice optimal; best_confirmed: this point's own solve covers as many
    priority classes as the choice promised (services.sweeps)."""
    if p is None or p.best_exact is None:
        return None
    if not p.best_exact:
        return tr("未证明最优（求解在证明前停止，如达到时间上限）",
                  "not proven optimal (the solve stopped before a proof, e.g. at its time limit)")
    if p.best_confirmed:
        return tr("精确（已由求解确认）", "exact (confirmed by a solve)")
    return tr("精确，但求解未确认（见求解状态）", "exact, but not confirmed by the solve (see its status)")


def _with_best(res, df: pd.DataFrame) -> pd.DataFrame:
    """The sweep's table with, for order "best", the exactness of each point's choice in words."""
    if res.order != "best":
        return df
    by_n = {p.n: p for p in res.all_points()}
    return df.assign(best=[best_words(by_n.get(n)) for n in df["n"]])


def _form(user, sc) -> None:
    order = st.selectbox(tr("“n 名干部”指", "“n cadres” means"), list(sweeps.ORDERS), key=Keys.SWEEP_ORDER,
                         format_func=lambda k: tr(*sweeps.ORDERS[k]) if k == "best" else
                         tr(f"按此顺序的前 n 名：{sweeps.ORDERS[k][0]}", f"the first n in this order: {sweeps.ORDERS[k][1]}"))
    st.caption(tr(*EXPLAIN))
    total = int((sc.frames["cadres"]["capacity"] > 0).sum())
    c1, c2, c3 = st.columns(3)
    lo = c1.number_input(tr("最少人数", "From n"), min_value=0, max_value=max(total, 1), value=min(10, total),
                         key=Keys.sweep_lo(sc.id, total))
    hi = c2.number_input(tr("最多人数", "To n"), min_value=0, max_value=max(total, 1), value=total,
                         key=Keys.sweep_hi(sc.id, total))
    npts = c3.number_input(tr("点数", "Points"), min_value=2, max_value=40, value=10, key=Keys.SWEEP_POINTS)
    find_min = st.checkbox(tr("同时求最少人数并验证", "Also find and verify the minimum"), value=True, key=Keys.SWEEP_MIN)
    if st.button(tr("开始推演", "Run the sweep"), key=Keys.SWEEP_RUN, type="primary"):
        sizes = sweeps.sweep_sizes(total, int(npts), int(lo), int(hi))
        start_job(Keys.JOB, sweeps.start_sweep, user, sc.id, order, sizes, find_min, **BUSY)


def _minimum(res) -> None:
    if res.minimum is not None:
        v = res.verification
        vtxt = _status(v.status) if v else "—"
        vcov = "—" if v is None or v.priority_covered is None else f"{v.priority_covered}/{v.priority_total}"
        st.success(tr(f"最少需要 **{res.minimum}** 名干部（按所述顺序）覆盖全部 {res.priority_total} 个重点关注班级。"
                      f"验证：n = {res.minimum - 1} 时求解结果为“{vtxt}”，覆盖重点关注班级 {vcov}。",
                      f"At least **{res.minimum}** cadres (in the stated order) cover all {res.priority_total} "
                      f"priority classes. Check: n = {res.minimum - 1} solves as “{vtxt}”, covering {vcov}."))
        words = best_words(next((p for p in res.all_points() if p.n == res.minimum), None))
        if words:
            st.caption(tr(f"这 {res.minimum} 名干部的选择：{words}。", f"The choice of these {res.minimum} cadres: {words}."))
    elif st.session_state.get(Keys.SWEEP_MIN, True) and not res.cancelled:
        st.warning(tr("按此顺序，即使用上全部干部也无法在现有规则下覆盖全部重点关注班级。",
                      "Even all cadres in this order cannot cover every priority class under the rules."))


def _chart(res, df: pd.DataFrame) -> None:
    long = df.melt(id_vars=["n", "status"], value_vars=["priority_coverage", "coverage"], var_name="series",
                   value_name="rate").dropna(subset=["rate"])
    long["series"] = long["series"].map({"priority_coverage": tr("重点关注班级覆盖率", "Priority classes"),
                                         "coverage": tr("全部班级覆盖率", "All classes")})
    layers = [alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("n:Q", title=tr("干部人数 n", "Cadres n")),
        y=alt.Y("rate:Q", title=tr("覆盖率", "Coverage"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top", labelLimit=300),
                        scale=alt.Scale(range=["#1565c0", "#ef6c00"])),
        tooltip=["n:Q", "series:N", alt.Tooltip("rate:Q", format=".1%"), "status:N"])]
    infeas = df.loc[df["status"] == "infeasible"]
    if len(infeas):
        layers.append(alt.Chart(infeas.assign(y=0.0)).mark_point(shape="cross", color="#c62828", size=80).encode(
            x="n:Q", y="y:Q", tooltip=[alt.Tooltip("n:Q"), alt.Tooltip("status:N")]))
    if res.minimum is not None:
        text = tr(f"最少 {res.minimum} 人", f"minimum {res.minimum}")
        layers.append(alt.Chart(pd.DataFrame({"n": [res.minimum], "label": [text]}))
                      .mark_rule(color="#2e7d32", strokeDash=[6, 4]).encode(x="n:Q", tooltip=["label:N"]))
    st.altair_chart(style(alt.layer(*layers).properties(height=300),
                          tr("覆盖率与干部人数", "Coverage against the number of cadres")), key="scn_sweep_chart")
    st.caption(tr("红色叉号：该人数下在规则内无可行分配（如学院名额下限无法满足）。",
                  "Red crosses: no feasible assignment under the rules at that n (e.g. a quota minimum)."))


def _table(df: pd.DataFrame) -> None:
    num = st.column_config.NumberColumn
    st.dataframe(df.assign(status=df["status"].map(_status)), hide_index=True, width="stretch", key="scn_sweep_table",
                 column_config={
                     "n": num(tr("干部人数 n", "Cadres n")), "status": tr("求解状态", "Status"),
                     "priority_covered": tr("覆盖重点关注班级", "Priority covered"),
                     "priority_total": tr("重点关注班级总数", "Priority classes"),
                     "classes_covered": tr("覆盖班级", "Classes covered"), "classes_total": tr("班级总数", "Classes"),
                     "total_fit": num(tr("总匹配度", "Total fit"), format="%.1f"),
                     "seconds": num(tr("用时（秒）", "Seconds"), format="%.2f"),
                     "priority_coverage": num(tr("重点关注班级覆盖率", "Priority coverage"), format="percent"),
                     "coverage": num(tr("班级覆盖率", "Coverage"), format="percent"),
                     "best": tr("n 名干部的选择", "Choice of the n cadres")})


def render_sweep(user, sc) -> None:
    if sc is None:
        st.info(tr("先在“情景”中新建或打开一个情景。", "Create or open a scenario first."))
        return
    name = md_escape(sc.name)
    st.markdown(tr(f"在情景 **#{sc.id} {name}** 上推演：需要多少名干部才能覆盖全部重点关注班级？",
                   f"On scenario **#{sc.id} {name}**: how many cadres cover every priority class?"))
    _form(user, sc)
    out = st.session_state.get(Keys.SWEEP_RESULT)
    if out and out["scenario_id"] == sc.id:
        res = out["result"]
        df = res.frame()
        _minimum(res)
        _chart(res, df)
        _table(_with_best(res, df))
