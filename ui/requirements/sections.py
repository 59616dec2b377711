"""The sections of the 工作要求 page: what is in force, a new version, 等次 and counting, history."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from common import vocabulary as voc
from services import requirements as req
from ui import labels
from ui.feedback import flash, show_error
from ui.i18n import lang, tr
from ui.requirements.state import Keys
from ui.tables import show_table

if TYPE_CHECKING:
    from store.auth import UserInfo


def _venues(codes) -> str:
    """Venues (stored as their Chinese names) in the page's language."""
    return tr("、", ", ").join(voc.label(voc.VENUES, c, lang()) for c in codes)


def _rule_name(row) -> str:
    return row["name_zh"] if lang() == "zh" else row["name_en"]


def _names(codes) -> str:
    return tr("、", ", ").join(voc.label(voc.ACTIVITY_TYPES, c, lang()) if c in voc.ACTIVITY_TYPES else str(c)
                               for c in codes) or tr("全部", "all")


def render_in_force(user: UserInfo) -> pd.DataFrame:
    """Each version × rule × level: threshold, period, counted types and venues, effective date."""
    df = req.frame(user)
    shown = pd.DataFrame({
        tr("生效日期", "Effective"): df["effective"].map(lambda d: str(d) if d else tr("起始", "from the start")),
        tr("工作要求", "Requirement"): df.apply(_rule_name, axis=1) if len(df) else df["name_zh"],
        tr("层级", "Level"): df["level"].map(lambda c: voc.label(voc.LEVELS, c, lang())),
        tr("至少", "At least"): df["at_least"],
        tr("周期", "Period"): df["per"].map(lambda c: voc.label(voc.PERIOD_KINDS, c, lang())),
        tr("计入的活动类型", "Activity types counted"): df["types"].map(_names),
        tr("计入的场所", "Venues counted"): df["venues"].map(lambda v: _venues(v) or tr("全部", "all")),
        tr("不计入的场所", "Venues not counted"): df["exclude_venues"].map(_venues),
        tr("说明", "Note"): df["note"],
    })
    show_table(shown, Keys.TABLE, hide_index=True, width="stretch")
    return df


def _rule_edit(rule: dict) -> dict:
    """The form's values as a requirements edit: {rule: {field: value}} or per level."""
    fields = {"at_least": int(rule["at_least"]), "per": rule["per"], "types": list(rule["types"]),
              "venues": list(rule["venues"]), "exclude_venues": list(rule["exclude"])}
    if rule["level"] == Keys.ALL_LEVELS:
        return {rule["id"]: fields}
    return {rule["id"]: {"levels": {rule["level"]: fields}}}


def render_new_version(user: UserInfo, df: pd.DataFrame) -> None:
    st.subheader(tr("新增版本（自生效日期起适用，之前的周期不变）",
                    "New version (applies from its date; earlier periods keep the old one)"))
    latest = df.drop_duplicates(["rule", "level"], keep="last")
    names = dict(zip(latest["rule"], latest["name_zh" if lang() == "zh" else "name_en"]))
    with st.form(Keys.SAVE_VERSION):
        c1, c2, c3, c4 = st.columns([3, 2, 1, 1.4])
        rule = c1.selectbox(tr("工作要求", "Requirement"), list(names), format_func=names.get, key=Keys.RULE)
        levels = [Keys.ALL_LEVELS, *voc.LEVEL_ORDER]
        level = c2.selectbox(tr("层级", "Level"), levels, key=Keys.LEVEL,
                             format_func=lambda c: tr("全部层级", "All levels") if c == Keys.ALL_LEVELS
                             else voc.label(voc.LEVELS, c, lang()))
        at_least = c3.number_input(tr("至少", "At least"), min_value=0, max_value=99, value=1, key=Keys.AT_LEAST)
        per = c4.selectbox(tr("周期", "Period"), list(voc.PERIOD_KINDS), key=Keys.PER,
                           format_func=lambda c: voc.label(voc.PERIOD_KINDS, c, lang()))
        types = st.multiselect(tr("计入的活动类型（不选 = 全部）", "Activity types counted (none = all)"),
                               list(voc.ACTIVITY_TYPES), key=Keys.TYPES,
                               format_func=lambda c: voc.label(voc.ACTIVITY_TYPES, c, lang()))
        v1, v2 = st.columns(2)
        venue_label = labels.formatter(voc.VENUES)
        venues = v1.multiselect(tr("计入的场所（不选 = 全部）", "Venues counted (none = all)"), list(voc.VENUES),
                                key=Keys.VENUES, format_func=venue_label)
        exclude = v2.multiselect(tr("不计入的场所", "Venues not counted"), list(voc.VENUES), key=Keys.EXCLUDE,
                                 format_func=venue_label)
        e1, e2 = st.columns([1, 3])
        effective = e1.date_input(tr("生效日期", "Effective from"), value=date.today(), key=Keys.EFFECTIVE,
                                  format="YYYY-MM-DD")
        note = e2.text_input(tr("说明（如文件号）", "Note (e.g. the document number)"), key=Keys.NOTE)
        if st.form_submit_button(tr("保存新版本", "Save new version"), type="primary"):
            edit = _rule_edit({"id": rule, "level": level, "at_least": at_least, "per": per, "types": types,
                               "venues": venues, "exclude": exclude})
            try:
                req.add(user, effective, edit, note)
            except Exception as exc:  # noqa: BLE001 - shown to the user; nothing was saved
                show_error(exc)
                return
            flash(Keys.FLASH, "success", tr(f"已保存：自 {effective} 起适用", f"Saved: applies from {effective}"))
            st.rerun()


def render_settings(user: UserInfo) -> None:
    st.subheader(tr("等次与计数", "Grades and counting"))
    s = req.settings(user)
    with st.form(Keys.SAVE_SETTINGS):
        c1, c2, c3 = st.columns(3)
        good = c1.number_input(tr("好 ≥ 完成率", "Good ≥ rate"), 0.0, 1.0, float(s["good"]), 0.01, key=Keys.GOOD)
        fair = c2.number_input(tr("较好 ≥ 完成率", "Fairly good ≥ rate"), 0.0, 1.0, float(s["fairly_good"]), 0.01,
                               key=Keys.FAIRLY_GOOD)
        avg = c3.number_input(tr("一般 ≥ 完成率", "Average ≥ rate"), 0.0, 1.0, float(s["average"]), 0.01,
                              key=Keys.AVERAGE)
        only = st.radio(tr("计入哪些台账记录", "Which ledger entries count"), [False, True],
                        index=int(bool(s["count_confirmed_only"])), key=Keys.CONFIRMED_ONLY, horizontal=True,
                        format_func=lambda v: tr("仅已确认的", "Confirmed only") if v else tr("全部记录", "All entries"))
        if st.form_submit_button(tr("保存设置", "Save settings")):
            try:
                req.update_settings(user, good=good, fairly_good=fair, average=avg, count_confirmed_only=only)
            except Exception as exc:  # noqa: BLE001 - shown to the user; nothing was saved
                show_error(exc)
                return
            flash(Keys.FLASH, "success", tr("设置已保存", "Settings saved"))
            st.rerun()


def render_history(user: UserInfo) -> None:
    st.subheader(tr("保存记录", "Saved versions"))
    h = req.history(user)
    if h.empty:
        st.caption(tr("尚未保存过：使用默认工作要求（六个一、九进）。",
                      "Nothing saved yet: the default requirements (six ones, nine venues) apply."))
        return
    show_table(h.rename(columns={"id": "#", "saved_at": tr("保存时间", "Saved at"), "actor": tr("操作人", "By"),
                                 "note": tr("说明", "Note")}), Keys.HISTORY, hide_index=True, width="stretch")
