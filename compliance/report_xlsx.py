"""The annual report as a fileable workbook: 汇总 (summary), 目录 (index), one 履职纪实 sheet per cadre.

Every sheet prints on A4 landscape, fit to width, header rows repeated, page numbers in the
footer. Every text cell is written as text (never a formula), whatever the user typed.
"""
from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from .report import AnnualReport, CadreReport
from .rules import VENUES

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
PCT = "0.0%"
SIGN_SUMMARY = "填表人：____________　　审核人：____________　　单位（盖章）：____________　　日期：______年____月____日"
SIGN_CADRE = "本人签字：____________　　日期：______年____月____日　　　　审核人：____________　　日期：______年____月____日"


def put(ws, row: int, col: int, value, *, fmt: str | None = None, bold: bool = False, box: bool = False,
        align: Alignment | None = None):
    """One cell; text is stored as text (data type 's') so nothing a user typed becomes a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = None if value is None or (not isinstance(value, date) and pd.isna(value)) else value
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    if box:
        cell.border = _BOX
    cell.alignment = align or _WRAP
    return cell


def _title_block(ws, rep: AnnualReport, title: str, width: int) -> None:
    for r, (text, size) in enumerate(((title, 15), (rep.subtitle, 11), (rep.uses, 11)), start=1):
        put(ws, r, 1, text, align=_CENTER if r == 1 else _WRAP).font = Font(bold=r == 1, size=size)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.row_dimensions[1].height = 26


def _header(ws, row: int, labels: list[str]) -> None:
    for c, text in enumerate(labels, start=1):
        cell = put(ws, row, c, text, bold=True, box=True, align=_CENTER)
        cell.fill = _HEAD_FILL


def _print_setup(ws, title_rows: str, last_col: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.text = "&A"
    ws.print_area = f"A1:{get_column_letter(last_col)}{ws.max_row}"


def _link(cell, sheet: str) -> None:
    """An internal link (a hyperlink location, not a HYPERLINK formula)."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1", display=str(cell.value))
    cell.font = Font(color="0563C1", underline="single")


def sheet_title(cr: CadreReport, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", f"{cr.cadre_id} {cr.name}".strip())[:31] or "sheet"
    title, i = base, 2
    while title in used:
        suffix = f"~{i}"
        title, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(title)
    return title


def summary_labels(rep: AnnualReport) -> list[str]:
    rules = [f"{c.name_zh}（达标{c.unit}数/应考核{c.unit}数）" for c in rep.columns]
    return ["序号", "工号", "姓名", "单位", "职务", "层级", "所带班级（起止日期）", *rules, "完成率", "未达标周期数", "等次建议"]


def _summary(ws, rep: AnnualReport) -> None:
    labels = summary_labels(rep)
    n = len(labels)
    k = len(rep.columns)
    _title_block(ws, rep, rep.title, n)
    _header(ws, 4, labels)
    ws.row_dimensions[4].height = 58
    r = 5
    for i, cr in enumerate(rep.cadres, start=1):
        vals = [i, cr.cadre_id, cr.name, cr.unit, cr.position, cr.level_zh, cr.classes_text]
        for c, v in enumerate(vals, start=1):
            put(ws, r, c, v, box=True)
        for j, col in enumerate(rep.columns):
            put(ws, r, 8 + j, cr.tallies[col.rule_id].text(), box=True, align=_CENTER)
        put(ws, r, 8 + k, cr.rate, fmt=PCT, box=True, align=_CENTER)
        put(ws, r, 9 + k, sum(t.missed for t in cr.tallies.values()), box=True, align=_CENTER)
        put(ws, r, 10 + k, cr.conclusion, box=True, align=_CENTER)
        r += 1
    totals = rep.totals()
    put(ws, r, 1, "合计", bold=True, box=True)
    put(ws, r, 3, f"共{len(rep.cadres)}人", bold=True, box=True)
    unassigned = sum(not cr.classes for cr in rep.cadres)
    put(ws, r, 7, f"带班{len(rep.cadres) - unassigned}人，未带班{unassigned}人", bold=True, box=True)
    for j, col in enumerate(rep.columns):
        put(ws, r, 8 + j, totals[col.rule_id].text(), bold=True, box=True, align=_CENTER)
    put(ws, r, 8 + k, rep.mean_rate(), fmt=PCT, bold=True, box=True, align=_CENTER)
    put(ws, r, 9 + k, sum(t.missed for t in totals.values()), bold=True, box=True, align=_CENTER)
    put(ws, r, 10 + k, "；".join(f"{g}{v}人" for g, v in rep.conclusion_counts().items() if v), bold=True, box=True)
    r += 1
    put(ws, r, 1, "达标率", bold=True, box=True)
    for j, col in enumerate(rep.columns):
        put(ws, r, 8 + j, totals[col.rule_id].rate, fmt=PCT, bold=True, box=True, align=_CENTER)
    for c in list(range(2, 8)) + [8 + k, 9 + k, 10 + k]:
        put(ws, r, c, None, box=True)
    r += 2
    put(ws, r, 1, rep.explanation())
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
    ws.row_dimensions[r].height = 48
    put(ws, r + 2, 1, SIGN_SUMMARY)
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=n)
    ws.row_dimensions[r + 2].height = 24
    for c, w in enumerate([5, 11, 8, 16, 12, 9, 30] + [11] * k + [8, 8, 12], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "D5"
    _print_setup(ws, "4:4", n)


def _index(ws, rep: AnnualReport) -> None:
    labels = ["序号", "工号", "姓名", "单位", "职务", "层级", "等次建议", "履职纪实"]
    _title_block(ws, rep, "领导干部担任班主任履职纪实目录", len(labels))
    _header(ws, 4, labels)
    for i, cr in enumerate(rep.cadres, start=1):
        r = 4 + i
        for c, v in enumerate([i, cr.cadre_id, cr.name, cr.unit, cr.position, cr.level_zh, cr.conclusion], start=1):
            put(ws, r, c, v, box=True)
        link = put(ws, r, 8, f"查看：{cr.sheet}", box=True)
        _link(link, cr.sheet)
    for c, w in enumerate([5, 11, 9, 18, 14, 9, 12, 30], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, "4:4", len(labels))


def _table(ws, row: int, title: str, labels: list[str], rows: list[list], fmts: dict[int, str] | None = None,
           empty: str = "（无）") -> int:
    put(ws, row, 1, title, bold=True)
    _header(ws, row + 1, labels)
    r = row + 2
    if not rows:
        put(ws, r, 1, empty, box=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(labels))
        return r + 2
    for vals in rows:
        for c, v in enumerate(vals, start=1):
            put(ws, r, c, v, box=True, fmt=(fmts or {}).get(c))
        r += 1
    return r + 1


def rule_rows(rep: AnnualReport, cr: CadreReport) -> list[list]:
    rows = []
    for col in rep.columns:
        t = cr.tallies[col.rule_id]
        rows.append([col.name_zh, f"每{col.unit}", t.met, t.missed, t.pending, t.exempt, t.rate])
    return rows


def _cadre_sheet(ws, rep: AnnualReport, cr: CadreReport) -> None:
    width = 7
    _title_block(ws, rep, f"领导干部担任班主任履职纪实：{cr.name}", width)
    info = [("工号", cr.cadre_id, "姓名", cr.name, "层级", cr.level_zh),
            ("单位", cr.unit, "职务", cr.position, "等次建议", cr.conclusion)]
    r = 4
    for vals in info:
        for c, v in enumerate(vals):
            put(ws, r, c + 1, v, bold=c % 2 == 0, box=True)
        put(ws, r, 7, None, box=True)
        r += 1
    put(ws, r, 1, "所带班级", bold=True, box=True)
    put(ws, r, 2, cr.classes_text, box=True)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
    put(ws, r + 1, 1, "完成率", bold=True, box=True)
    put(ws, r + 1, 2, cr.rate, fmt=PCT, box=True)
    back = put(ws, r + 1, 7, "返回目录")
    _link(back, "目录")
    r += 3
    r = _table(ws, r, "一、工作要求完成情况", ["工作要求", "周期", "达标", "未达标", "进行中", "免予考核", "达标率"],
               rule_rows(rep, cr), {7: PCT})
    missing = [v for v in VENUES if v not in cr.venues]
    put(ws, r, 1, "二、九进场所", bold=True)
    put(ws, r + 1, 1, f"已到 {len(cr.venues)}/{rep.venue_target}：{'、'.join(cr.venues) or '无'}；"
                      f"未到：{'、'.join(missing) or '无'}；活动 {len(cr.activities)} 次，覆盖学生 {cr.students} 人次")
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=width)
    r += 3
    a = cr.activities
    rows = [[d, t, v, k, None if pd.isna(s) else int(s), None if pd.isna(m) else int(m), txt]
            for d, t, v, k, s, m, txt in a[["日期", "类型", "场所", "班级", "学生人数", "时长", "内容"]].itertuples(index=False)]
    r = _table(ws, r, "三、履职活动记录", ["日期", "类型", "场所", "班级", "学生人数", "时长（分钟）", "内容"], rows,
               {1: "yyyy-mm-dd"})
    m = cr.missed
    rows = [[w, p, f"{s:%Y-%m-%d}至{e:%Y-%m-%d}", int(q), int(d)] for w, p, s, e, q, d in m.itertuples(index=False)]
    r = _table(ws, r, "四、未完成事项（未达标的周期）", ["工作要求", "周期", "起止日期", "要求次数", "完成次数"], rows)
    put(ws, r + 1, 1, SIGN_CADRE)
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=width)
    for c, w in enumerate([26, 14, 22, 12, 10, 12, 44], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, "1:3", width)


def write_xlsx(rep: AnnualReport) -> bytes:
    """The workbook as bytes: 汇总, 目录, then one 履职纪实 sheet per cadre (in the summary's order)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    used = {"汇总", "目录"}
    for cr in rep.cadres:
        cr.sheet = sheet_title(cr, used)
    _summary(ws, rep)
    _index(wb.create_sheet("目录"), rep)
    for cr in rep.cadres:
        _cadre_sheet(wb.create_sheet(cr.sheet), rep, cr)
    wb.properties.creator = "Yixian"
    from importer.writers import neutralise_formulas  # a second guard: no cell is ever a formula

    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()
