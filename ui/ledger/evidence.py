"""Evidence files of one activity: thumbnails (photos), a download per file, and the uploader."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from common.errors import YixianError
from services import evidence
from ui.downloads import audited_download
from ui.feedback import flash
from ui.i18n import lang, tr
from ui.ledger.state import Keys

if TYPE_CHECKING:
    from services.compliance_view import Inputs
    from store.auth import UserInfo


def _remove(user: UserInfo, attachment_id: int) -> None:
    try:
        evidence.remove_attachment(user, attachment_id)
    except YixianError as exc:
        flash(Keys.FLASH, "error", exc.headline(lang()))
    else:
        flash(Keys.FLASH, "success", tr("已移除附件。", "File removed."))


def render_files(user: UserInfo, files: list[dict], inputs: Inputs | None = None, key: str = "ev",
                 can_remove: bool = False) -> None:
    """Thumbnails in a narrow grid (3 a row; they wrap on a phone), each with its download (and, for
    the owner of an unlocked entry, a remove button)."""
    if not files:
        st.caption(tr("暂无附件", "No files yet"))
        return
    cols = st.columns(3)
    for i, f in enumerate(files):
        with cols[i % 3]:
            if f.get("thumbnail"):
                st.image(f["thumbnail"], width=110)
            else:
                st.markdown(":material/picture_as_pdf:")
            st.text(f["filename"][:24])
            if st.button(tr("下载", "Download"), key=f"{key}_open_{f['id']}", icon=":material/download:"):
                att = evidence.open_attachment(user, f["id"], inputs)
                audited_download(tr("保存文件", "Save file"), att["content"], user=user, kind="attachment", rows=1,
                                 about=f["id"], fmt="pdf" if att["mime"] == "application/pdf" else "image",
                                 file_name=att["filename"], mime=att["mime"], key=f"{key}_dl_{f['id']}")
            if can_remove:
                st.button(tr("移除", "Remove"), key=f"{key}_rm_{f['id']}", icon=":material/delete:",
                          on_click=_remove, args=(user, f["id"]))


def render_upload(user: UserInfo, activity_id: str) -> None:
    limit = evidence.max_bytes() / 1048576
    up = st.file_uploader(tr(f"添加照片或PDF（JPEG/PNG/PDF，单个不超过 {limit:.0f} MB）",
                             f"Add photos or a PDF (JPEG/PNG/PDF, up to {limit:.0f} MB each)"),
                          type=["jpg", "jpeg", "png", "pdf"], accept_multiple_files=True,
                          max_upload_size=max(1, -(-evidence.max_bytes() // 1048576)),
                          help=tr("把文件拖到框内，或点击框内按钮（Browse files）选择文件。",
                                  "Drag the files onto the box, or use its Browse files button."),
                          key=f"{Keys.UPLOAD}_{activity_id}_{st.session_state.get(Keys.UPLOAD_NONCE, 0)}")
    if up and st.button(tr("上传附件", "Upload"), key=Keys.UPLOAD_SAVE, type="primary", icon=":material/upload:"):
        saved, refused = 0, []
        for f in up:
            try:
                evidence.attach(user, activity_id, f.name, f.getvalue())
                saved += 1
            except YixianError as exc:
                refused.append(exc.headline(lang()))
        kind = "error" if refused else "success"
        st.session_state[Keys.UPLOAD_NONCE] = st.session_state.get(Keys.UPLOAD_NONCE, 0) + 1   # empty the uploader
        flash(Keys.FLASH, kind, tr(f"已上传 {saved} 个附件。", f"Uploaded {saved} file(s). ") + " ".join(refused))
        st.rerun()
