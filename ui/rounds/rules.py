"""Rules and parameters (规则与参数) of the round picked: read-only, or for an admin's draft edited
and saved as a new revision, then solved."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from services import round_lifecycle
from services.round_inputs import empty_constraints
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.jobs import start_job
from ui.page_state import goto
from ui.params import solve_params_widgets
from ui.rounds.new_round import checked
from ui.rounds.state import Keys, RoundView
from ui.rules_editor import rules_editor, show_issues


def _param_focus() -> None:
    name = st.session_state.get(Keys.PARAM_FOCUS)
    if name:
        st.info(tr("诊断指向参数：", "The diagnosis points at the parameter ")
                + md_escape(vocabulary.label(vocabulary.ROUND_RULES, name, lang())))


def render_rules(view: RoundView) -> None:
    if not view.solvable:
        st.info(tr("该轮次为手工导入，没有求解参数。", "Imported round: no solver parameters."))
        return
    editable = view.editable
    if not editable:
        st.caption(tr("只读：只有草稿可以修改（管理员）。", "Read-only: only a draft can be edited (admin)."))
    _param_focus()
    params = solve_params_widgets(Keys.edit_params(view.rid), view.info.parameters, disabled=not editable)
    st.markdown("##### " + tr("本轮规则（修改只保存在本轮的新版本中，不改动主数据）",
                              "This round's rules (saved in a new revision of the round; master data unchanged)"))
    focus = st.session_state.get(Keys.RULE_FOCUS)
    con = view.info.inputs.get("constraints")
    con = empty_constraints() if con is None else con
    edited = rules_editor(Keys.edit_rules(view.rid, focus), con, disabled=not editable, focus=focus)
    if not editable:
        return
    blocked = show_issues(checked(edited, view.info.inputs, params, f"round:{view.rid}"))
    if st.button(tr("保存为新版本并重新求解", "Save as a new revision and solve"), type="primary",
                 key=Keys.RULES_SAVE, disabled=blocked, icon=":material/save:"):
        goto(Keys.PENDING, **{Keys.RULE_FOCUS: None, Keys.PARAM_FOCUS: None, Keys.SECTION: "review"})
        start_job(Keys.JOB, round_lifecycle.start_revision_solve, view.user, view.rid, edited, params)
