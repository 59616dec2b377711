"""The Templates and Browse tabs."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import streamlit as st

import importer
from common import vocabulary
from common.errors import YixianError
from services import kind_display, uploads
from ui.data.import_tab import kind_label
from ui.data.state import Keys
from ui.downloads import file_name, table_download
from ui.feedback import md_escape, show_error
from ui.i18n import lang, tr
from ui.tables import display_frame

if TYPE_CHECKING:
    from store.auth import UserInfo


def _words(kind: str, lang: str) -> str:
    return vocabulary.label(vocabulary.DATA_KINDS, kind, lang)


def render_templates(user: UserInfo) -> None:
    st.caption(tr("模板使用中文表头，附一行示例，并在“说明”工作表中解释每一列。",
                  "Templates use Chinese headers with one example row; a notes sheet explains each column."))
    cols = st.columns(3)
    for i, kind in enumerate(uploads.IMPORTABLE_KINDS):
        data, filename, mime = uploads.template(user, kind)
        name = file_name(f"{_words(kind, 'zh')}模板", f"{_words(kind, 'en')} template", ext=filename.rsplit(".", 1)[-1])
        cols[i % 3].download_button(kind_label(kind), data=data, file_name=name, mime=mime,
                                    icon=":material/download:", key=f"{Keys.TEMPLATE_PREFIX}{kind}", width="stretch")


def render_browse(user: UserInfo) -> None:
    kind = st.selectbox(tr("数据类型", "Kind"), uploads.BROWSABLE_KINDS, format_func=kind_label, key=Keys.BROWSE_KIND)
    frame = uploads.load_for_browse(user, kind)
    query = st.text_input(tr("搜索（任意列包含）", "Search (any column contains)"), key=Keys.SEARCH).strip()
    if query and not frame.empty:
        mask = frame.astype(str).apply(lambda col: col.str.contains(query, case=False, regex=False)).any(axis=1)
        frame = frame[mask]
    st.caption(tr(f"共 {len(frame)} 行", f"{len(frame)} row(s)"))
    shown = kind_display.display(display_frame(frame), kind, lang())
    st.dataframe(shown, hide_index=True, width="stretch")
    if len(shown):
        table_download(user, shown, kind=kind, key=Keys.BROWSE_DOWNLOAD, file_name=file_name(_words(kind, "zh"), _words(kind, "en")),
                       sheet=kind_label(kind))
    if kind in uploads.ONE_ROW_KINDS and user.role == "admin":
        render_one_row(user, kind, uploads.load_for_browse(user, kind))


def _cell(v) -> str:
    if isinstance(v, (list, tuple)):
        return ";".join(map(str, v))
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def render_one_row(user: UserInfo, kind: str, frame) -> None:
    """Add or edit one cadre or class without re-uploading the roster (checked as a file row)."""
    key = "cadre_id" if kind == "cadres" else "class_id"
    with st.expander(tr("新增或修改一条（无需重新导入整个名单）", "Add or edit one row (no roster upload)")):
        ids = [""] + list(frame[key])
        pick = st.selectbox(tr("选择要修改的一条，或留空新增", "Pick a row to edit, or leave empty to add"), ids,
                            key=Keys.ONE_PICK + kind, format_func=lambda i: i or tr("（新增）", "(new)"))
        row = frame.set_index(key).loc[pick].to_dict() | {key: pick} if pick else {}
        heads = kind_display.headers(kind, lang())
        record = {c.id: st.text_input(heads.get(c.id, c.id), value=_cell(row.get(c.id)),
                                      key=f"{Keys.ONE_FIELD}{kind}_{pick}_{c.id}")
                  for c in importer.SCHEMAS[kind].columns}
        if st.button(tr("保存这一条", "Save this row"), key=Keys.ONE_SAVE + kind, icon=":material/save:"):
            try:
                summary = uploads.save_one(user, kind, record, lang())
            except YixianError as exc:
                show_error(exc)
            else:
                st.success(md_escape(tr(f"已保存：{summary}", f"Saved: {summary}")))
