"""The KPI row: five metrics with their change since one week earlier."""
from __future__ import annotations

import streamlit as st

from services.coverage import View
from ui.i18n import lang, tr


def _delta(k) -> str | None:
    if lang() == "zh":
        return k.delta_text
    if k.delta is None:
        return None
    return f"{k.delta:+d}" if k.key == "priority" else f"{k.delta * 100:+.1f} pp"


def render_kpis(v: View, version: str) -> None:
    for col, k in zip(st.columns(len(v.kpis)), v.kpis):
        col.metric(tr(k.label_zh, k.label_en), k.text, delta=_delta(k), border=True, help=tr(k.help_zh, k.help_en),
                   delta_color="off" if not k.delta else "normal")
    n, data_version = len(v.cadre_ids), version.rsplit("#", 2)[-2]
    st.caption(tr(f"截至 {v.filters.as_of}，视图内 {n} 位干部 · 数据版本 {data_version}",
                  f"As of {v.filters.as_of}, {n} cadres in view · data version {data_version}"))
