"""数据管理 / Data: import every file kind with preview and error table, templates, browse."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("admin")

# Imported after the guard: nothing loads before login.
from services import uploads as data_service
from ui.tables import display_frame, problems_frame


def kind_label(kind: str) -> str:
    zh, en = data_service.KIND_LABELS.get(kind, (kind, kind))
    return f"{tr(zh, en)} ({kind})"


st.title(tr("数据管理", "Data"))
tab_import, tab_templates, tab_browse = st.tabs(
    [tr("导入", "Import"), tr("模板下载", "Templates"), tr("查看数据", "Browse")])

with tab_import:
    kind = st.selectbox(tr("文件类型", "File kind"), data_service.IMPORTABLE_KINDS,
                        format_func=kind_label, key="data_import_kind")
    if kind == "ledger":
        st.caption(tr("台账按编号更新：重复导入同一编号只更新，不会重复。",
                      "Ledger rows are matched by id: re-importing an id updates it, never duplicates."))
    else:
        st.caption(tr("导入将整体替换该类数据；任何一行有误则不写入任何数据。",
                      "An import replaces this kind as a whole; one bad row and nothing is written."))
    upload = st.file_uploader(tr("选择文件（xlsx / csv / toml）", "Choose a file (xlsx / csv / toml)"),
                              type=["xlsx", "csv", "toml"], key=f"data_upload_{kind}")
    if upload is not None:
        raw = upload.getvalue()
        token = f"{kind}:{upload.name}:{hashlib.sha1(raw).hexdigest()}"
        parsed = st.session_state.get("data_parsed")
        if parsed is None or parsed["token"] != token:
            with st.status(tr("正在读取并校验文件……", "Reading and checking the file…"), expanded=False) as status:
                result = data_service.parse_upload(kind, raw, upload.name)
                status.update(label=tr("校验完成", "Checked"), state="complete")
            st.session_state["data_parsed"] = {"token": token, "result": result}
            parsed = st.session_state["data_parsed"]
        result = parsed["result"]
        if result.problems:
            st.error(tr(f"发现 {len(result.problems)} 个问题，未写入任何数据。请修改后重新上传。",
                        f"{len(result.problems)} problem(s) found; nothing was written. Fix them and upload again."))
            st.dataframe(problems_frame(result.problems, lang()), hide_index=True, width="stretch")
        else:
            st.success(tr(f"校验通过：{result.rows} 行。请确认预览后导入。",
                          f"Valid: {result.rows} row(s). Check the preview, then import."))
            st.dataframe(display_frame(result.preview), hide_index=True, width="stretch")
            if st.button(tr("确认导入", "Import"), type="primary", key="data_confirm"):
                try:
                    summary = data_service.commit_upload(kind, result, actor=user.username, lang=lang())
                except data_service.DataError as exc:
                    st.error(exc.message(lang()))
                else:
                    st.session_state.pop("data_parsed", None)
                    st.success(tr(f"已导入：{summary}", f"Imported: {summary}"))

with tab_templates:
    st.caption(tr("模板使用中文表头，附一行示例，并在“说明”工作表中解释每一列。",
                  "Templates use Chinese headers with one example row; the 说明 sheet explains each column."))
    cols = st.columns(3)
    for i, kind in enumerate(data_service.IMPORTABLE_KINDS):
        data, filename, mime = data_service.template(kind)
        cols[i % 3].download_button(kind_label(kind), data=data, file_name=filename, mime=mime,
                                    icon=":material/download:", key=f"tmpl_{kind}", width="stretch")

with tab_browse:
    kind = st.selectbox(tr("数据类型", "Kind"), data_service.BROWSABLE_KINDS, format_func=kind_label,
                        key="data_browse_kind")
    frame = data_service.load_for_browse(kind)
    query = st.text_input(tr("搜索（任意列包含）", "Search (any column contains)"), key="data_search").strip()
    if query and not frame.empty:
        mask = frame.astype(str).apply(lambda col: col.str.contains(query, case=False, regex=False)).any(axis=1)
        frame = frame[mask]
    st.caption(tr(f"共 {len(frame)} 行", f"{len(frame)} row(s)"))
    st.dataframe(display_frame(frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)),
                 hide_index=True, width="stretch")
