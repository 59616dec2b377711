"""Excel round trip (Excel 往返): download the review table with every explanation column; (admin, draft)
upload it back with the class column edited, see every problem per row, and save it as a new revision."""
from __future__ import annotations

import hashlib

import streamlit as st

from services import round_upload
from services.round_names import round_file_label
from ui.downloads import XLSX, audited_download, file_name
from ui.feedback import flash, show_error
from ui.i18n import lang, tr
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView
from ui.tables import problems_frame


def _download(view: RoundView) -> None:
    # the click is an audit entry like every personal-data download. The file is built with the page (not
    # deferred): a deferred file gets a new address on each rerun, and a click during the rerun that a
    # download's audit callback starts then fetched nothing (seen in the e2e walk's second download)
    lang_ = lang()
    audited_download(tr("下载审核表（xlsx，含得分分项、理由、满足意向、第一意向未满足的原因）",
                        "Download the review table (xlsx, with score parts, reasons, wish met, why not first)"),
                     round_upload.review_xlsx(view.user, view.rid, lang_), user=view.user,
                     kind="review_table", rows=len(view.info.assignment), about=view.rid,
                     mime=XLSX, key=Keys.ROUNDTRIP_DOWNLOAD, icon=":material/download:",
                     file_name=file_name(f"{view.info.name}_审核表", "review", round_file_label(view.info, lang_)))


def _checked(view: RoundView, upload) -> round_upload.UploadCheck:
    """The upload checked once per file content and round (kept in the session across reruns)."""
    raw = upload.getvalue()
    token = f"{view.rid}:{upload.name}:{hashlib.sha1(raw).hexdigest()}"
    kept = st.session_state.get(Keys.ROUNDTRIP_CHECKED)
    if kept is None or kept["token"] != token:
        with st.spinner(tr("正在按全部规则检查……", "Checking against every rule…")):
            kept = {"token": token, "check": round_upload.check_upload(view.user, view.rid, raw, upload.name)}
        st.session_state[Keys.ROUNDTRIP_CHECKED] = kept
    return kept["check"]


def _save(view: RoundView, upload) -> None:
    try:
        new_id = round_upload.upload_revision(view.user, view.rid, upload.getvalue(), upload.name)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    st.session_state.pop(Keys.ROUNDTRIP_CHECKED, None)
    flash(Keys.FLASH, "success", tr("已保存为新修订（手工分配，已按全部规则核对）。",
                                    "Saved as a new revision (hand-made, checked against every rule)."))
    goto(Keys.PENDING, **{Keys.PICK: new_id})
    st.rerun()


def _upload(view: RoundView) -> None:
    st.markdown("##### " + tr("上传修改后的分配表（保存为新修订）", "Upload an edited assignment (saved as a new revision)"))
    st.caption(tr("可上传上面下载的审核表（只改“班级编号”列），或只有“工号、班级编号”两列的文件。"
                  "文件按本轮全部规则检查（带班数、锁定、回避、名额、重点关注班级、本单位回避等）；任何一行有误则不保存。",
                  "Upload the review table above with only the class id column changed, or a file with just "
                  "cadre_id and class_id. It is checked against every rule of the round (capacity, locks, forbids, "
                  "quotas, priority classes, own unit…); one bad row and nothing is saved."))
    upload = st.file_uploader(tr("选择文件（xlsx / csv）", "Choose a file (xlsx / csv)"), type=["xlsx", "csv"],
                              key=Keys.roundtrip_upload(view.rid))
    if upload is None:
        return
    try:
        check = _checked(view, upload)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    if check.problems:
        st.error(tr(f"发现 {len(check.problems)} 个问题，未保存。请修改后重新上传。",
                    f"{len(check.problems)} problem(s) found; nothing was saved. Fix them and upload again."))
        st.dataframe(problems_frame(check.problems, lang()), hide_index=True, width="stretch",
                     key=Keys.ROUNDTRIP_PROBLEMS)
        return
    st.success(tr(f"校验通过：{len(check.pairs)} 对，其中 {check.changed} 对与当前修订不同。",
                  f"Valid: {len(check.pairs)} pairs, {check.changed} different from the current revision."))
    if st.button(tr("保存为新修订", "Save as a new revision"), type="primary", key=Keys.ROUNDTRIP_SAVE,
                 icon=":material/upload:"):
        _save(view, upload)


def render_roundtrip(view: RoundView) -> None:
    if not view.has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
    else:
        _download(view)
    if view.editable:
        _upload(view)
    elif view.can_edit:
        st.caption(tr("只有草稿轮次可以上传修改。", "Only a draft round takes an uploaded edit."))
