"""History (记录与重算): the parameters and seed, a re-run that checks the stored result, the audit trail."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from services import round_history, round_solve
from ui.feedback import user_errors
from ui.i18n import lang, tr
from ui.labels import label
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


def render_history(view: RoundView) -> None:
    st.markdown("##### " + tr("参数与种子", "Parameters and seed"))
    params = round_history.params_in_words(view.info.parameters, lang())
    st.dataframe(params.rename(columns={"parameter": tr("参数", "Parameter"), "value": tr("取值", "Value")}),
                 hide_index=True, width="stretch", key="history_params")
    if view.solvable and st.button(tr("用保存的输入、参数和种子重算并核对", "Re-run from stored inputs and check"),
                                   key=Keys.HISTORY_REPRODUCE, icon=":material/replay:"):
        with user_errors():
            _reproduce(view)
    st.markdown("##### " + tr("操作记录（北京时间）", "History (Beijing time)"))
    trail = round_history.history_in_words(view.user, view.rid, lang())
    st.dataframe(trail.rename(columns={"at": tr("时间", "When"), "actor": tr("操作人", "Who"),
                                       "event": tr("操作", "What"), "what": tr("说明", "Details")}),
                 hide_index=True, width="stretch", key="history_audit")
