"""History (记录与重算): the parameters and seed, a re-run that checks the stored result, the round's
revisions (and going back to an earlier one), the audit trail."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common import vocabulary
from services import round_adjust, round_history, round_solve
from ui.feedback import flash, user_errors
from ui.i18n import lang, tr
from ui.labels import label
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView


def _reproduce(view: RoundView) -> None:
    with st.spinner(tr("正在重算……", "Re-running…")):
        rep = round_solve.reproduce(view.user, view.rid)
    if rep.same:
        status = label(vocabulary.SOLVER_STATUSES, rep.status)
        st.success(tr(f"重算结果与保存结果完全一致（{len(view.info.assignment)}对，{status}）。",
                      f"The re-run reproduces the stored result exactly ({len(view.info.assignment)} pairs, {status})."))
        return
    stored, now = label(vocabulary.SOLVER_STATUSES, rep.stored_status), label(vocabulary.SOLVER_STATUSES, rep.status)
    st.error(tr(f"重算结果与保存结果不一致：{len(rep.differences)}处差异（保存：{stored}，重算：{now}）",
                f"The re-run differs: {len(rep.differences)} differences (stored: {stored}, re-run: {now})"))
    st.dataframe(rep.differences, hide_index=True, key="history_diff")


def _note(r) -> str:
    p = r.parameters
    if not p.get("revision"):
        return tr("创建", "created")
    return tr(p.get("revision_note") or "", p.get("revision_note_en") or p.get("revision_note") or "")


def _revisions(view: RoundView) -> None:
    revs = round_adjust.revisions(view.user, view.rid)
    st.markdown("##### " + tr("本轮各版本", "Revisions of this round"))
    st.dataframe(pd.DataFrame({
        tr("版本", "Revision"): [round_adjust.round_label(r) for r in revs],
        tr("状态", "Status"): [label(vocabulary.ROUND_STATUSES, r.status) for r in revs],
        tr("结果", "Result"): [label(vocabulary.ROUND_RESULTS, (r.result or {}).get("status")) or "—" for r in revs],
        tr("配对", "Pairs"): [r.n_assignments for r in revs],
        tr("如何得来", "How it was made"): [_note(r) for r in revs]}),
        hide_index=True, width="stretch", key="history_revisions")
    earlier = [r for r in revs if r.id != view.rid and vocabulary.is_solved((r.result or {}).get("status"))]
    if not (view.editable and earlier):
        return
    labels = {r.id: round_adjust.round_label(r) for r in earlier}
    c1, c2 = st.columns([3, 2])
    pick = c1.selectbox(tr("恢复到较早版本", "Go back to an earlier revision"), list(labels), key=Keys.RESTORE_PICK,
                        format_func=lambda i: labels[i])
    here = round_adjust.round_label(view.info, 1)
    if c2.button(tr(f"恢复为新版本 {here}", f"Restore as {here}"), key=Keys.RESTORE_GO, icon=":material/undo:"):
        with user_errors():
            new_id = round_adjust.restore(view.user, view.rid, pick)
            flash(Keys.FLASH, "success", tr(f"已恢复：{here} 与 {labels[pick]} 相同",
                                            f"Restored: {here} equals {labels[pick]}"), markdown=True)
            goto(Keys.PENDING, **{Keys.PICK: new_id})
            st.rerun()


def render_history(view: RoundView) -> None:
    st.markdown("##### " + tr("参数与种子", "Parameters and seed"))
    params = round_history.params_in_words(view.info.parameters, lang())
    st.dataframe(params.rename(columns={"parameter": tr("参数", "Parameter"), "value": tr("取值", "Value")}),
                 hide_index=True, width="stretch", key="history_params")
    if view.solvable and st.button(tr("用保存的输入、参数和种子重算并核对", "Re-run from stored inputs and check"),
                                   key=Keys.HISTORY_REPRODUCE, icon=":material/replay:"):
        with user_errors():
            _reproduce(view)
    _revisions(view)
    st.markdown("##### " + tr("操作记录（北京时间）", "History (Beijing time)"))
    trail = round_history.history_in_words(view.user, view.rid, lang())
    st.dataframe(trail.rename(columns={"at": tr("时间", "When"), "actor": tr("操作人", "Who"),
                                       "event": tr("操作", "What"), "what": tr("说明", "Details")}),
                 hide_index=True, width="stretch", key="history_audit")
