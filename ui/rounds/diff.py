"""Diff (对比): this revision side by side against the revision it was made from and against the
assignment in force — who moved where, the fit before and after, and why."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import round_adjust
from ui.i18n import lang, tr
from ui.rounds.loads import load_diff, user_key
from ui.rounds.state import RoundView
from ui.tables import table_height

CHANGES = {"moved": ("调动", "moved"), "new": ("新分配", "new"), "ended": ("不再带班", "ended")}


@st.cache_data(max_entries=8, show_spinner=False)
def _previous(_user, user_key_: str, round_id: int, version: str):
    return round_adjust.against_previous(_user, round_id)


def _against_previous(view: RoundView) -> None:
    found = _previous(view.user, user_key(view.user), view.rid, view.version)
    if found is None:
        st.markdown("##### " + tr("与上一版本对比", "Against the previous revision"))
        st.info(tr("这是本轮的第一版。", "This is the round's first revision."))
        return
    label, c = found
    st.markdown("##### " + tr(f"与上一版本 {label} 对比", f"Against the previous revision {label}"))
    c1, c2 = st.columns(2)
    c1.metric(tr("变动的干部", "Cadres changed"), int(c["cadre_id"].nunique()))
    gain = -float(c["cost"].sum())
    c2.metric(tr("匹配度变化", "Fit change"), f"{gain:+g}" if gain else "0")
    if not len(c):
        st.info(tr("与上一版本的配对完全相同。", "The same pairs as the previous revision."))
        return

    def cls(name, cid):
        return f"{name}（{cid}）" if cid else "—"
    st.dataframe(pd.DataFrame({
        tr("工号", "Cadre id"): c["cadre_id"], tr("姓名", "Name"): c["name"],
        tr("上一版本班级", "Previous revision"): [cls(n, i) for n, i in zip(c["from_class"], c["from_id"])],
        tr("本版本班级", "This revision"): [cls(n, i) for n, i in zip(c["to_class"], c["to_id"])],
        tr("原匹配度", "Fit before"): c["fit_before"], tr("新匹配度", "Fit after"): c["fit_after"]}),
        hide_index=True, width="stretch", key="diff_previous_table", height=table_height(len(c), 640))


def _in_force_label(view: RoundView) -> str:
    pub = [r for r in view.rounds if r.status == "published"]
    return round_adjust.round_label(pub[0]) if pub else ""


def _against_published(view: RoundView) -> None:
    label = _in_force_label(view)
    st.markdown("##### " + tr(f"与现行分配 {label} 对比", f"Against the assignment in force {label}").rstrip())
    d = load_diff(view.user, user_key(view.user), view.rid, view.version, lang())
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


def render_diff(view: RoundView) -> None:
    if not view.has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
        return
    left, right = st.columns(2)
    with left:
        _against_previous(view)
    with right:
        _against_published(view)
