"""The Templates and Browse tabs."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from services import uploads
from ui.data.import_tab import kind_label
from ui.data.state import Keys
from ui.i18n import tr
from ui.tables import display_frame

if TYPE_CHECKING:
    from store.auth import UserInfo


def render_templates(user: UserInfo) -> None:
    st.caption(tr("模板使用中文表头，附一行示例，并在“说明”工作表中解释每一列。",
                  "Templates use Chinese headers with one example row; the 说明 sheet explains each column."))
    cols = st.columns(3)
    for i, kind in enumerate(uploads.IMPORTABLE_KINDS):
        data, filename, mime = uploads.template(user, kind)
        cols[i % 3].download_button(kind_label(kind), data=data, file_name=filename, mime=mime,
                                    icon=":material/download:", key=f"{Keys.TEMPLATE_PREFIX}{kind}", width="stretch")


def render_browse(user: UserInfo) -> None:
    kind = st.selectbox(tr("数据类型", "Kind"), uploads.BROWSABLE_KINDS, format_func=kind_label, key=Keys.BROWSE_KIND)
    frame = uploads.load_for_browse(user, kind)
    query = st.text_input(tr("搜索（任意列包含）", "Search (any column contains)"), key=Keys.SEARCH).strip()
    if query and not frame.empty:
        mask = frame.astype(str).apply(lambda col: col.str.contains(query, case=False, regex=False)).any(axis=1)
        frame = frame[mask]
    st.caption(tr(f"共 {len(frame)} 行", f"{len(frame)} row(s)"))
    st.dataframe(display_frame(frame), hide_index=True, width="stretch")
