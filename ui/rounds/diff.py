"""Diff (与现行分配对比): who moved where and why, against the assignment in force."""
from __future__ import annotations

import streamlit as st

from ui.i18n import tr
from ui.rounds.loads import load_diff, user_key
from ui.rounds.state import RoundView
from ui.tables import table_height

CHANGES = {"moved": ("调动", "moved"), "new": ("新分配", "new"), "ended": ("不再带班", "ended")}


def render_diff(view: RoundView) -> None:
    if not view.has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
        return
    d = load_diff(view.user, user_key(view.user), view.rid, view.version)
    counts = d["change"].value_counts()
    for col, (code, (zh, en)) in zip(st.columns(3), CHANGES.items()):
        col.metric(tr(zh, en.capitalize()), int(counts.get(code, 0)))
    d = d.assign(change=d["change"].map({k: tr(*v) for k, v in CHANGES.items()}))
    why, cadre_id, change = tr("原因", "Why"), tr("工号", "Cadre id"), tr("变化", "Change")
    st.dataframe(d.rename(columns={"cadre_id": cadre_id, "name": tr("姓名", "Name"), "before": tr("现行班级", "In force"),
                                   "after": tr("本轮班级", "This round"), "change": change, "why": why}),
                 hide_index=True, width="stretch", key="diff_table", height=table_height(len(d), 640),
                 column_config={why: st.column_config.TextColumn(width="large"),
                                cadre_id: st.column_config.TextColumn(width="small"),
                                change: st.column_config.TextColumn(width="small")})
