"""Saved versions of the fit model (newest first)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from services import fit_model
from ui.i18n import tr

if TYPE_CHECKING:
    from store.auth import UserInfo


def render_history(user: UserInfo) -> None:
    hist = fit_model.history(user)
    if hist.empty:
        st.caption(tr("尚未保存过版本，使用默认配置。", "No version saved yet: the defaults are in force."))
        return
    st.dataframe(hist.rename(columns={"version": tr("版本", "Version"), "note": tr("说明", "Note"),
                                      "created_by": tr("保存人", "By"), "created_at": tr("时间", "At")}),
                 hide_index=True, width="stretch")
