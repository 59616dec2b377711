"""Raw tables from user files: bytes -> rows of cells with the row numbers the user sees."""
from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .problems import Problem
from .writers import csv_unescape

Row = tuple[int, list[Any]]      # (row number as the user sees it, cell values)


@dataclass
class Sheet:
    name: str | None              # None for CSV
    rows: list[Row]


@dataclass
class Workbook:
    fmt: str                      # "xlsx" | "csv"
    sheets: list[Sheet] = field(default_factory=list)


class Unreadable(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.expected_en)
        self.problem = problem


def load_source(source: Any, filename: str | None) -> tuple[bytes, str | None]:
    """Accept a path, bytes or a file-like object (incl. Streamlit's UploadedFile)."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            data = fh.read()
        return data, filename or os.path.basename(os.fspath(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), filename
    if hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise TypeError(f"cannot read from {type(source).__name__}; give a path, bytes or a file object")
    if isinstance(data, str):          # a text-mode handle: we re-encode and detect as UTF-8
        data = data.encode("utf-8")
    name = filename or getattr(source, "name", None)
    if isinstance(name, str):
        name = os.path.basename(name)
    else:
        name = None
    return bytes(data), name


def _fail(file: str, zh: str, en: str, row: int | None = None, value: Any = None) -> Unreadable:
    return Unreadable(Problem(file, row, None, value, zh, en))


def read_workbook(data: bytes, filename: str | None, label: str) -> Workbook:
    """label names the file in problems. Raises Unreadable for whole-file problems."""
    ext = os.path.splitext(filename or "")[1].lower()
    if not data:
        raise _fail(label, "文件为空", "the file is empty")
    if ext == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(label, "不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
                    "old Excel .xls files are not supported; save as .xlsx in Excel or WPS and import again")
    if ext in (".xlsx", ".xlsm") or (not ext and data[:2] == b"PK"):
        return _read_xlsx(data, label)
    if ext in (".csv", ".txt") or not ext:
        return _read_csv(data, label)
    raise _fail(label, f"不支持的文件类型“{ext}”，请上传 .xlsx 或 .csv 文件",
                f"unsupported file type '{ext}'; upload an .xlsx or .csv file", value=ext)


def _read_xlsx(data: bytes, label: str) -> Workbook:
    import openpyxl

    bad = _fail(label, "无法读取该 Excel 文件（文件已损坏或不是 .xlsx 格式）",
                "cannot read this Excel file (corrupt or not an .xlsx file)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise bad
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (KeyError, BadZipFile, XML errors) for bad files
        raise bad from None
    out = Workbook("xlsx")
    try:
        for ws in wb.worksheets:
            rows: list[Row] = []
            # read_only mode yields missing rows as empty tuples, so enumerate gives Excel's numbering.
            for n, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
                rows.append((n, list(values)))
            out.sheets.append(Sheet(ws.title, rows))
    except Exception:  # noqa: BLE001 - any failure while reading cells means a corrupt file
        raise bad from None
    finally:
        wb.close()
    if not out.sheets:
        raise _fail(label, "Excel 文件中没有工作表", "the Excel file has no worksheet")
    return out


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (superset of GBK)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e1:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as e2:
            # The encoding that got further is most likely the intended one: point there.
            pos = max(e1.start, e2.start)
            line = data.count(b"\n", 0, pos) + 1
            raise _fail(label, "文件包含无法识别的字符：既不是 UTF-8 也不是 GBK/GB18030 编码，请另存为 UTF-8 CSV 或 .xlsx",
                        "the file contains bytes that are neither UTF-8 nor GBK/GB18030; "
                        "save it as UTF-8 CSV or .xlsx",
                        row=line, value=data[pos:pos + 4].hex(" ")) from None


def _read_csv(data: bytes, label: str) -> Workbook:
    text = decode_text(data, label)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = "\t" if ("\t" in first and "," not in first) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    end = 0
    try:
        for values in reader:
            # a field Yixian neutralised against formula injection ('=…) reads back as written
            rows.append((end + 1, [csv_unescape(v) if v[:1] == "'" else v for v in values]))     # a quoted field may span lines: report where the row starts
            end = reader.line_num
    except csv.Error as e:
        raise _fail(label, f"CSV 格式错误：{e}", f"malformed CSV: {e}", row=reader.line_num) from None
    return Workbook("csv", [Sheet(None, rows)])
