"""Files Yixian writes: import templates and exports, generated from the same column definitions
so that every written file re-imports identically."""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from .schema import (
    BOOL,
    CONSTRAINT_TYPE_ZH,
    DATE,
    ENUM,
    ENUMS,
    FLOAT,
    GRADE,
    INT,
    LEDGER_TYPE_ZH,
    LEVEL_ZH,
    PREFERENCE_KIND_ZH,
    TAGS,
    Column,
    Kind,
)
from .schema import (
    kind as get_kind,
)

# ---------------------------------------------------------------- user text stays text
# A spreadsheet treats a cell starting with = + - @ (and, in CSV, a leading tab or CR) as a formula:
# a cadre named =HYPERLINK(...) must not become a live link in a list that is posted or mailed.
# - xlsx: every cell openpyxl would write as a formula is written as a text cell (data_type "s").
# - csv: such a cell gets one leading apostrophe; the importer takes it off again (csv_unescape),
#   and a text that already starts with apostrophes before one of those characters gets one more,
#   so that writing then reading any text gives the text back exactly.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def csv_safe(v: Any, numeric: bool = False) -> Any:
    """A CSV field that no spreadsheet reads as a formula. `numeric`: the column holds numbers,
    so a plain number such as -1.5 is left alone (anything else is still neutralised)."""
    if not isinstance(v, str) or not _FORMULA_START.match(v):
        return v
    if numeric and _NUMBER.match(v):
        return v
    return "'" + v


def csv_unescape(v: Any) -> Any:
    """Undo csv_safe on a field read from a CSV file: one apostrophe before a formula start is dropped."""
    if isinstance(v, str) and v[:1] == "'" and _FORMULA_START.match(v, 1):
        return v[1:]
    return v


def neutralise_formulas(wb: Any) -> Any:
    """Make every would-be formula cell of an openpyxl workbook a text cell (before saving it).
    Yixian never writes formulas on purpose, so every formula cell came from user text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


OUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def out_format(path: str) -> str | None:
    """"csv" or "xlsx" from an output file name's extension; None for anything else."""
    return OUT_FORMATS.get(str(path)[str(path).rfind("."):].lower()) if "." in str(path) else None


def frame_csv(df: pd.DataFrame) -> bytes:
    """Any table (not a formats.md kind) as UTF-8-BOM CSV, text columns neutralised like write_csv."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_safe(str(c)) for c in df.columns])
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    for row in df.itertuples(index=False):
        w.writerow(["" if _missing(v) else csv_safe(v if isinstance(v, str) else str(v), n)
                    for v, n in zip(row, numeric, strict=True)])
    return buf.getvalue().encode("utf-8-sig")


def frame_xlsx(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """Any table as a one-sheet xlsx (header row, then rows); user text stays text."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        ws.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    return _save(wb)


_ENUM_ZH = {"level": LEVEL_ZH, "ledger_type": LEDGER_TYPE_ZH, "constraint_type": CONSTRAINT_TYPE_ZH,
            "preference_kind": PREFERENCE_KIND_ZH}


def _missing(v: Any) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (tuple, list, str)) else False
    except (TypeError, ValueError):
        return False


def _cell(c: Column, v: Any, chinese: bool, for_csv: bool, text: Any = None) -> Any:
    """Value to write for one cell; None = empty."""
    if _missing(v):
        return None
    if c.type == TAGS:
        tags = v if isinstance(v, (tuple, list)) else [str(v)]
        return ";".join(str(t) for t in tags) or None
    if c.type in (INT, GRADE):
        return str(int(v)) if for_csv else int(v)
    if c.type == FLOAT:
        f = float(v)
        if for_csv:
            return text if isinstance(text, str) and text else repr(f)
        as_read = str(int(f)) if f.is_integer() else repr(f)     # how a numeric cell reads back
        if isinstance(text, str) and text and text != as_read:
            return text                    # e.g. "1e-3": keep the text exactly as the user gave it
        # openpyxl writes numbers with 16 significant digits; keep exactness with a text cell.
        return f if float(f"{f:.16g}") == f else repr(f)
    if c.type == BOOL:
        if chinese:
            return "是" if v else "否"
        return ("true" if v else "false") if for_csv else bool(v)
    if c.type == DATE:
        d = pd.Timestamp(v).to_pydatetime()
        return d.date().isoformat() if for_csv else datetime(d.year, d.month, d.day)
    if c.type == ENUM and chinese:
        return _ENUM_ZH.get(c.enum or "", {}).get(str(v), str(v))
    return str(v) if str(v) != "" else None


def _records(k: Kind, df: pd.DataFrame, chinese: bool, for_csv: bool) -> list[list[Any]]:
    rows = []
    cols = [c for c in k.columns]
    data = {c.id: (df[c.id].tolist() if c.id in df.columns else [None] * len(df)) for c in cols}
    texts = df["score_text"].tolist() if (k.id == "scores" and "score_text" in df.columns) else None
    for i in range(len(df)):
        row = []
        for c in cols:
            t = texts[i] if (texts is not None and c.id == "score") else None
            row.append(_cell(c, data[c.id][i], chinese, for_csv, t))
        rows.append(row)
    return rows


def write_csv(kind: str, df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel opens it correctly), English ids as headers, codes for enums."""
    k = get_kind(kind)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.id for c in k.columns])
    numeric = [c.type in (INT, GRADE, FLOAT) for c in k.columns]
    for row in _records(k, df, chinese=False, for_csv=True):
        w.writerow(["" if v is None else csv_safe(v, n) for v, n in zip(row, numeric, strict=True)])
    return buf.getvalue().encode("utf-8-sig")


def _sheet(ws: Any, k: Kind, headers: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i, c in enumerate(k.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if c.required:
            cell.fill = fill
        ws.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(c.zh) + len(c.id) + 4)
    for row in rows:
        ws.append(row)
    for i, c in enumerate(k.columns, start=1):
        # Ids typed as text keep their leading zeros when the user edits the file in Excel.
        fmt = "yyyy-mm-dd" if c.type == DATE else ("@" if c.type not in (INT, GRADE, FLOAT, BOOL) else None)
        if fmt:
            for r in range(2, max(len(rows) + 2, 3)):
                ws.cell(row=r, column=i).number_format = fmt
    ws.freeze_panes = "A2"


def _save(wb: Any) -> bytes:
    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()


def write_xlsx(kind: str, df: pd.DataFrame, chinese_headers: bool = True) -> bytes:
    """One sheet named after the kind; headers `中文(id)` (or English ids), Chinese enum names."""
    from openpyxl import Workbook

    k = get_kind(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = k.sheet if chinese_headers else k.id
    headers = [c.header if chinese_headers else c.id for c in k.columns]
    _sheet(ws, k, headers, _records(k, df, chinese=chinese_headers, for_csv=False))
    return _save(wb)


def _dropdowns(ws: Any, k: Kind) -> None:
    """Drop-down lists for enum and yes/no columns, so Excel/WPS users pick valid values."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, c in enumerate(k.columns, start=1):
        if c.type == ENUM:
            choices = [aliases[0] for aliases in ENUMS[c.enum or ""].values()]
        elif c.type == BOOL:
            choices = ["是", "否"]
        else:
            continue
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                            showErrorMessage=False)     # a warning-free hint: the importer validates anyway
        col = get_column_letter(i)
        dv.add(f"{col}2:{col}2000")
        ws.add_data_validation(dv)


def _example(c: Column) -> Any:
    v = c.example
    if v in ("", None):
        return None
    return v


def template_xlsx(kind: str) -> bytes:
    """Import template: sheet named after the kind with `中文(id)` headers and one example row,
    and a sheet 说明 explaining every column in Chinese and English."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    k = get_kind(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = k.sheet
    _sheet(ws, k, [c.header for c in k.columns], [[_example(c) for c in k.columns]])
    _dropdowns(ws, k)

    doc = wb.create_sheet("说明")
    doc.append([f"{k.zh}（{k.id}）：{k.desc_zh} / {k.desc_en}"])
    doc.append([("第一行为示例，请替换为实际数据；表头可写中文、英文或“中文(英文)”；多余的列会被忽略。"
                " / Row 2 is an example: replace it. Headers may be Chinese, English or 中文(id); "
                "extra columns are ignored.")])
    doc.append([])
    head = ["列名", "Column id", "必填 / Required", "可填内容", "Accepted values", "说明", "Description", "示例 / Example"]
    doc.append(head)
    for cell in doc[4]:
        cell.font = Font(bold=True)
    for c in k.columns:
        req = "是 / yes" if c.required else "否 / no"
        if k.id == "ledger" and c.id == "venue":
            req = "除“向党委汇报”外必填 / yes, except for report"
        if k.id == "constraints" and c.id != "type":
            req = "视类型而定 / depends on type"
        default = ""
        if c.default not in (None, "", ()):
            default = f"（默认 {('否' if c.default is False else c.default)}）"
        doc.append([c.zh, c.id, req, c.accepted_zh() + default, c.accepted_en(), c.desc_zh, c.desc_en,
                    _example(c) if not isinstance(_example(c), (date, datetime)) else str(_example(c))])
    widths = [12, 16, 16, 40, 40, 40, 40, 20]
    from openpyxl.utils import get_column_letter
    for i, w in enumerate(widths, start=1):
        doc.column_dimensions[get_column_letter(i)].width = w
    for row in doc.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)
