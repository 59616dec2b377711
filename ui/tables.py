"""Table helpers shared by pages: readable frames for st.dataframe."""
from __future__ import annotations

import pandas as pd


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Tag tuples → '、'-joined text, dates → YYYY-MM-DD, so tables read like the office's sheets."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object and len(series) and series.map(lambda v: isinstance(v, tuple)).any():
            out[col] = series.map(lambda v: "、".join(v) if isinstance(v, tuple) else v)
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d").fillna("")
    return out


ROW_PX = 35      # st.dataframe's row height
HEADER_PX = 38   # header row plus borders


def table_height(n_rows: int, max_px: int | None = None) -> int:
    """Tall enough to show every row of a short table without an inner scrollbar (up to `max_px`)."""
    px = HEADER_PX + ROW_PX * n_rows
    return px if max_px is None else min(px, max_px)


def problems_frame(problems, lang: str = "zh") -> pd.DataFrame:
    """Importer problems as the error table the user fixes their file from."""
    if lang == "en":
        cols = ["file", "row", "column", "value", "expected"]
    else:
        cols = ["文件", "行号", "列", "值", "应为"]
    rows = []
    for p in problems:
        rows.append([p.file, "" if p.row is None else p.row, p.column or "", "" if p.value is None else str(p.value),
                     p.expected_en if lang == "en" else p.expected_zh])
    return pd.DataFrame(rows, columns=cols)


def show_table(df: pd.DataFrame, key: str, **kw) -> None:
    """st.dataframe in a keyed container `<key>_box` (tests find tables by that key: st.dataframe's
    own key is not addressable). Cells are plain text: user text is never rendered as Markdown."""
    import streamlit as st

    with st.container(key=f"{key}_box"):
        st.dataframe(df, key=key, **kw)
