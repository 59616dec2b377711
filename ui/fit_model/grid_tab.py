"""The cadre × class view: each cell's fit with its reason on hover (a heat map), filters by college and
class tag, and bulk lock/forbid of a selection as constraint rows added to the master rules."""
from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
import streamlit as st

from services import fit_grid, fit_model
from ui.charts import style
from ui.feedback import flash, md_escape
from ui.fit_model.state import Keys
from ui.i18n import lang, tr

if TYPE_CHECKING:
    from store.auth import UserInfo


def _heatmap(fit: pd.DataFrame, why: pd.DataFrame) -> alt.Chart:
    long = fit.stack().rename("fit").reset_index()
    long.columns = ["cadre", "class", "fit"]
    long["reason"] = why.stack().to_numpy()
    chart = alt.Chart(long).mark_rect().encode(
        x=alt.X("class:N", title=tr("班级", "Class"), sort=None),
        y=alt.Y("cadre:N", title=tr("干部", "Cadre"), sort=None),
        color=alt.Color("fit:Q", title=tr("匹配度", "Fit"), scale=alt.Scale(scheme="greens")),
        tooltip=[alt.Tooltip("cadre:N", title=tr("干部", "Cadre")), alt.Tooltip("class:N", title=tr("班级", "Class")),
                 alt.Tooltip("fit:Q", title=tr("匹配度", "Fit")), alt.Tooltip("reason:N", title=tr("理由", "Reason"))])
    return style(chart.properties(height=max(200, 14 * len(fit))))


def _ids(labels: list[str]) -> list[str]:
    return [x.rsplit("（", 1)[-1].rstrip("）") for x in labels]


def render_grid(user: UserInfo) -> None:
    colleges, tags = fit_model.filters(user)
    c1, c2 = st.columns(2)
    pick_c = c1.multiselect(tr("学院", "College"), colleges, key=Keys.GRID_COLLEGES)
    pick_t = c2.multiselect(tr("班级标签", "Class tag"), tags, key=Keys.GRID_TAGS)
    if not pick_c and not pick_t:
        st.caption(tr("请先按学院或标签筛选班级。", "Filter the classes by college or tag first."))
        return
    fit, why = fit_grid.grid(user, pick_c, pick_t, lang())
    if fit.empty:
        st.caption(tr("没有符合条件的班级。", "No class matches."))
        return
    st.altair_chart(_heatmap(fit, why), use_container_width=True)
    st.dataframe(fit, width="stretch")
    _bulk(user, list(fit.index), list(fit.columns))


def _bulk(user: UserInfo, cadres: list[str], classes: list[str]) -> None:
    st.subheader(tr("批量锁定 / 回避", "Bulk lock / forbid"))
    sel_a = st.multiselect(tr("干部", "Cadres"), cadres, key=Keys.GRID_CADRES)
    sel_c = st.multiselect(tr("班级", "Classes"), classes, key=Keys.GRID_CLASSES)
    reason = st.text_input(tr("原因", "Reason"), key=Keys.GRID_REASON)
    b1, b2 = st.columns(2)
    for kind, key, col, label in (("lock", Keys.GRID_LOCK, b1, tr("锁定所选配对", "Lock the selected pairs")),
                                  ("forbid", Keys.GRID_FORBID, b2, tr("回避所选配对", "Forbid the selected pairs"))):
        if col.button(label, key=key, disabled=not (sel_a and sel_c)):
            rows = fit_grid.bulk_rules(user, kind, _ids(sel_a), _ids(sel_c), reason)
            n = fit_grid.add_rules(user, rows)
            flash(Keys.FLASH, "success", tr(f"已加入 {n} 条约束（总规则）", f"{n} rule(s) added to the master rules"))
            st.rerun()
    st.caption(md_escape(tr("锁定 = 此干部必须担任此班；回避 = 不得担任。规则写入“数据管理”的约束表，供各轮次使用。",
                            "Lock = the cadre must take the class; forbid = must not. Rules go to the master "
                            "constraints used by rounds.")))
