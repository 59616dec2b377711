"""人岗相宜 / Fit model (admin): the school's affinity tables, weights and preference values (versioned),
vocabulary warnings with one-click mapping, the cadre × class view with bulk lock/forbid, history."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from services import fit_model
from ui.feedback import show_flash, user_errors
from ui.fit_model.grid_tab import render_grid
from ui.fit_model.history_tab import render_history
from ui.fit_model.model_tab import render_model
from ui.fit_model.state import Keys
from ui.fit_model.vocab_tab import render_vocab

st.title(tr("人岗相宜：匹配模型", "Fit model"))
show_flash(Keys.FLASH)
tab_model, tab_vocab, tab_grid, tab_hist = st.tabs(
    [tr("模型", "Model"), tr("词汇检查", "Vocabulary"), tr("干部 × 班级", "Cadre × class"), tr("版本", "Versions")])
with tab_model, user_errors():
    render_model(user)
with tab_vocab, user_errors():
    render_vocab(user, fit_model.known(user))
with tab_grid, user_errors():
    render_grid(user)
with tab_hist, user_errors():
    render_history(user)
