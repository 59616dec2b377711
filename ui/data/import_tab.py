"""The Import tab: choose a kind, upload, see every problem or a preview, then import."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from common.errors import YixianError
from services import kind_display, uploads
from ui.data.state import Keys
from ui.feedback import md_escape, show_error
from ui.fit_model.vocab_tab import render_warning_box
from ui.i18n import lang, tr
from ui.tables import display_frame, problems_frame

if TYPE_CHECKING:
    from store.auth import UserInfo


def kind_label(kind: str) -> str:
    return vocabulary.label(vocabulary.DATA_KINDS, kind, lang())


def _parsed(user: UserInfo, kind: str, upload) -> uploads.ParseResult:
    """The upload parsed once per file content (kept in the session across reruns)."""
    raw = upload.getvalue()
    token = f"{kind}:{upload.name}:{hashlib.sha1(raw).hexdigest()}"
    parsed = st.session_state.get(Keys.PARSED)
    if parsed is None or parsed["token"] != token:
        with st.status(tr("正在读取并校验文件……", "Reading and checking the file…"), expanded=False) as status:
            result = uploads.parse_upload(user, kind, raw, upload.name)
            status.update(label=tr("校验完成", "Checked"), state="complete")
        parsed = st.session_state[Keys.PARSED] = {"token": token, "result": result}
    return parsed["result"]


def _change(user: UserInfo, kind: str, result: uploads.ParseResult, would: bool = False) -> None:
    change = uploads.change_summary(user, kind, result)
    if change is not None:
        head = tr("此文件若导入将：", "This file would: ") if would else tr("导入将：", "This import: ")
        text = md_escape(head + change.text(lang()))
        (st.warning if change.removed else st.info)(text, icon=":material/difference:")


def _confirm(user: UserInfo, kind: str, result: uploads.ParseResult) -> None:
    st.success(tr(f"校验通过：{result.rows} 行。请确认预览后导入。",
                  f"Valid: {result.rows} row(s). Check the preview, then import."))
    st.dataframe(kind_display.display(display_frame(result.preview), kind, lang()), hide_index=True, width="stretch")
    _change(user, kind, result)
    if st.button(tr("确认导入", "Import"), type="primary", key=Keys.CONFIRM):
        try:
            summary = uploads.commit_upload(user, kind, result, lang=lang())
        except YixianError as exc:
            show_error(exc)
        else:
            st.session_state.pop(Keys.PARSED, None)
            st.success(md_escape(tr(f"已导入：{summary}", f"Imported: {summary}")))
            # words the fit model does not know: a warning
            if kind in ("cadres", "classes") and render_warning_box(user):
                st.caption(tr("可在“匹配模型”页一键对应。", "Map them in one click on the Fit model page."))


def render_import(user: UserInfo) -> None:
    kind = st.selectbox(tr("文件类型", "File kind"), uploads.IMPORTABLE_KINDS, format_func=kind_label,
                        key=Keys.IMPORT_KIND)
    if kind == "ledger":
        st.caption(tr("台账按编号更新：重复导入同一编号只更新，不会重复。",
                      "Ledger rows are matched by id: re-importing an id updates it, never duplicates."))
    else:
        st.caption(tr("导入将整体替换该类数据；任何一行有误则不写入任何数据。",
                      "An import replaces this kind as a whole; one bad row and nothing is written."))
    mb = kind_display.upload_mb(kind)
    upload = st.file_uploader(tr(f"选择文件（xlsx / csv / toml，不超过 {mb} MB）",
                                 f"Choose a file (xlsx / csv / toml, up to {mb} MB)"),
                              type=["xlsx", "csv", "toml"], key=Keys.upload(kind), max_upload_size=mb,
                              help=tr("把文件拖到框内，或点击框内按钮（Browse files）选择文件。",
                                      "Drag the file onto the box, or use its Browse files button."))
    if upload is None:
        return
    result = _parsed(user, kind, upload)
    if result.problems:
        st.error(tr(f"发现 {len(result.problems)} 个问题，未写入任何数据。请修改后重新上传。",
                    f"{len(result.problems)} problem(s) found; nothing was written. Fix them and upload again."))
        st.dataframe(problems_frame(result.problems, lang()), hide_index=True, width="stretch")
        if result.frame is not None:        # rows read, references refused: what the file would do
            _change(user, kind, result, would=True)
    else:
        _confirm(user, kind, result)
