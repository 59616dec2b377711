"""Review (审核): the result table with filters; picking a row opens the cadre's explanation."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from services import round_review
from services.round_names import round_file_label
from ui.downloads import file_name, table_download
from ui.i18n import lang, tr
from ui.labels import label
from ui.rounds.explain import render_explanation
from ui.rounds.metrics import render_metrics
from ui.rounds.state import Keys, RoundView
from ui.tables import display_frame

RANKS = {"all": ("全部", "All"), "first": ("第一意向", "First choice"), "none": ("未满足意向", "No wish met")}


def _columns() -> dict:
    cfg = {"cadre_id": tr("工号", "Cadre id"), "name": tr("姓名", "Name"), "unit": tr("单位", "Unit"),
           "level": tr("层级", "Level"), "position": tr("职务", "Position"), "class_id": tr("班级编号", "Class id"),
           "class_name": tr("班级", "Class"), "college": tr("学院", "College"), "grade": tr("年级", "Grade"),
           "tags": tr("标签", "Tags"), "priority": tr("重点", "Priority"),
           "score": st.column_config.NumberColumn(tr("匹配得分", "Score"), format="%.1f"),
           "preference_rank": tr("满足意向", "Rank met"), "changed": tr("调整", "Changed"),
           "locked": tr("锁定", "Locked"),
           "reason": st.column_config.TextColumn(tr("理由", "Reason"), width="large")}
    return cfg | {k: st.column_config.NumberColumn(label(vocabulary.SCORE_PARTS, k), format="%.1f")
                  for k in vocabulary.SCORE_PARTS}


def _filtered(full):
    f1, f2, f3, f4, f5 = st.columns([2.6, 2.6, 1.4, 1.4, 2])   # the checkboxes' labels fit at 1280 px
    query = f1.text_input(tr("搜索（姓名、工号、单位、班级、学院）", "Search (name, id, unit, class, college)"),
                          key=Keys.REVIEW_SEARCH)
    cols = f2.multiselect(tr("学院", "College"), sorted(full["college"].unique()), key=Keys.REVIEW_COLLEGES,
                          placeholder=tr("全部学院", "All colleges"))
    only_changed = f3.checkbox(tr("仅调整的", "Changed"), key=Keys.REVIEW_CHANGED)
    only_locked = f4.checkbox(tr("仅锁定的", "Locked"), key=Keys.REVIEW_LOCKED)
    rank = f5.selectbox(tr("意向", "Preference"), list(RANKS), key=Keys.REVIEW_RANK, format_func=lambda v: tr(*RANKS[v]))
    return round_review.filter_table(full, query, cols, only_changed, only_locked, rank)


def _download(view: RoundView, shown) -> None:
    """The table as filtered, headers as shown: our own audited xlsx (the toolbar's CSV is off)."""
    headers = {k: v if isinstance(v, str) else v.get("label") or k for k, v in _columns().items()}
    table = display_frame(shown)[[c for c in shown.columns if c in headers]].rename(columns=headers)
    table_download(view.user, table, kind="review_table", key=Keys.REVIEW_DOWNLOAD, about=view.rid,
                   file_name=file_name("分配审核表", "review-table", round_file_label(view.info, lang())), sheet=tr("审核", "Review"))


def _table(full, view: RoundView) -> None:
    shown = _filtered(full)
    st.caption(tr(f"显示 {len(shown)} / {len(full)} 对", f"{len(shown)} of {len(full)} pairs"))
    event = st.dataframe(display_frame(shown), hide_index=True, width="stretch", key=Keys.REVIEW_TABLE,
                         column_config=_columns(), height=360, on_select="rerun", selection_mode="single-row")
    st.caption(tr("点选表中一行即可在下方查看该干部的解释并调整。", "Select a row to explain and adjust it below."))
    _download(view, shown)
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and rows[0] < len(shown):
        picked = shown.iloc[rows[0]]["cadre_id"]
        # only a new selection moves the explanation (the picker below stays usable)
        if st.session_state.get(Keys.REVIEW_LAST_ROW) != picked:
            st.session_state[Keys.REVIEW_LAST_ROW] = picked
            st.session_state[Keys.EXPLAIN_CADRE] = picked


def render_review(view: RoundView) -> None:
    if not view.has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
        return
    full = round_review.review_table(view.info, lang())
    if round_review.made_from_parts(view.info, lang()):
        st.caption(tr("本轮保存时尚未存英文理由：英文界面的理由只列出得分项；完整解释请在下方选择干部。",
                      "This round was saved before reasons were stored in English: each reason here names "
                      "the score parts only; pick a cadre below for the full explanation."))
    _table(full, view)
    render_explanation(view, dict(zip(full["cadre_id"], full["name"])))
    render_metrics(view)
