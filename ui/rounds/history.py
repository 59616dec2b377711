"""History (记录与重算): the parameters and seed, a re-run that checks the stored result, the audit trail."""
from __future__ import annotations

import streamlit as st

from services import round_lifecycle, round_solve
from ui.feedback import user_errors
from ui.i18n import tr
from ui.rounds.state import Keys, RoundView


def _reproduce(view: RoundView) -> None:
    with st.spinner(tr("正在重算……", "Re-running…")):
        rep = round_solve.reproduce(view.user, view.rid)
    if rep.same:
        st.success(tr(f"重算结果与保存结果完全一致（{len(view.info.assignment)}对，{rep.status}）。",
                      f"The re-run reproduces the stored result exactly ({rep.status})."))
        return
    st.error(tr(f"重算结果与保存结果不一致：{len(rep.differences)}处差异（保存：{rep.stored_status}，重算：{rep.status}）",
                f"The re-run differs: {len(rep.differences)} differences"))
    st.dataframe(rep.differences, hide_index=True, key="history_diff")


def render_history(view: RoundView) -> None:
    st.markdown("##### " + tr("参数与种子", "Parameters and seed"))
    st.json(view.info.parameters, expanded=False)
    if view.solvable and st.button(tr("用保存的输入、参数和种子重算并核对", "Re-run from stored inputs and check"),
                                   key=Keys.HISTORY_REPRODUCE, icon=":material/replay:"):
        with user_errors():
            _reproduce(view)
    st.markdown("##### " + tr("审计记录", "Audit trail"))
    trail = round_lifecycle.audit_trail(view.user, view.rid)
    st.dataframe(trail[["at", "actor", "action"]], hide_index=True, width="stretch", key="history_audit")
