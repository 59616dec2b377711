"""The cadre's wish form: up to N ranked wishes and declared conflicts, each picked from lists."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import wishes
from ui.feedback import flash, show_error, show_flash
from ui.i18n import lang, tr
from ui.wishes.state import Keys

if TYPE_CHECKING:
    from store.auth import UserInfo

MAX_CONFLICTS = 3


def _prefill(col: wishes.Collection, mine, conflicts) -> None:
    """Fill the widgets once from the saved answer (later reruns keep what the cadre changes)."""
    if st.session_state.get(Keys.LOADED) == col.id:
        return
    for r in mine.itertuples():
        st.session_state[Keys.at(Keys.KIND, r.rank)] = r.kind
        st.session_state[Keys.at(Keys.VALUE, r.rank)] = r.value
    for i, r in enumerate(conflicts.itertuples(), start=1):
        kind = "class" if r.class_id else "college"
        st.session_state[Keys.at(Keys.CONFLICT_KIND, i)] = kind
        st.session_state[Keys.at(Keys.CONFLICT_VALUE, i)] = r.class_id or r.college
        st.session_state[Keys.at(Keys.CONFLICT_REASON, i)] = r.reason
    st.session_state[Keys.LOADED] = col.id


def _pick(opts: dict, kinds: dict, kind_key: str, value_key: str, label: str, disabled: bool) -> tuple[str, str]:
    kind = st.selectbox(label, ["", *kinds], format_func=lambda k: kinds.get(k, tr("（不填）", "(none)")),
                        key=kind_key, disabled=disabled)
    if not kind:
        return "", ""
    values = opts[kind]
    if st.session_state.get(value_key) not in values:
        st.session_state.pop(value_key, None)
    value = st.selectbox(tr("选择", "Pick"), list(values), format_func=lambda v: values[v], key=value_key,
                         disabled=disabled, label_visibility="collapsed")
    return kind, value or ""


def render_form(user: UserInfo, col: wishes.Collection) -> None:
    show_flash(Keys.FLASH)
    closed = not col.is_open()
    st.text(tr(f"{col.name} · 截止 {col.deadline:%Y-%m-%d %H:%M}（UTC）· 最多 {col.max_wishes} 个意向",
               f"{col.name} · closes {col.deadline:%Y-%m-%d %H:%M} UTC · up to {col.max_wishes} wishes"))
    if closed:
        st.warning(tr("已截止，以下为您提交的意向，不能再修改。", "Closed: your answer below can no longer change."))
    mine, conflicts = wishes.my_answer(user, col.id)
    _prefill(col, mine, conflicts)
    opts = wishes.choices(user)
    kinds = vocabulary.labels(vocabulary.PREFERENCE_KINDS, lang())
    picked = []
    for rank in range(1, col.max_wishes + 1):
        with st.container(border=True):
            kind, value = _pick(opts, kinds, Keys.at(Keys.KIND, rank), Keys.at(Keys.VALUE, rank),
                                tr(f"第 {rank} 意向", f"Wish {rank}"), closed)
            if kind:
                picked.append({"kind": kind, "value": value})
    st.subheader(tr("回避申报", "Conflicts"))
    st.caption(tr("亲属/利益回避：不宜联系的班级或学院；原因仅组织部可见。",
                  "Kin or interest: a class or college you must not advise; only the admin sees the reason."))
    ckinds = vocabulary.labels(vocabulary.CONFLICT_KINDS, lang())
    declared = []
    for i in range(1, MAX_CONFLICTS + 1):
        with st.container(border=True):
            kind, value = _pick(opts, ckinds, Keys.at(Keys.CONFLICT_KIND, i), Keys.at(Keys.CONFLICT_VALUE, i),
                                tr(f"回避 {i}", f"Conflict {i}"), closed)
            if kind:
                reason = st.text_input(tr("原因", "Reason"), key=Keys.at(Keys.CONFLICT_REASON, i), disabled=closed)
                declared.append({"kind": kind, "value": value, "reason": reason})
    if closed:
        return
    if st.button(tr("提交意向", "Submit"), key=Keys.SAVE, type="primary", icon=":material/send:", width="stretch"):
        try:
            wishes.save_answer(user, col.id, picked, declared)
        except Exception as exc:  # noqa: BLE001 - shown as one sentence with its details
            show_error(exc)
            return
        flash(Keys.FLASH, "success", tr("已提交，截止前仍可修改。", "Submitted; you may change it until the deadline."))
        st.rerun()
