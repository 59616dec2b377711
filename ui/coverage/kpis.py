"""The KPI row: five metrics with their change since one week earlier."""
from __future__ import annotations

import streamlit as st

from services.coverage import View
from ui.i18n import lang, tr


def _delta(k) -> str | None:
    """The change since a week earlier; none (no arrow) when there is no change to show."""
    if k.delta is None or (k.key == "priority" and k.delta == 0) or (k.key != "priority" and abs(k.delta) < 0.0005):
        return None
    if lang() == "zh":
        return f"{k.delta:+d} 个班" if k.key == "priority" else f"{k.delta * 100:+.1f} 个百分点"
    return f"{k.delta:+d}" if k.key == "priority" else f"{k.delta * 100:+.1f} pp"


def render_kpis(v: View, version: str) -> None:
    # rows of three: a label such as 重点关注班级覆盖 / "Face-to-face this week" fits whole (issue 17)
    per_row = 3
    cols = [c for start in range(0, len(v.kpis), per_row) for c in st.columns(per_row)]
    for col, k in zip(cols, v.kpis):
        col.metric(tr(k.label_zh, k.label_en), k.text, delta=_delta(k), border=True, help=tr(k.help_zh, k.help_en),
                   delta_color="off" if not k.delta else "normal")
    # two counts of the same cadres: everyone in view (未带班 and 免予考核 included), and those
    # with at least one period already assessed (met or missed) — the heatmap ranks only the latter
    n, k = len(v.cadre_ids), v.heat_cadre_total
    st.caption(tr(f"截至 {v.filters.as_of:%Y-%m-%d}，视图内 {n} 位干部（含未带班和免予考核的干部），"
                  f"其中 {k} 位已有考核结果（至少一个周期已判定达标或未达标）",
                  f"As of {v.filters.as_of:%Y-%m-%d}, {n} cadres in view (including those without a class "
                  f"or exempt), {k} of them with a result (at least one period already met or missed)"))
