"""The two lists an office files and posts after publishing a round, as xlsx with Chinese headers.

- 领导干部担任班主任名单 (official list): the full record for the office's files.
- 公示名单 (publicity list): what is posted for comment — 姓名, 单位, 班级, 学院 only. No staff
  number, position, level or any other personal data.
These are documents, not formats.md kinds (those are written by importer.write_xlsx, offered too).
No Streamlit here.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

import pandas as pd

from common import vocabulary
from importer.writers import neutralise_formulas

OFFICIAL_TITLE = "领导干部担任班主任名单"
PUBLICITY_TITLE = "领导干部担任班主任公示名单"
OFFICIAL_COLUMNS = ["序号", "姓名", "工号", "单位", "职务", "层级", "班级编号", "班级", "学院", "专业", "年级",
                    "人数", "起始日期"]
PUBLICITY_COLUMNS = ["姓名", "单位", "班级", "学院"]
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
_LEVEL_ORDER = {"school": 0, "head": 1, "deputy": 2}


def _rows(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    cad = cadres[["cadre_id", "unit", "position", "level"]]
    cls = classes[["class_id", "major", "grade", "size"]]
    df = assignment.merge(cad, on="cadre_id", how="left").merge(cls, on="class_id", how="left")
    missing = df[df["unit"].isna()]["cadre_id"].tolist()
    if missing:
        raise ValueError(f"分配中的干部不在干部名单中 / cadres not in the roster: {', '.join(missing[:10])}")
    # school leaders first, then heads, deputies; within a level by college and class
    df["_lv"] = df["level"].map(_LEVEL_ORDER).fillna(9)
    return df.sort_values(["_lv", "college", "class_id", "cadre_id"]).reset_index(drop=True)


def _workbook(title: str, subtitle: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    n = len(headers)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.cell(2, 1).alignment = Alignment(horizontal="center")
    ws.append(headers)
    thin = Side(style="thin")
    for i in range(1, n + 1):
        c = ws.cell(3, i)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=3, max_row=3 + len(rows), max_col=n):
        for c in row:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if isinstance(c.value, str):
                c.number_format = "@"     # staff and class numbers keep their leading zeros
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)         # a name like =HYPERLINK(…) stays text
    return buf.getvalue()


def official_list_xlsx(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame,
                       round_name: str, effective: date | None) -> bytes:
    """领导干部担任班主任名单: one row per cadre-class pair, header on row 3 (title rows above)."""
    df = _rows(assignment, cadres, classes)
    rows = []
    for k, r in enumerate(df.itertuples(index=False), start=1):
        start = r.start if "start" in df.columns and not pd.isna(r.start) else effective
        rows.append([k, r.name, r.cadre_id, r.unit, r.position, LEVEL_ZH.get(r.level, r.level), r.class_id,
                     r.class_name, r.college, r.major, int(r.grade), int(r.size),
                     pd.Timestamp(start).strftime("%Y-%m-%d") if start is not None and not pd.isna(start) else ""])
    sub = f"{round_name}" + (f" · 自{effective:%Y年%m月%d日}起执行" if effective else "") + f" · 共{len(rows)}人次"
    return _workbook(OFFICIAL_TITLE, sub, OFFICIAL_COLUMNS, rows,
                     [6, 10, 12, 22, 16, 10, 14, 28, 18, 18, 8, 8, 12])


def publicity_list_xlsx(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame,
                        round_name: str, effective: date | None) -> bytes:
    """公示名单: 姓名, 单位, 班级, 学院 — nothing else about the person."""
    df = _rows(assignment, cadres, classes)
    rows = [[r.name, r.unit, r.class_name, r.college] for r in df.itertuples(index=False)]
    sub = f"{round_name}" + (f" · 拟自{effective:%Y年%m月%d日}起" if effective else "")
    return _workbook(PUBLICITY_TITLE, sub, PUBLICITY_COLUMNS, rows, [12, 24, 30, 20])


def read_header(xlsx: bytes) -> list[str]:
    """The column headers of an exported list (row 3), for checks."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx), read_only=True).active
    return [c for c in next(ws.iter_rows(min_row=3, max_row=3, values_only=True)) if c is not None]
