"""New round (新建轮次): kind, name, parameters and this round's rules, checked before solving."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st

from services import round_lifecycle, round_solve
from services.round_inputs import Issue, canonical_constraints
from services.round_rules import RoundsError
from services.solve_params import default_params
from ui.feedback import show_error
from ui.fit_model.vocab_tab import render_warning_box
from ui.i18n import tr
from ui.jobs import start_job
from ui.page_state import goto
from ui.params import solve_params_widgets
from ui.rounds.loads import load_current, setup_issues, user_key
from ui.rounds.state import Keys
from ui.rules_editor import rules_editor, show_issues

KIND_TEXT = {"initial": ("新一轮（按当前名单全部重新分配）", "New round (all from current rosters)"),
             "topup": ("补充轮（保留现行分配，只补缺口）", "Top-up (keep what is in force, fill gaps)")}


def _topup_facts(facts: dict) -> None:
    left, gone, new = len(facts["cadres_left"]), len(facts["classes_gone"]), len(facts["new_classes"])
    need = max(facts["pairs_needed"], 0)
    st.info(tr(f"现行分配{facts['published_pairs']}对，保留{facts['kept']}对；已离开（或带班数为0）的干部"
               f"{left}名，已撤销的班级{gone}个，新班级{new}个，需新配{need}对。",
               f"In force: {facts['published_pairs']} pairs, {facts['kept']} kept; {left} cadres left, "
               f"{gone} classes gone, {new} new classes, {need} pairs to make."))


def _data_caption(inputs: dict[str, pd.DataFrame]) -> None:
    c, cls = inputs["cadres"], inputs["classes"]
    st.caption(tr(f"当前数据：干部{len(c)}名（可带班{int((c['capacity'] > 0).sum())}名，带班数合计{int(c['capacity'].sum())}），"
                  f"班级{len(cls)}个（重点{int(cls['priority'].sum())}个），"
                  f"意向{len(inputs['preferences'])}条，规则{len(inputs['constraints'])}条。",
                  f"Data: {len(c)} cadres, {len(cls)} classes, {len(inputs['preferences'])} wishes, "
                  f"{len(inputs['constraints'])} rules."))


def checked(edited: pd.DataFrame, inputs: dict[str, pd.DataFrame], params: dict, key: str) -> list[Issue]:
    """The checks before solving of edited rules (a bad row is an error naming it)."""
    try:
        con = canonical_constraints(edited)
        return setup_issues(f"{key}:{pd.util.hash_pandas_object(con.astype(str)).sum()}",
                            inputs | {"constraints": con}, json.dumps(params))
    except RoundsError as exc:
        return [Issue("error", m, m) for m in exc.rules]


def _create(user, name: str, kind: str, params: dict, edited: pd.DataFrame, moves: int) -> None:
    try:
        rid = round_lifecycle.create_round(user, name, kind, params, constraints=edited, moves_allowed=moves)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    goto(Keys.PENDING, **{Keys.PICK: rid, Keys.VIEW: "rounds", Keys.SECTION: "review"})
    start_job(Keys.JOB, round_solve.start_solve, user, rid)


def render_new_round(user, version: str) -> None:
    st.subheader(tr("新建轮次", "New round"))
    in_force = round_lifecycle.in_force_id(user)
    if in_force is not None and Keys.NEW_KIND not in st.session_state:
        st.session_state[Keys.NEW_KIND] = "topup"        # continuity by default while a round is in force
    kind = st.radio(tr("轮次类型", "Round kind"), list(KIND_TEXT), horizontal=True, key=Keys.NEW_KIND,
                    format_func=lambda k: tr(*KIND_TEXT[k]))
    if in_force is not None:
        st.caption(tr("已有现行分配：默认是补充轮——现行配对全部保留，只补缺口；只有值得时才调整（下方可设允许调整的配对数）。"
                      "“新一轮”按当前名单从头分配，会调动许多班主任。",
                      "A round is in force: by default this is a top-up that keeps every pair in force and only "
                      "fills gaps; pairs change only when worth it (set how many may move below). A new round "
                      "re-assigns everyone from the rosters and moves many advisers."))
    default_name = f"{date.today():%Y年%m月}" + ("补充轮" if kind == "topup" else "分配轮次")
    name = st.text_input(tr("轮次名称", "Round name"), value=default_name, key=Keys.NEW_NAME)
    moves, use_previous = 0, True
    if kind == "topup":
        moves = int(st.number_input(tr("允许调整的现行配对数（0 = 现行配对全部保留）", "Pairs in force that may move (0 = keep all)"),
                                    min_value=0, step=1, value=0, key=Keys.NEW_MOVES))
    else:
        use_previous = st.checkbox(tr("参考现行分配（连续性加分、标记调整）", "Use the assignment in force (continuity)"),
                                   value=True, key=Keys.NEW_USE_PREVIOUS)
    inputs, facts = load_current(user, user_key(user), kind, moves, use_previous, version)
    if facts:
        _topup_facts(facts)
    _data_caption(inputs)
    render_warning_box(user)      # expertise / unit / tag words the fit model does not know (warnings only)
    st.markdown("##### " + tr("参数与权重", "Parameters and weights"))
    params = solve_params_widgets(Keys.NEW_PARAMS, default_params()) | {"use_previous": use_previous}
    st.markdown("##### " + tr("规则（仅保存在本轮，不修改主数据；主数据请在“数据管理”页修改）",
                              "Rules (saved with this round only; edit the master rules on the Data page)"))
    edited = rules_editor(Keys.new_rules(kind, moves), inputs["constraints"])
    checked_params = params | {"change_budget": facts["change_budget"]} if facts else params
    blocked = show_issues(checked(edited, inputs, checked_params, f"{kind}:{moves}:{use_previous}:{version}"))
    if inputs["cadres"].empty or inputs["classes"].empty:
        st.warning(tr("还没有干部或班级名单：请先在“数据管理”页导入。",
                      "No cadres or classes yet: import them on the Data page first."))
        blocked = True
    if st.button(tr("创建并求解", "Create and solve"), type="primary", key=Keys.NEW_CREATE, disabled=blocked,
                 icon=":material/play_arrow:"):
        _create(user, name, kind, params, edited, moves)
