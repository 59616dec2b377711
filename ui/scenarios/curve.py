"""Tab 权衡曲线: total fit against the worst-off cadre's rank, or against the changes from the published
assignment; a point clicked on the chart opens as a new scenario. The curve is streamed: while its job
runs, the job panel draws the points solved so far (render_live_curve); when it ends (or is cancelled)
the tab draws the points with the click-to-open picker."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from common import vocabulary
from services import scenarios, sweeps
from ui.charts import style
from ui.feedback import flash, show_error
from ui.i18n import tr
from ui.jobs import start_job
from ui.labels import label
from ui.page_state import goto
from ui.scenarios.result import BUSY
from ui.scenarios.state import Keys

CURVES = {"fairness": ("总匹配度 ↔ 最差者的意向位次（公平）", "Total fit vs worst-off rank"),
          "changes": ("总匹配度 ↔ 相对已发布的变动对数", "Total fit vs changes from published")}
EXPLAIN = (("每个点都是精确最优解。公平：要求每位有意向的干部（锁定者除外）至少满足第 r 意向，r = 1…最大位次，另加不限；"
           "从不限起由松到紧计算，若较松一点的最优解已满足更紧的上限（且更紧上限允许的分配都在较松者之内），它就是该点的最优解，"
           "直接沿用（表中“求得方式”注明），否则求解。"
           "变动：最多 k 个不在已发布分配中的配对，k 从可能的最少变动到不限时的变动数，每点一次求解。"
           "每个点一算出就显示。点击一个点可把该解保存为情景。"),
           ("Every point is an exact optimum. Fairness: every cadre with wishes (locks excluded) gets a wish "
           "ranked ≤ r, r = 1…max, plus unbounded; computed from unbounded to tightest, a point takes the next "
           "looser point's optimum when that answer already meets its bound (and every assignment it allows is "
           "allowed there), else it is solved (“How it was found” says which). Changes: at most k pairs outside "
           "the published assignment, from the fewest possible to the unconstrained number, one solve each. Each "
           "point shows as soon as it is known. Click a point to open it as a scenario."))


def _bounded(b) -> bool:
    return b is not None and not pd.isna(b)


def _axis(out: dict, df: pd.DataFrame) -> str:
    """Adds the x position and its label to `df`; returns the axis title."""
    if out["curve"] == "fairness":
        top = max([p.bound for p in out["points"] if p.bound is not None], default=0) + 1
        df["x"] = [(b if _bounded(b) else top) for b in df["bound"]]
        df["x_label"] = [tr(f"≤第{int(b)}意向", f"≤ rank {int(b)}") if _bounded(b) else tr("不限", "unbounded")
                         for b in df["bound"]]
        return tr("最差者意向位次上限（右端为不限）", "Worst-off rank bound (right: unbounded)")
    df["x"] = df["changes"]
    df["x_label"] = [f"k ≤ {b}" if _bounded(b) else tr("最少变动", "fewest") for b in df["bound"]]
    return tr("相对已发布的变动对数", "Pairs changed from published")


def _frame(out: dict) -> tuple[pd.DataFrame, str]:
    """The points of a curve outcome with their x position, labels and status in words; the axis title."""
    df = sweeps.points_frame(out["points"])
    x_title = _axis(out, df)
    df["status_label"] = df["status"].map(lambda v: label(vocabulary.SOLVER_STATUSES, v))
    df["source"] = [_source(shared, src) for shared, src in zip(df["shared"], df["shared_from"], strict=True)]
    return df, x_title


def _source(shared: bool, src) -> str:
    """How a point was found: its own solve, or (fairness) the answer of a looser bound, proven optimal here."""
    if not shared:
        return tr("本点求解", "own solve")
    if not _bounded(src):
        return tr("沿用“不限”的解（已证明在此也最优）", "the unbounded answer (proven optimal here too)")
    return tr(f"沿用“≤第{int(src)}意向”的解（已证明在此也最优）", f"the answer of “≤ rank {int(src)}” (proven optimal here too)")


def _spec(ok: pd.DataFrame, x_title: str) -> alt.Chart:
    return alt.Chart(ok).mark_line(point=alt.OverlayMarkDef(size=120, filled=True)).encode(
        x=alt.X("x:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("total_fit:Q", title=tr("总匹配度", "Total fit"), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("x_label:N", title=tr("约束", "Bound")),
                 alt.Tooltip("total_fit:Q", title=tr("总匹配度", "Total fit"), format=".2f"),
                 alt.Tooltip("worst_rank:Q", title=tr("最差意向位次", "Worst rank")),
                 alt.Tooltip("changes:Q", title=tr("变动对数", "Changes")),
                 alt.Tooltip("status_label:N", title=tr("求解状态", "Status"))],
    )


def _chart(ok: pd.DataFrame, x_title: str):
    sel = alt.selection_point(name="pt", fields=["idx"], on="click")
    ch = _spec(ok, x_title).add_params(sel)
    return st.altair_chart(style(ch.properties(height=320), tr("权衡曲线（点击一个点）", "Trade-off (click a point)")),
                           on_select="rerun", key="scn_curve_chart")


def _table(df: pd.DataFrame, key: str = "scn_curve_table") -> None:
    bad = df.loc[df["total_fit"].isna()]
    if len(bad):
        st.caption(tr("无可行解的点：" + "、".join(bad["x_label"].astype(str)),
                      "Infeasible points: " + ", ".join(bad["x_label"].astype(str))))
    num = st.column_config.NumberColumn
    st.dataframe(df.assign(status=df["status_label"]), hide_index=True, width="stretch", key=key,
                 column_order=["x_label", "status", "total_fit", "worst_rank", "worst_unmet", "changes", "source",
                               "seconds"],
                 column_config={
                     "x_label": tr("约束", "Bound"), "status": tr("求解状态", "Status"),
                     "total_fit": num(tr("总匹配度", "Total fit"), format="%.1f"),
                     "worst_rank": tr("最差意向位次", "Worst-off rank"),
                     "worst_unmet": tr("有干部意向未满足", "Someone's wishes unmet"),
                     "changes": tr("相对已发布的变动对数", "Changes from published"),
                     "source": tr("求得方式", "How it was found"),
                     "seconds": num(tr("用时（秒）", "Seconds"), format="%.2f")})


def _save_point(user, sc, pts, df: pd.DataFrame, opts: list[int], clicked: int | None) -> None:
    # a new click on the chart picks the point; the picker below still works on its own
    if clicked in opts and clicked != st.session_state.get(Keys.CURVE_CLICKED):
        st.session_state[Keys.CURVE_POINT] = clicked
    st.session_state[Keys.CURVE_CLICKED] = clicked
    pick = st.selectbox(tr("选中的点", "Selected point"), opts, key=Keys.CURVE_POINT,
                        format_func=lambda i: f"{df.at[i, 'x_label']} · {tr('总匹配度', 'fit')} {df.at[i, 'total_fit']:.2f}")
    name = st.text_input(tr("保存为情景的名称", "Name of the new scenario"), value=f"{sc.name} · {df.at[pick, 'x_label']}",
                         key=Keys.curve_name(pick))
    if not st.button(tr("将此解保存为情景并打开", "Open this solution as a scenario"), key=Keys.OPEN_POINT):
        return
    p = pts[pick]
    try:
        nid = scenarios.save_solution(user, name, sc.frames, p.params, p.result,
                                      {"kind": "scenario", "id": sc.id, "name": sc.name})
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    goto(Keys.PENDING, **{Keys.PICK: nid})
    flash(Keys.FLASH, "success", tr(f"已保存为情景 #{nid}，可在“情景”与“对比”中查看。",
                                    f"Saved as scenario #{nid}; see it under Scenarios and Compare."))
    st.rerun()


def _done_so_far(out: dict) -> str:
    """"3/6" (or "3" while the number of points is not known yet)."""
    n = len(out["points"])
    return f"{n}/{out['planned']}" if out.get("planned") else str(n)


def render_live_curve(partial: dict) -> None:
    """The points of a running curve job so far (drawn by the job panel at every poll): chart and table,
    no picker (a point is opened once the curve has ended or been cancelled)."""
    if partial.get("kind") != "curve" or not partial["points"]:
        return
    df, x_title = _frame(partial)
    st.caption(tr(f"已完成 {_done_so_far(partial)} 个点；每算出一个点即显示，取消时保留已完成的点。",
                  f"{_done_so_far(partial)} points done; each point shows as soon as it is known, and "
                  "cancelling keeps the points done."))
    ok = df.loc[df["total_fit"].notna()]
    st.altair_chart(style(_spec(ok, x_title).properties(height=260),
                          tr("权衡曲线（计算中）", "Trade-off (computing)")), key="scn_curve_live_chart")
    _table(df, key="scn_curve_live_table")


def _points(user, sc, out: dict) -> None:
    pts = out["points"]
    df, x_title = _frame(out)
    if out.get("cancelled"):
        st.warning(tr(f"计算已取消：只显示已完成的 {_done_so_far(out)} 个点。",
                      f"Cancelled: only the {_done_so_far(out)} points done are shown."))
    ok = df.loc[df["total_fit"].notna()]
    event = _chart(ok, x_title)
    _table(df)
    sel_pts = (event.selection.get("pt") if event and getattr(event, "selection", None) else None) or []
    clicked = int(sel_pts[0]["idx"]) if sel_pts else None
    opts = [int(i) for i in ok["idx"]]
    if opts:
        _save_point(user, sc, pts, df, opts, clicked)


def render_curve(user, sc) -> None:
    if sc is None:
        st.info(tr("先在“情景”中新建或打开一个情景。", "Create or open a scenario first."))
        return
    curve = st.radio(tr("曲线", "Curve"), list(CURVES), horizontal=True, key=Keys.CURVE_KIND,
                     format_func=lambda k: tr(*CURVES[k]))
    st.caption(tr(*EXPLAIN))
    npts = st.number_input(tr("点数（变动曲线）", "Points (changes curve)"), min_value=2, max_value=30, value=10,
                           key=Keys.CURVE_POINTS, disabled=curve == "fairness")
    if st.button(tr("计算曲线", "Compute the curve"), key=Keys.CURVE_RUN, type="primary"):
        start_job(Keys.JOB, sweeps.start_curve, user, sc.id, curve, int(npts), **BUSY)
    out = st.session_state.get(Keys.CURVE_RESULT)
    if out and out["scenario_id"] == sc.id and out["points"]:
        _points(user, sc, out)
