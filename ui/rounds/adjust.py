"""Adjust (调整): lock, forbid or move one cadre of a solved draft; each re-solves in the background."""
from __future__ import annotations

import streamlit as st

from services import round_adjust
from ui.i18n import tr
from ui.jobs import start_job
from ui.rounds.state import Keys, RoundView


def render_adjust(view: RoundView) -> None:
    if not view.is_draft:
        st.info(tr("只能调整草稿轮次。已发布或已归档的轮次保持不变。", "Only a draft round can be adjusted."))
        return
    if not view.has_result:
        st.info(tr("请先求解本轮。", "Solve the round first."))
        return
    st.caption(tr("锁定、回避或调动后会在后台重新求解；调动若违反规则将被拒绝并说明违反了哪条规则。每次调整生成本轮的新版本。",
                  "Lock, forbid or move, then the round is re-solved in the background; a move that breaks a "
                  "rule is refused, naming the rule. Each adjustment makes a new revision."))
    a = view.info.assignment
    names = dict(zip(a["cadre_id"], a["name"]))
    current = a.groupby("cadre_id")["class_id"].first().to_dict()
    class_names = view.class_names()
    locked = set(a.loc[a["locked"], "cadre_id"])
    # unlocked cadres first: they are the ones an adjustment is usually about
    order = sorted(names, key=lambda c: (c in locked, c))
    cadre = st.selectbox(tr("干部", "Cadre"), order, key=Keys.ADJUST_CADRE,
                         format_func=lambda c: f"{names[c]}（{c}）→ {class_names.get(current[c], current[c])}"
                         + (tr("（已锁定）", " (locked)") if c in locked else ""))
    cls_now = current[cadre]
    c1, c2 = st.columns(2)
    if c1.button(tr("锁定当前配对", "Lock this pair"), key=Keys.ADJUST_LOCK, icon=":material/lock:"):
        start_job(Keys.JOB, round_adjust.start_adjust, view.user, view.rid, "lock", cadre, cls_now)
    if c2.button(tr("回避当前配对（禁止并重新分配）", "Forbid this pair"), key=Keys.ADJUST_FORBID, icon=":material/block:"):
        start_job(Keys.JOB, round_adjust.start_adjust, view.user, view.rid, "forbid", cadre, cls_now)
    options = [c for c in class_names if c != cls_now]
    target = st.selectbox(tr("调到班级", "Move to class"), options, key=Keys.ADJUST_TARGET, index=None,
                          placeholder=tr("选择目标班级", "Pick a class"), format_func=lambda c: f"{class_names[c]}（{c}）")
    if st.button(tr("调到此班级并重新求解", "Move and re-solve"), key=Keys.ADJUST_MOVE, icon=":material/swap_horiz:",
                 disabled=target is None):
        start_job(Keys.JOB, round_adjust.start_adjust, view.user, view.rid, "move", cadre, target)
