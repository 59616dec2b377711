"""分配轮次 / Rounds: create (new or top-up), rules and weights, solve with progress and cancel,
review, adjust, diagnose, publish, export. Admin does everything; planner may only view.
Each section is drawn by its own module in ui/rounds/; session keys are ui.rounds.state.Keys."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin", "planner")

# Imported after the guard: nothing loads before login.
from services.round_lifecycle import store_version
from ui.feedback import show_flash
from ui.jobs import job_panel
from ui.page_state import apply_pending
from ui.rounds import adjust, diff, history, publish, review, roundtrip, rules
from ui.rounds.diagnosis import render_diagnosis
from ui.rounds.listing import render_round_picker, render_summary
from ui.rounds.loads import load_round, load_rounds, user_key
from ui.rounds.new_round import render_new_round
from ui.rounds.outcome import handle_finished_job
from ui.rounds.state import ADMIN_ONLY_SECTIONS, SECTIONS, Keys, RoundView

RENDER = {"review": review.render_review, "adjust": adjust.render_adjust, "rules": rules.render_rules,
          "diff": diff.render_diff, "publish": publish.render_publish, "history": history.render_history,
          "roundtrip": roundtrip.render_roundtrip}
CAN_EDIT = user.role == "admin"

st.title(tr("分配轮次", "Assignment rounds"))
if not CAN_EDIT:
    st.info(tr("您是规划人员：可查看轮次与结果，不能创建、调整或发布。",
               "Planner: you can view rounds and results, not create, adjust or publish."), icon=":material/visibility:")

apply_pending(Keys.PENDING)
handle_finished_job()
show_flash(Keys.FLASH)
if st.session_state.get(Keys.JOB) is not None:
    job_panel(Keys.JOB, Keys.CANCEL, "取消求解")

version = store_version()
views = ["rounds", "new"] if CAN_EDIT else ["rounds"]
view_name = st.radio(tr("视图", "View"), views, horizontal=True, key=Keys.VIEW, label_visibility="collapsed",
                     format_func=lambda v: tr("轮次与结果", "Rounds and results") if v == "rounds" else tr("新建轮次", "New round"))
if view_name == "new":
    render_new_round(user, version)
    st.stop()

rounds = load_rounds(user, user_key(user), version)
rid = render_round_picker(rounds)
if rid is None:
    st.stop()
view = RoundView(user, load_round(user, user_key(user), rid, version), rounds, version)
render_summary(view)
render_diagnosis(view)

sections = [s for s in SECTIONS if CAN_EDIT or s not in ADMIN_ONLY_SECTIONS]
if st.session_state.get(Keys.SECTION) not in sections:
    st.session_state[Keys.SECTION] = "rules" if view.status == "infeasible" else "review"
section = st.radio(tr("内容", "Section"), sections, horizontal=True, key=Keys.SECTION, label_visibility="collapsed",
                   format_func=lambda s: tr(*SECTIONS[s]))
RENDER[section](view)
