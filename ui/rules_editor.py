"""The rules (constraints) editor shared by the Rounds and Scenarios pages, and the panel that
shows what the checks before solving found."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common import vocabulary
from services.round_rules import family_label, rule_families
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.labels import formatter

TYPE_OPTIONS = list(rule_families())       # every family of matching.families, in its order
LEVEL_OPTIONS = ["", *vocabulary.LEVELS]
EDITOR_HEIGHT = 320


def _columns() -> dict:
    return {
        "rule_no": st.column_config.NumberColumn(tr("序号", "No."), disabled=True, width="small"),
        "type": st.column_config.SelectboxColumn(tr("类型", "Type"), options=TYPE_OPTIONS, required=True,
                                                 format_func=lambda t: family_label(t, lang())),
        "cadre_id": st.column_config.TextColumn(tr("工号", "Cadre id")),
        "class_id": st.column_config.TextColumn(tr("班级编号", "Class id")),
        "college": st.column_config.TextColumn(tr("学院", "College")),
        "level": st.column_config.SelectboxColumn(tr("层级", "Level"), options=LEVEL_OPTIONS,
                                                  format_func=formatter(vocabulary.LEVELS)),
        "min": st.column_config.NumberColumn(tr("下限", "Min"), min_value=0, step=1),
        "max": st.column_config.NumberColumn(tr("上限", "Max"), min_value=0, step=1),
        "reason": st.column_config.TextColumn(tr("原因", "Reason"), width="large"),
    }


def rules_editor(key: str, con: pd.DataFrame, disabled: bool = False, focus: int | None = None) -> pd.DataFrame:
    """Edit a constraints table; returns the edited rows in their original order (new rows last).
    `focus` (0-based row) is shown first — put it in `key`: pending edits are by row position."""
    view = con.copy()
    view.insert(0, "rule_no", range(1, len(view) + 1))
    if focus is not None and 0 <= focus < len(view):
        st.info(tr(f"诊断指向规则第{focus + 1}条（已在表中置顶）", f"The diagnosis points at rule #{focus + 1} (shown first)"))
        view = pd.concat([view.iloc[[focus]], view.drop(index=view.index[focus])])
    edited = st.data_editor(view, key=key, num_rows="fixed" if disabled else "dynamic", disabled=disabled,
                            hide_index=True, column_config=_columns(), width="stretch", height=EDITOR_HEIGHT)
    out = edited.sort_values("rule_no", na_position="last", kind="stable").drop(columns=["rule_no"])
    return out.reset_index(drop=True)


def _bullets(issues) -> str:
    return "\n".join(f"- {md_escape(i.message(lang()))}" for i in issues)


def show_issues(issues) -> bool:
    """Draw the checks before solving; True when solving is blocked by an error."""
    errors = [i for i in issues if i.severity == "error"]
    conflicts = [i for i in issues if i.severity == "conflict"]
    if errors:
        st.error(tr("规则或参数有误，无法求解：", "Rules or parameters are invalid:") + "\n\n" + _bullets(errors))
    if conflicts:
        st.warning(tr("按当前规则将无可行分配（求解后可看到完整诊断）：",
                      "With these rules there will be no feasible assignment (solve to see the diagnosis):")
                   + "\n\n" + _bullets(conflicts))
    if not issues:
        st.success(tr("规则与参数校验通过，未发现明显冲突（是否有可行分配以求解为准）。",
                      "Rules and parameters check out; no obvious conflict (the solve decides feasibility)."),
                   icon=":material/check_circle:")
    return bool(errors)
