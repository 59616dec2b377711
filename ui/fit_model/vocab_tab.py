"""Vocabulary warnings: each word no fit-table row mentions, with one click to map it to a known word."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import fit_model
from ui.feedback import flash, md_escape
from ui.fit_model.state import Keys
from ui.i18n import lang, tr

if TYPE_CHECKING:
    from store.auth import UserInfo


def render_warning_box(user: UserInfo) -> list:
    """The warning box (also shown where rounds are created): how many words earn nothing."""
    ws = fit_model.warnings(user)
    if ws:
        head = tr(f"有 {len(ws)} 个专长、单位或班级标签不在匹配表中，不计分（仅为提示，仍可求解）：",
                  f"{len(ws)} expertise, unit or tag words are in no fit-table row and earn nothing "
                  "(a warning; solving still works):")
        groups = []
        for kind in ("expertise", "unit", "tag"):
            words = [w.word for w in ws if w.kind == kind]
            if words:
                label = vocabulary.label(vocabulary.FIT_WORD_KINDS, kind, lang())
                groups.append(f"{label}（{len(words)}）：{'、'.join(words)}")
        st.warning("\n\n".join(md_escape(x) for x in [head, *groups]))
    return ws


def render_vocab(user: UserInfo, known: dict) -> None:
    ws = render_warning_box(user)
    if not ws:
        st.success(tr("所有专长、单位和标签都有对应的匹配规则。", "Every expertise, unit and tag is in the fit tables."))
        return
    for w in ws:
        options = list(w.suggestions) + sorted(set(known.get(w.kind, ())) - set(w.suggestions))
        cols = st.columns([3, 3, 1])
        cols[0].text(w.message(lang()))
        if not options:
            cols[1].caption(tr("表中还没有同类词：请在“模型”页添加匹配行", "no known word of this kind yet: add a row"))
            continue
        target = cols[1].selectbox(tr("对应为", "Map to"), options, key=Keys.map_target(w.kind, w.word),
                                   label_visibility="collapsed")
        if cols[2].button(tr("对应", "Map"), key=Keys.map_button(w.kind, w.word)):
            v = fit_model.map_word(user, w.kind, w.word, target)
            flash(Keys.FLASH, "success", tr(f"已将「{w.word}」对应为「{target}」（第 {v} 版）",
                                            f"'{w.word}' now reads as '{target}' (version {v})"))
            st.rerun()
