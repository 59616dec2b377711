"""The annual report as PDF (fpdf2, pure Python): the same content as the workbook.

A4 landscape; the summary first, then one 履职纪实 per cadre starting on a new page. The CJK font
is embedded (subset): it must have TrueType outlines (WenQuanYi Zen Hei, AR PL UMing; the
OpenType/CFF Noto Sans CJK cannot be embedded this way). `YIXIAN_PDF_FONT` names another file.
"""
from __future__ import annotations

import logging
import os
from datetime import UTC
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, WrapMode

from .report import AnnualReport, CadreReport, ReportError
from .report_xlsx import SIGN_CADRE, SIGN_SUMMARY, rule_rows, summary_labels
from .rules import VENUES

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)
FAMILY = "cjk"
HEAD = FontFace(emphasis="", fill_color=(221, 235, 247))    # the CJK font has no bold face: colour marks headings


def font_path() -> Path:
    """The TrueType CJK font to embed; ReportError when none is installed."""
    env = os.environ.get("YIXIAN_PDF_FONT")
    for p in ([env] if env else []) + list(FONT_CANDIDATES):
        if p and Path(p).is_file():
            return Path(p)
    raise ReportError("未找到可嵌入的中文 TrueType 字体（请安装 fonts-wqy-zenhei，或用 YIXIAN_PDF_FONT 指定字体文件）",
                      "no embeddable CJK TrueType font found (install fonts-wqy-zenhei or set YIXIAN_PDF_FONT)")


class _Pdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=14)
        path = str(font_path())
        self.add_font(FAMILY, "", path)
        self.set_font(FAMILY, size=9)

    def footer(self):
        self.set_y(-10)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, f"{self.footer_text}　第 {self.page_no()} 页，共 {{nb}} 页", align="C")


def _pct(v) -> str:
    return "" if v is None else f"{v:.1%}"


def _title(pdf: _Pdf, rep: AnnualReport, title: str) -> None:
    pdf.set_font(FAMILY, size=15)
    pdf.cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9.5)
    pdf.cell(0, 6, rep.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, rep.uses, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _table(pdf: _Pdf, labels: list[str], rows: list[list], widths: list[float], size: float = 8,
           align: str | tuple[str, ...] = "LEFT") -> None:
    pdf.set_font(FAMILY, size=size)
    with pdf.table(col_widths=widths, headings_style=HEAD, line_height=size * 0.5, text_align=align,
                   wrapmode=WrapMode.CHAR, padding=0.8, repeat_headings=1,
                   cell_fill_mode=TableCellFillMode.NONE) as table:
        for row in [labels, *rows]:
            r = table.row()
            for v in row:
                r.cell("" if v is None else str(v))


def _fast_table(pdf: _Pdf, labels: list[str], rows: list[list], widths: list[float], size: float = 8) -> None:
    """A long table of short cells, only the last column wrapping (the ledger, the missed periods):
    drawn with rectangles and text runs, the heading repeated on each new page. It looks like
    `_table` and is several times faster for hundreds of rows (fpdf2's table lays out every cell)."""
    lh, pad = size * 0.5, 0.8
    pdf.set_font(FAMILY, size=size)
    base = lh / 2 + size * 0.352778 * 0.35   # baseline inside a line: centred (pt -> mm; CJK glyphs ≈ 0.85 em)

    def draw(row: list, fill: bool) -> None:
        text = "" if row[-1] is None else str(row[-1])
        inner = widths[-1] - 2 * pad
        lines = ([text] if pdf.get_string_width(text) <= inner
                 else pdf.multi_cell(inner, lh, text, dry_run=True, output="LINES") or [""])
        h = len(lines) * lh + 2 * pad
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
            draw(labels, True)
        x, y = pdf.l_margin, pdf.get_y()
        for i, (v, w) in enumerate(zip(row, widths)):
            pdf.rect(x, y, w, h, style="DF" if fill else "D")
            cell_lines = lines if i == len(row) - 1 else ["" if v is None else str(v)]
            for j, line in enumerate(cell_lines):
                pdf.text(x + pad, y + pad + j * lh + base, line)
            x += w
        pdf.set_xy(pdf.l_margin, y + h)

    pdf.set_fill_color(221, 235, 247)
    draw(labels, True)
    for row in rows:
        draw(row, False)
    pdf.set_fill_color(255, 255, 255)       # fpdf2's own tables fill with the current colour


def _summary(pdf: _Pdf, rep: AnnualReport) -> None:
    pdf.add_page()
    _title(pdf, rep, rep.title)
    labels = summary_labels(rep)
    rows = []
    for i, cr in enumerate(rep.cadres, start=1):
        rows.append([i, cr.cadre_id, cr.name, cr.unit, cr.position, cr.level_zh, cr.classes_text,
                     *[cr.tallies[c.rule_id].text() for c in rep.columns], _pct(cr.rate),
                     sum(t.missed for t in cr.tallies.values()), cr.conclusion])
    totals = rep.totals()
    unassigned = sum(not cr.classes for cr in rep.cadres)
    rows.append(["合计", "", f"共{len(rep.cadres)}人", "", "", "", f"带班{len(rep.cadres) - unassigned}人，未带班{unassigned}人",
                 *[totals[c.rule_id].text() for c in rep.columns], _pct(rep.mean_rate()),
                 sum(t.missed for t in totals.values()),
                 "；".join(f"{g}{v}人" for g, v in rep.conclusion_counts().items() if v)])
    rows.append(["达标率", "", "", "", "", "", "", *[_pct(totals[c.rule_id].rate) for c in rep.columns], "", "", ""])
    k = len(rep.columns)
    align = ("CENTER",) + ("LEFT",) * 6 + ("CENTER",) * (k + 3)
    _table(pdf, labels, rows, [7, 14, 11, 20, 15, 12, 38] + [15] * k + [11, 11, 16], size=7, align=align)
    pdf.ln(3)
    pdf.set_font(FAMILY, size=8)
    pdf.multi_cell(0, 4.5, rep.explanation(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FAMILY, size=10)
    pdf.multi_cell(0, 6, SIGN_SUMMARY, new_x="LMARGIN", new_y="NEXT")


def _cadre(pdf: _Pdf, rep: AnnualReport, cr: CadreReport) -> None:
    pdf.add_page()
    _title(pdf, rep, f"领导干部担任班主任履职纪实：{cr.name}")
    info = [["工号", cr.cadre_id, "姓名", cr.name, "层级", cr.level_zh],
            ["单位", cr.unit, "职务", cr.position, "等次建议", cr.conclusion],
            ["所带班级", cr.classes_text, "完成率", _pct(cr.rate), "", ""]]
    pdf.set_font(FAMILY, size=9)
    with pdf.table(col_widths=[22, 80, 22, 60, 25, 64], first_row_as_headings=False, line_height=5,
                   wrapmode=WrapMode.CHAR, padding=0.8) as table:
        for row in info:
            r = table.row()
            for v in row:
                r.cell(str(v))
    pdf.ln(3)
    _section(pdf, "一、工作要求完成情况")
    rows = [[n, p, m, x, pe, e, _pct(rt)] for n, p, m, x, pe, e, rt in rule_rows(rep, cr)]
    _table(pdf, ["工作要求", "周期", "达标", "未达标", "进行中", "免予考核", "达标率"], rows,
           [80, 25, 25, 25, 25, 25, 30], size=8.5, align=("LEFT",) + ("CENTER",) * 6)
    pdf.ln(3)
    _section(pdf, "二、九进场所")
    missing = [v for v in VENUES if v not in cr.venues]
    pdf.set_font(FAMILY, size=9)
    pdf.multi_cell(0, 5, f"已到 {len(cr.venues)}/{rep.venue_target}：{'、'.join(cr.venues) or '无'}；未到："
                         f"{'、'.join(missing) or '无'}；活动 {len(cr.activities)} 次，覆盖学生 {cr.students} 人次",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _section(pdf, "三、履职活动记录")
    a = cr.activities
    rows = [[f"{d:%Y-%m-%d}", t, v, k, "" if pd.isna(s) else int(s), "" if pd.isna(m) else int(m), txt]
            for d, t, v, k, s, m, txt in a[["日期", "类型", "场所", "班级", "学生人数", "时长", "内容"]].itertuples(index=False)]
    _fast_table(pdf, ["日期", "类型", "场所", "班级", "学生人数", "时长（分钟）", "内容"],
                rows or [["（无）", "", "", "", "", "", ""]], [22, 30, 18, 26, 16, 20, 141], size=8)
    pdf.ln(3)
    _section(pdf, "四、未完成事项（未达标的周期）")
    rows = [[w, p, f"{s:%Y-%m-%d}至{e:%Y-%m-%d}", int(q), int(d)] for w, p, s, e, q, d in cr.missed.itertuples(index=False)]
    _fast_table(pdf, ["工作要求", "周期", "起止日期", "要求次数", "完成次数"], rows or [["（无）", "", "", "", ""]],
                [80, 40, 60, 44, 49], size=8)
    pdf.ln(8)
    pdf.set_font(FAMILY, size=10)
    pdf.multi_cell(0, 6, SIGN_CADRE, new_x="LMARGIN", new_y="NEXT")


def _section(pdf: _Pdf, text: str) -> None:
    pdf.set_font(FAMILY, size=10.5)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def write_pdf(rep: AnnualReport) -> bytes:
    """The report as PDF bytes (summary, then one 履职纪实 per cadre)."""
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)   # "BDF NOT subset" notes on stderr
    pdf = _Pdf(f"领导干部担任班主任履职情况（{rep.year.label}）")
    pdf.set_title(f"{rep.title}（{rep.year.label}）")
    pdf.set_creator("Yixian")
    pdf.set_creation_date(pd.Timestamp(rep.as_of).to_pydatetime().replace(tzinfo=UTC))
    _summary(pdf, rep)
    for cr in rep.cadres:
        _cadre(pdf, rep, cr)
    return bytes(pdf.output())
