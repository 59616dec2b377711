"""The model tab: weights, preference values, the expertise and unit affinity tables and aliases;
a preview of the pairs a change touches, then save as a new version."""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from matching.config import PREF_KINDS, WEIGHT_KEYS
from services import fit_model
from ui.feedback import flash, md_escape, user_errors
from ui.fit_model import tables
from ui.fit_model.state import Keys
from ui.i18n import tr
from ui.labels import label

if TYPE_CHECKING:
    from store.auth import UserInfo

KIND_LABELS = {"class": ("班级", "Class"), "major": ("专业", "Major"), "college": ("学院", "College"),
               "grade": ("年级", "Grade")}


def _f(v) -> float:
    return float(Fraction(str(v)))


def _weights(cfg: dict) -> dict:
    cols = st.columns(4)
    out = {}
    for k, key in enumerate(WEIGHT_KEYS):
        out[key] = repr(cols[k % 4].number_input(label(vocabulary.WEIGHTS, key), value=_f(cfg["weights"][key]),
                                                 step=0.5, key=Keys.WEIGHT_PREFIX + key))
    return out


def _preference(cfg: dict) -> dict:
    text = st.text_input(tr("各意向分值（第1、2、3…意向，逗号分隔）", "Value of wish 1, 2, 3… (comma separated)"),
                         value=", ".join(str(v) for v in cfg["preference"]["by_rank"]), key=Keys.BY_RANK)
    cols = st.columns(len(PREF_KINDS))
    kinds = {k: repr(cols[n].number_input(tr(*KIND_LABELS[k]), value=_f(cfg["preference"]["kind"][k]),
                                          step=0.1, key=Keys.KIND_PREFIX + k)) for n, k in enumerate(PREF_KINDS)}
    return {"by_rank": [v.strip() for v in text.replace("，", ",").split(",") if v.strip()], "kind": kinds}


def edited_config(cfg: dict) -> dict:
    """Draw the editors; return the config they describe (not yet validated)."""
    st.subheader(tr("权重", "Weights"))
    new = dict(cfg, weights=_weights(cfg))
    st.subheader(tr("意向分值", "Preference values"))
    new["preference"] = _preference(cfg)
    st.subheader(tr("专长 ↔ 班级标签", "Expertise ↔ class tag"))
    aff = st.data_editor(tables.long_table(cfg.get("affinity", {}), "专长"), num_rows="dynamic", hide_index=True,
                         column_config=tables.column_config("专长", "Expertise"), key=Keys.AFFINITY)
    new["affinity"] = tables.from_long(aff)
    st.subheader(tr("单位（工作领域）↔ 班级标签", "Unit (field of work) ↔ class tag"))
    uaff = st.data_editor(tables.long_table(cfg.get("unit_affinity", {}), "单位"), num_rows="dynamic",
                          hide_index=True, column_config=tables.column_config("单位", "Unit"), key=Keys.UNIT_AFFINITY)
    new["unit_affinity"] = tables.from_long(uaff)
    st.subheader(tr("同义词（数据中的写法 → 表中的词）", "Aliases (as written → known word)"))
    al = st.data_editor(tables.alias_frame(cfg.get("aliases", {})), num_rows="dynamic", hide_index=True,
                        column_config={"word": st.column_config.TextColumn(tr("数据中的写法", "As written")),
                                       "known": st.column_config.TextColumn(tr("表中的词", "Known word"))},
                        key=Keys.ALIASES)
    new["aliases"] = tables.from_alias_frame(al)
    return new


def render_model(user: UserInfo) -> None:
    version, cfg = fit_model.current(user)
    st.caption(tr(f"当前版本：{version or '默认配置'}", f"Version in force: {version or 'defaults'}"))
    new = edited_config(cfg)
    note = st.text_input(tr("修改说明", "Note"), key=Keys.NOTE)
    with user_errors():
        _preview_and_save(user, new, cfg, note)


def _preview_and_save(user: UserInfo, new: dict, cfg: dict, note: str) -> None:
    if not fit_model.differs(new, cfg):
        st.caption(tr("尚无修改。", "No changes yet."))
        return
    p = fit_model.preview(user, new)
    st.info(md_escape(tr(f"此修改将改变 {p['pairs_changed']} / {p['pairs']} 个干部—班级配对的匹配度"
                         f"（涉及 {p['cadres_changed']} 名干部、{p['classes_changed']} 个班级）。",
                         f"This change alters the fit of {p['pairs_changed']} of {p['pairs']} cadre–class pairs "
                         f"({p['cadres_changed']} cadres, {p['classes_changed']} classes).")))
    if st.button(tr("保存为新版本", "Save as a new version"), type="primary", key=Keys.SAVE):
        v = fit_model.save(user, new, note)
        flash(Keys.FLASH, "success", tr(f"已保存匹配模型第 {v} 版", f"Fit model version {v} saved"))
        st.rerun()
