"""The fit model's tables as editable long frames and back (plain data, numbers as exact text)."""
from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ui.i18n import tr


def long_table(table: dict, word_label: str) -> pd.DataFrame:
    rows = [{"word": w, "tag": t, "value": float(Fraction(str(v))) if _num(v) else None}
            for w, row in sorted(table.items()) for t, v in sorted(row.items())]
    return pd.DataFrame(rows, columns=["word", "tag", "value"])


def _num(v) -> bool:
    try:
        Fraction(str(v))
        return True
    except (ValueError, ZeroDivisionError):
        return False


def from_long(df: pd.DataFrame) -> dict:
    out: dict = {}
    for r in df.itertuples(index=False):
        w, t = str(r.word or "").strip(), str(r.tag or "").strip()
        if not w or not t or r.value is None or pd.isna(r.value):
            continue
        out.setdefault(w, {})[t] = repr(float(r.value))
    return out


def alias_frame(aliases: dict) -> pd.DataFrame:
    return pd.DataFrame([{"word": k, "known": v} for k, v in sorted(aliases.items())], columns=["word", "known"])


def from_alias_frame(df: pd.DataFrame) -> dict:
    return {str(r.word).strip(): str(r.known).strip() for r in df.itertuples(index=False)
            if str(r.word or "").strip() and str(r.known or "").strip()}


def column_config(word_zh: str, word_en: str) -> dict:
    import streamlit as st
    return {"word": st.column_config.TextColumn(tr(word_zh, word_en), required=True),
            "tag": st.column_config.TextColumn(tr("班级标签", "Class tag"), required=True),
            "value": st.column_config.NumberColumn(tr("分值", "Value"), required=True, format="%g")}
