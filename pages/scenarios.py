"""情景推演 / Scenarios: what-if copies of the inputs, solved and compared; never the published result.
Each tab is drawn by its own module in ui/scenarios/; session keys are ui.scenarios.state.Keys."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("planner", "admin")

# Imported after the guard: nothing loads before login.
from services import scenarios
from ui.feedback import show_flash
from ui.jobs import job_panel
from ui.page_state import apply_pending
from ui.scenarios.compare import render_compare
from ui.scenarios.curve import render_curve, render_live_curve
from ui.scenarios.edits import render_edits
from ui.scenarios.listing import render_listing, render_new_scenario, render_picker
from ui.scenarios.outcome import handle_finished_job
from ui.scenarios.result import render_actions, render_result
from ui.scenarios.state import Keys, ScenarioPage
from ui.scenarios.sweep import render_sweep

st.title(tr("情景推演", "Scenarios"))
st.caption(tr("情景是当前数据（或另一情景）的副本加上修改。求解、对比、推演都只在情景中进行，"
              "绝不改动已发布的分配或任何轮次；只有组织部管理员可把情景转为草稿轮次，再在“分配轮次”页审核发布。",
              "A scenario is a copy of the current data (or of another scenario) plus edits. Solving, comparing "
              "and sweeping happen only inside scenarios and never change the published assignment or any round; "
              "only an admin can turn a scenario into a draft round, reviewed and published on the Rounds page."))
apply_pending(Keys.PENDING)
handle_finished_job()
show_flash(Keys.FLASH)
job_panel(Keys.JOB, Keys.CANCEL, partial=render_live_curve)  # a curve streams its points

page = ScenarioPage(user, scenarios.list_scenarios(user), scenarios.store_version())
tab_list, tab_compare, tab_sweep, tab_curve = st.tabs(
    [tr("情景", "Scenarios"), tr("对比", "Compare"), tr("容量推演", "Capacity sweep"), tr("权衡曲线", "Trade-offs")],
    key=Keys.TABS, on_change="rerun")  # tracked, so a rerun (a job finishing) keeps the open tab

opened = None
with tab_list:
    render_new_scenario(page)
    if not page.scenarios:
        st.info(tr("还没有情景。新建一个开始推演。", "No scenarios yet. Create one to begin."))
    else:
        render_listing(page)
        opened = render_picker(page)
        render_edits(user, opened)
        render_actions(user, opened)
        render_result(page, opened)
with tab_compare:
    render_compare(page)
with tab_sweep:
    render_sweep(user, opened)
with tab_curve:
    render_curve(user, opened)
