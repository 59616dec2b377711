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
DRAFT_MARK = "（草稿）"               # an unpublished round's official list says so in the file
COMMENT_MARK = "（征求意见稿）"        # and its publicity list
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
_LEVEL_ORDER = {"school": 0, "head": 1, "deputy": 2}


def _rows(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    cad = cadres[["cadre_id", "unit", "position", "level"]]
    cls = classes[["class_id", "major", "grade", "size"]]
    df = assignment.merge(cad, on="cadre_id", how="left").merge(cls, on="class_id", how="left")
    missing = df[df["unit"].isna()]["cadre_id"].tolist()
    if missing:
        raise ValueError(f"分配中的干部不在干部名单中 / cadres not in the roster: {', '.join(missing[:10])}")
    # school leaders first in protocol order (书记, 校长, 副书记, 副校长, … from the position), then heads,
    # deputies; within a level by college and class
    df["_lv"] = df["level"].map(_LEVEL_ORDER).fillna(9)
    df["_proto"] = [vocabulary.protocol_rank(p) if lv == "school" else 0 for p, lv in zip(df["position"], df["level"])]
    df["_col"] = df["college"].where(df["level"] != "school", "")
    out = df.sort_values(["_lv", "_proto", "_col", "class_id", "cadre_id"], kind="stable")
    return out.drop(columns=["_proto", "_col"]).reset_index(drop=True)


def _footer(ws, lines: list[str], n_columns: int) -> None:
    """Lines under the table (公示期, 反映渠道, the issuing office and date), one merged row each."""
    from openpyxl.styles import Alignment

    if not lines:
        return
    ws.append([])
    for k, line in enumerate(lines):
        ws.append([line])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n_columns)
        last = k >= len(lines) - 2 and line and not line.startswith(("公示期", "反映"))
        ws.cell(r, 1).alignment = Alignment(horizontal="right" if last else "left", wrap_text=True)


def _print_setup(ws, n_columns: int) -> None:
    """A4, landscape when wide, fitted to one page width, the header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if n_columns > 6 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "3:3"
    ws.page_margins.left = ws.page_margins.right = 0.5


def _workbook(title: str, subtitle: str, headers: list[str], rows: list[list[Any]], widths: list[int],
              mark: str = "", footer: list[str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    n = len(headers)
    ws.append([title + mark])
    if mark:                                  # printed on every page too
        ws.oddHeader.center.text = mark.strip("（）")
        ws.evenHeader.center.text = mark.strip("（）")
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
            elif isinstance(c.value, date):
                c.number_format = "yyyy-mm-dd"   # a real date cell (sorts and filters as a date)
    ws.freeze_panes = "A4"
    _print_setup(ws, n)
    _footer(ws, footer or [], n)
    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)         # a name like =HYPERLINK(…) stays text
    return buf.getvalue()


def official_list_xlsx(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame,
                       round_name: str, effective: date | None, draft: bool = False) -> bytes:
    """领导干部担任班主任名单: one row per cadre-class pair, header on row 3 (title rows above).
    `draft` (the round is not published): the title and the printed page header say 草稿."""
    df = _rows(assignment, cadres, classes)
    rows = []
    for k, r in enumerate(df.itertuples(index=False), start=1):
        start = r.start if "start" in df.columns and not pd.isna(r.start) else effective
        rows.append([k, r.name, r.cadre_id, r.unit, r.position, LEVEL_ZH.get(r.level, r.level), r.class_id,
                     r.class_name, r.college, r.major, int(r.grade), int(r.size),
                     pd.Timestamp(start).date() if start is not None and not pd.isna(start) else ""])
    sub = f"{round_name}" + (f" · 自{effective:%Y年%m月%d日}起执行" if effective else "") + f" · 共{len(rows)}人次"
    return _workbook(OFFICIAL_TITLE, sub, OFFICIAL_COLUMNS, rows,
                     [6, 10, 12, 22, 16, 10, 14, 28, 18, 18, 8, 8, 12], DRAFT_MARK if draft else "")


def publicity_notice(period_days: int, channel: str, office: str, issued: date) -> list[str]:
    """The lines a 公示 carries under the names: 公示期, 反映渠道, the issuing office and date."""
    lines = [f"公示期：{issued:%Y年%m月%d日}起{period_days}个工作日。公示期间如有意见，请实名向发布单位反映。"]
    if channel:
        lines.append(f"反映渠道：{channel}")
    if office:
        lines.append(office)
    lines.append(f"{issued:%Y年%m月%d日}")
    return lines


def publicity_list_xlsx(assignment: pd.DataFrame, cadres: pd.DataFrame, classes: pd.DataFrame,
                        round_name: str, effective: date | None, draft: bool = False,
                        notice: list[str] | None = None) -> bytes:
    """公示名单: 姓名, 单位, 班级, 学院 — nothing else about the person. `draft`: 征求意见稿;
    `notice` (publicity_notice) under the names."""
    df = _rows(assignment, cadres, classes)
    rows = [[r.name, r.unit, r.class_name, r.college] for r in df.itertuples(index=False)]
    sub = f"{round_name}" + (f" · 拟自{effective:%Y年%m月%d日}起" if effective else "")
    return _workbook(PUBLICITY_TITLE, sub, PUBLICITY_COLUMNS, rows, [12, 24, 30, 20],
                     COMMENT_MARK if draft else "", footer=notice)


def read_header(xlsx: bytes) -> list[str]:
    """The column headers of an exported list (row 3), for checks."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx), read_only=True).active
    return [c for c in next(ws.iter_rows(min_row=3, max_row=3, values_only=True)) if c is not None]
