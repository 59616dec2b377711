"""An infeasible round's diagnosis, as the user's own rules, each with a link to where it is edited."""
from __future__ import annotations

import streamlit as st

from services.round_rules import DataTarget, ParamTarget, RuleTarget, resolve_rules
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.rounds.state import Keys, RoundView


def edit_target(target: RuleTarget | ParamTarget) -> None:
    """Callback of a diagnosis link: open the round's rule editor at that rule or parameter."""
    st.session_state[Keys.SECTION] = "rules"
    if isinstance(target, RuleTarget):
        st.session_state[Keys.RULE_FOCUS] = target.row
    else:
        st.session_state[Keys.RULE_FOCUS] = None
        st.session_state[Keys.PARAM_FOCUS] = target.name


def _conflict(view: RoundView, k: int, conflict: dict) -> None:
    with st.container(border=True, key=f"diag_{k}"):
        message = conflict["message_zh"] if lang() == "zh" else conflict["message_en"]
        st.markdown(f"**{tr('冲突', 'Conflict')} {k + 1}**：" + md_escape(message))
        for n, rule in enumerate(resolve_rules(view.info, conflict.get("rules") or [])):
            c1, c2 = st.columns([5, 1])
            c1.markdown("- " + md_escape(rule.label(lang())))
            if isinstance(rule.target, DataTarget):
                c2.markdown(f"[{tr('在数据管理页修改', 'Edit on the Data page')}](/data)")
            elif view.editable:
                c2.button(tr("修改", "Edit"), key=f"diag_edit_{k}_{n}", on_click=edit_target, args=(rule.target,),
                          icon=":material/edit:")


def render_diagnosis(view: RoundView) -> None:
    if view.status != "infeasible":
        return
    st.error(tr("按本轮的规则没有可行分配。以下是相互冲突的规则——点击“修改”直接打开该规则：",
                "No assignment satisfies this round's rules. The conflicting rules — click Edit to open each:"),
             icon=":material/report:")
    for k, conflict in enumerate(view.result.get("diagnosis") or []):
        _conflict(view, k, conflict)
