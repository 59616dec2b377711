"""Adjust (调整): lock, forbid, move or swap one cadre of a solved draft. Each adjustment is previewed
first — every pair that would change, with its fit before and after — and saved as a new revision
only when the user confirms."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import round_adjust
from ui.feedback import flash, md_escape, show_error, user_errors
from ui.i18n import tr
from ui.jobs import start_job
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView
from ui.tables import table_height


def changes_frame(plan: round_adjust.Plan) -> pd.DataFrame:
    """The pairs a plan changes, in the page's language."""
    c = plan.changes

    def cls(name, cid):
        return f"{name}（{cid}）" if cid else tr("（无）", "(none)")
    return pd.DataFrame({
        tr("工号", "Cadre id"): c["cadre_id"], tr("姓名", "Name"): c["name"],
        tr("原班级", "From class"): [cls(n, i) for n, i in zip(c["from_class"], c["from_id"])],
        tr("新班级", "To class"): [cls(n, i) for n, i in zip(c["to_class"], c["to_id"])],
        tr("原匹配度", "Fit before"): c["fit_before"], tr("新匹配度", "Fit after"): c["fit_after"],
        tr("代价", "Cost"): c["cost"]})


def _note(plan) -> str:
    return tr(plan.note_zh, plan.note_en)


def _render_plan(view: RoundView, plan: round_adjust.Plan) -> None:
    st.markdown("##### " + tr(f"预览：{plan.round_label} 的调整", f"Preview: adjusting {plan.round_label}"))
    st.text(_note(plan))
    how = (tr("直接对调，无需重新求解：已按每条规则核对，保存为手工调整的结果。",
              "A direct swap, no solve: checked against every rule and saved as a hand-made result.")
           if not plan.solved else
           tr("先使与当前版本相比变动的配对最少，再使匹配度最高。",
              "Fewest pairs changed against the current revision first, then the best fit."))
    st.caption(how)
    c1, c2 = st.columns(2)
    c1.metric(tr("变动的干部", "Cadres changing"), plan.moved)
    c2.metric(tr("总代价（匹配度减少）", "Total cost (fit lost)"), f"{plan.total_cost:g}")
    if len(plan.changes):
        st.dataframe(changes_frame(plan), hide_index=True, width="stretch", key="adjust_preview",
                     height=table_height(len(plan.changes), 420))
    else:
        st.info(tr("没有配对会变动（只增加规则）。", "No pair changes (only the rule is added)."))
    b1, b2 = st.columns(2)
    if b1.button(tr("确认并保存为新版本", "Confirm and save as a new revision"), key=Keys.ADJUST_CONFIRM,
                 type="primary", icon=":material/check:"):
        with user_errors():
            new_id = round_adjust.apply(view.user, plan)
            st.session_state.pop(Keys.ADJUST_PLAN, None)
            note = md_escape(tr(plan.note_zh, plan.note_en))
            flash(Keys.FLASH, "success", tr(f"已保存为 {plan.new_label}：{note}", f"Saved as {plan.new_label}: {note}"),
                  markdown=True)
            goto(Keys.PENDING, **{Keys.PICK: new_id})
            st.rerun()
    if b2.button(tr("放弃此调整", "Drop this adjustment"), key=Keys.ADJUST_DROP, icon=":material/close:"):
        st.session_state.pop(Keys.ADJUST_PLAN, None)
        st.rerun()


def _swap(view: RoundView, cadre: str, other: str) -> None:
    try:
        plan = round_adjust.preview_swap(view.user, view.rid, cadre, other)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    st.session_state[Keys.ADJUST_PLAN] = plan
    st.rerun()


def render_adjust(view: RoundView) -> None:
    if not view.is_draft:
        st.info(tr("只能调整草稿轮次。已发布或已归档的轮次保持不变。", "Only a draft round can be adjusted."))
        return
    if not view.has_result:
        st.info(tr("请先求解本轮。", "Solve the round first."))
        return
    plan = st.session_state.get(Keys.ADJUST_PLAN)
    if plan is not None and plan.round_id == view.rid:
        _render_plan(view, plan)
        return
    st.caption(tr("锁定、回避、调动或对调：先预览会变动的每个配对及代价，确认后才保存为本轮的新版本。"
                  "调动只改动必须改动的配对；违反规则的调整会被拒绝并说明违反了哪条规则。",
                  "Lock, forbid, move or swap: first a preview of every pair that would change and its cost; "
                  "confirm to save it as a new revision. A move changes only the pairs it must; one that breaks "
                  "a rule is refused, naming the rule."))
    a = view.info.assignment
    names = dict(zip(a["cadre_id"], a["name"]))
    current = a.groupby("cadre_id")["class_id"].first().to_dict()
    class_names = view.class_names()
    locked = set(a.loc[a["locked"], "cadre_id"])
    # unlocked cadres first: they are the ones an adjustment is usually about
    order = sorted(names, key=lambda c: (c in locked, c))

    def who(c):
        return (f"{names[c]}（{c}）→ {class_names.get(current[c], current[c])}"
                + (tr("（已锁定）", " (locked)") if c in locked else ""))
    cadre = st.selectbox(tr("干部", "Cadre"), order, key=Keys.ADJUST_CADRE, format_func=who)
    cls_now = current[cadre]
    c1, c2 = st.columns(2)
    if c1.button(tr("锁定当前配对", "Lock this pair"), key=Keys.ADJUST_LOCK, icon=":material/lock:"):
        start_job(Keys.JOB, round_adjust.start_preview, view.user, view.rid, "lock", cadre, cls_now)
    if c2.button(tr("回避当前配对（禁止并重新分配）", "Forbid this pair"), key=Keys.ADJUST_FORBID, icon=":material/block:"):
        start_job(Keys.JOB, round_adjust.start_preview, view.user, view.rid, "forbid", cadre, cls_now)
    options = [c for c in class_names if c != cls_now]
    target = st.selectbox(tr("调到班级", "Move to class"), options, key=Keys.ADJUST_TARGET, index=None,
                          placeholder=tr("选择目标班级", "Pick a class"), format_func=lambda c: f"{class_names[c]}（{c}）")
    if st.button(tr("预览调动", "Preview the move"), key=Keys.ADJUST_MOVE, icon=":material/swap_horiz:",
                 disabled=target is None):
        start_job(Keys.JOB, round_adjust.start_preview, view.user, view.rid, "move", cadre, target)
    others = [c for c in order if c != cadre]
    other = st.selectbox(tr("与此干部对调班级", "Swap classes with"), others, key=Keys.ADJUST_SWAP_WITH, index=None,
                         placeholder=tr("选择另一名干部", "Pick another cadre"), format_func=who)
    if st.button(tr("预览对调（无需重新求解）", "Preview the swap (no solve)"), key=Keys.ADJUST_SWAP,
                 icon=":material/sync_alt:", disabled=other is None):
        _swap(view, cadre, other)
