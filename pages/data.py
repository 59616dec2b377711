"""数据管理 / Data: import every file kind with preview and error table, templates, browse, and the
year roll-over (学年换届)."""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from ui.data.browse_tab import render_browse, render_templates
from ui.data.import_tab import render_import
from ui.rollover.section import render_rollover

st.title(tr("数据管理", "Data"))
tab_import, tab_templates, tab_browse, tab_rollover = st.tabs(
    [tr("导入", "Import"), tr("模板下载", "Templates"), tr("查看数据", "Browse"), tr("学年换届", "Year roll-over")])
with tab_import:
    render_import(user)
with tab_templates:
    render_templates(user)
with tab_browse:
    render_browse(user)
with tab_rollover:
    render_rollover(user)
