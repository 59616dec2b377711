"""The opened scenario's edits: people and classes, rules, solve parameters (owner or admin)."""
from __future__ import annotations

from typing import Any

import streamlit as st

from common import vocabulary
from services import scenario_edits, scenarios
from ui.feedback import flash, show_error
from ui.i18n import lang, tr
from ui.labels import formatter
from ui.params import solve_params_widgets
from ui.rules_editor import rules_editor
from ui.scenarios.state import Keys
from ui.tables import problems_frame

LEVELS = list(vocabulary.LEVELS)
DEPUTY = LEVELS.index("deputy")


def apply(user, sc, edit: dict[str, Any], done_zh: str, done_en: str) -> None:
    """Save one edit of the opened scenario; refusals shown."""
    try:
        scenarios.add_edit(user, sc.id, edit)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    flash(Keys.FLASH, "success", tr(done_zh, done_en))
    st.rerun()


def _cadres(user, sc) -> None:
    cad = sc.frames["cadres"]
    st.markdown(tr("**新增假设干部**（如：再增加若干名中层副职）", "**Add hypothetical cadres**"))
    c1, c2, c3, c4 = st.columns([1, 1.3, 2.5, 1])
    n = c1.number_input(tr("人数", "Count"), min_value=1, max_value=500, value=5, key=Keys.H_COUNT)
    level = c2.selectbox(tr("层级", "Level"), LEVELS, index=DEPUTY, format_func=formatter(vocabulary.LEVELS),
                         key=Keys.H_LEVEL)
    known = sorted({t for ts in cad["expertise"] for t in ts} | set(scenarios.make_config(None).affinity))
    expertise = c3.multiselect(tr("专长", "Expertise"), known, key=Keys.H_EXPERTISE)
    cap = c4.number_input(tr("带班数", "Capacity"), min_value=0, max_value=10, value=1, key=Keys.H_CAP)
    if st.button(tr("添加假设干部", "Add hypothetical cadres"), key=Keys.ADD_HYPO):
        apply(user, sc, {"op": "add_hypothetical", "count": int(n), "level": level, "expertise": expertise,
                         "capacity": int(cap)}, f"已添加 {n} 名假设干部。", f"{n} hypothetical cadre(s) added.")
    st.divider()
    st.markdown(tr("**按层级设置带班数**（如：中层副职全部带 1 个班）", "**Capacity by level**"))
    c1, c2, c3 = st.columns([1.3, 1, 2])
    level = c1.selectbox(tr("层级", "Level"), LEVELS, index=DEPUTY, format_func=formatter(vocabulary.LEVELS),
                         key=Keys.CAP_LEVEL)
    cap = c2.number_input(tr("带班数", "Capacity"), min_value=0, max_value=10, value=1, key=Keys.CAP_VALUE)
    if c3.button(tr("设置带班数", "Set capacity"), key=Keys.SET_CAP):
        apply(user, sc, {"op": "set_capacity", "level": level, "capacity": int(cap)}, "带班数已更新。", "Capacity updated.")
    st.divider()
    names = dict(zip(cad["cadre_id"], cad["name"], strict=True))
    rm = st.multiselect(tr("移除干部", "Remove cadres"), list(cad["cadre_id"]), key=Keys.RM_CADRES,
                        format_func=lambda c: f"{names.get(c, '')}（{c}）")
    if st.button(tr("移除所选干部", "Remove selected cadres"), key=Keys.RM_CADRES_BTN, disabled=not rm):
        apply(user, sc, {"op": "remove_cadres", "cadre_ids": rm}, f"已移除 {len(rm)} 名干部（及其意向与规则）。",
              f"{len(rm)} cadre(s) removed (with their wishes and rules).")


def _classes_file(user, sc) -> None:
    st.markdown(tr("**新增班级**（如：下一年的新生班，按“班级名单”模板）",
                   "**Add classes** (e.g. next year's freshman classes, classes template)"))
    up = st.file_uploader(tr("班级文件（xlsx / csv）", "Classes file (xlsx / csv)"), type=["xlsx", "csv"],
                          key=Keys.CLASSES_FILE)
    if up is None:
        return
    edit, problems = scenario_edits.read_classes_file(up.getvalue(), up.name)
    if problems:
        st.error(tr(f"文件有 {len(problems)} 个问题，未添加任何班级。", f"{len(problems)} problem(s) in the file; nothing was added."))
        st.dataframe(problems_frame(problems, lang()), hide_index=True, width="stretch")
    elif st.button(tr(f"添加文件中的 {len(edit['rows'])} 个班级", f"Add {len(edit['rows'])} classes"), key=Keys.ADD_CLASSES):
        apply(user, sc, edit, f"已添加 {len(edit['rows'])} 个班级。", f"{len(edit['rows'])} class(es) added.")


def _classes(user, sc) -> None:
    cls = sc.frames["classes"]
    _classes_file(user, sc)
    names = dict(zip(cls["class_id"], cls["name"], strict=True))
    rm = st.multiselect(tr("移除班级", "Remove classes"), list(cls["class_id"]), key=Keys.RM_CLASSES,
                        format_func=lambda k: f"{names.get(k, '')}（{k}）")
    if st.button(tr("移除所选班级", "Remove selected classes"), key=Keys.RM_CLASSES_BTN, disabled=not rm):
        apply(user, sc, {"op": "remove_classes", "class_ids": rm}, f"已移除 {len(rm)} 个班级（及相关意向与规则）。",
              f"{len(rm)} class(es) removed (with the wishes and rules naming them).")
    c1, c2 = st.columns([1, 2])
    grades = sorted({int(g) for g in cls["grade"]})
    grade = c1.selectbox(tr("移除整个年级", "Remove a whole grade"), [None, *grades], key=Keys.RM_GRADE,
                         format_func=lambda g: tr("（不移除）", "(none)") if g is None else f"{g}级")
    if c2.button(tr("移除该年级全部班级", "Remove the grade's classes"), key=Keys.RM_GRADE_BTN, disabled=grade is None):
        apply(user, sc, {"op": "remove_classes", "grade": int(grade)}, f"已移除 {grade} 级班级。", f"Grade {grade} removed.")


def _rules(user, sc) -> None:
    edited = rules_editor(Keys.rules(sc.id, len(sc.edits)), sc.frames["constraints"])
    if st.button(tr("保存规则", "Save rules"), key=Keys.SAVE_RULES):
        try:
            edit = scenario_edits.set_constraints_edit(edited)
        except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
            show_error(exc)
            return
        apply(user, sc, edit, "规则已保存。", "Rules saved.")


def _params(user, sc) -> None:
    p = solve_params_widgets(Keys.PARAMS, sc.params, fairness=True)
    if st.button(tr("保存参数", "Save parameters"), key=Keys.SAVE_PARAMS):
        try:
            scenarios.set_params(user, sc.id, p)
        except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
            show_error(exc)
            return
        flash(Keys.FLASH, "success", tr("参数已保存。", "Parameters saved."))
        st.rerun()


def render_edits(user, sc) -> None:
    if not scenarios.may_edit(user, sc):
        st.caption(tr("只有创建人或管理员可以修改、求解或删除此情景；可以复制后修改。",
                      "Only the owner or an admin can edit, solve or delete this scenario; copy it to make changes."))
        return
    with st.expander(tr("修改人员与班级", "Edit people and classes")):
        _cadres(user, sc)
        st.divider()
        _classes(user, sc)
    with st.expander(tr("规则（约束）", "Rules (constraints)")):
        _rules(user, sc)
    with st.expander(tr("求解参数与权重", "Solve parameters and weights")):
        _params(user, sc)
