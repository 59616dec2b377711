"""Upload flow behind the Data page: parse with the one importer, then commit to the store.

Admin only, like every entry point of services.data. Parsing never writes; committing writes all
or nothing (the store's services are transactional).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

import importer
from common import vocabulary
from common.errors import YixianError
from services import access
from services import data as data_service
from store.auth import UserInfo
from store.errors import StoreError

# Order = the order an office fills them in: people and classes first, references after.
IMPORTABLE_KINDS = ["cadres", "classes", "preferences", "constraints", "exemptions", "ledger", "calendar"]
BROWSABLE_KINDS = ["cadres", "classes", "preferences", "constraints", "exemptions", "ledger", "calendar",
                   "assignment"]


class DataError(YixianError):
    """A refused upload step (bilingual)."""


@dataclass
class ParseResult:
    kind: str
    filename: str
    problems: list = field(default_factory=list)
    frame: pd.DataFrame | None = None
    terms: list | None = None

    @property
    def rows(self) -> int:
        if self.terms is not None:
            return len(self.terms)
        return 0 if self.frame is None else len(self.frame)

    @property
    def preview(self) -> pd.DataFrame:
        if self.terms is not None:
            return terms_frame(self.terms)
        return self.frame.head(200) if self.frame is not None else pd.DataFrame()


def terms_frame(terms) -> pd.DataFrame:
    return pd.DataFrame([{
        "name": t.name, "start": pd.Timestamp(t.start), "weeks": t.weeks,
        "holidays": "；".join(f"{a:%Y-%m-%d}~{b:%Y-%m-%d}" for a, b in t.holidays),
    } for t in terms])


def parse_upload(user: UserInfo, kind: str, raw: bytes, filename: str) -> ParseResult:
    """Read one uploaded file; references are checked against what the store holds."""
    result = ParseResult(kind=kind, filename=filename)
    try:
        if kind == "calendar":
            access.require(user, *data_service.ROLES, action="data.parse")
            result.terms = importer.read_calendar(raw, filename=filename)
        else:
            result.frame = importer.read_file(kind, raw, filename=filename, refs=data_service.refs(user),
                                              today=date.today())
    except importer.ImportFailed as exc:
        result.problems = list(exc.problems)
    if result.frame is not None:
        # what the commit would refuse for references: rows of the same problem table, before any
        # write (the frame is kept: the change summary says what the file would have done)
        result.problems = reference_problems(user, kind, result.frame, filename)
    return result


def commit_upload(user: UserInfo, kind: str, result: ParseResult, lang: str = "zh") -> str:
    access.require(user, *data_service.ROLES, action="data.import")
    if result.problems:
        raise DataError("文件有错误，未导入。", "The file has problems; nothing was imported.")
    try:
        if kind == "calendar":
            data_service.save_calendar(user, result.terms)
            n = len(result.terms)
            return f"{n} 个学期" if lang == "zh" else f"{n} term(s)"
        r = data_service.import_kind(user, kind, result.frame)
        return (f"{r.rows} 行（新增 {r.added}，更新 {r.changed}，删除 {r.removed}）" if lang == "zh"
                else f"{r.rows} rows ({r.added} added, {r.changed} changed, {r.removed} removed)")
    except StoreError as exc:  # store refuses (e.g. would orphan a published assignment)
        # one sentence; the references behind it are details (shown folded)
        raise DataError(exc.headline("zh"), exc.headline("en"), exc.detail_lines("zh")) from exc


def template(user: UserInfo, kind: str) -> tuple[bytes, str, str]:
    access.require(user, *data_service.ROLES, action="data.template")
    zh = vocabulary.label(vocabulary.DATA_KINDS, kind)
    if kind == "calendar":
        return importer.template_calendar().encode("utf-8"), "校历模板.toml", "application/toml"
    return (importer.template_xlsx(kind), f"{zh}模板.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def load_for_browse(user: UserInfo, kind: str) -> pd.DataFrame:
    if kind == "calendar":
        return terms_frame(data_service.load_calendar(user))
    return data_service.load_kind(user, kind)      # "assignment": the rows in force


def change_summary(user: UserInfo, kind: str, result: ParseResult):
    """What committing `result` would change (services.import_preview.ChangeSummary); None for a
    calendar or a file with problems."""
    from services.import_preview import change_summary as summary
    access.require(user, *data_service.ROLES, action="data.parse")
    if kind == "calendar" or result.frame is None:
        return None
    return summary(user, kind, result.frame)


ONE_ROW_KINDS = ("cadres", "classes")


def _one_row_csv(kind: str, record: dict) -> bytes:
    import csv
    import io
    columns = importer.SCHEMAS[kind].columns
    cols = [c.id for c in columns]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.header for c in columns])           # problems then name the column as the page does
    w.writerow(["；".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None else str(v))
                for v in (record.get(c) for c in cols)])
    return buf.getvalue().encode("utf-8")


def save_one(user: UserInfo, kind: str, record: dict, lang: str = "zh") -> str:
    """Add or edit one cadre or one class without re-uploading the roster: the row is checked by
    the importer exactly as a row of a file, then the table is replaced with it (same store checks
    and audit as an import). Returns the import summary."""
    access.require(user, *data_service.ROLES, action="data.import")
    if kind not in ONE_ROW_KINDS:
        raise DataError(f"不能单条编辑此类数据：{kind}", f"kind {kind!r} cannot be edited one row at a time")
    key = "cadre_id" if kind == "cadres" else "class_id"
    try:
        row = importer.read_file(kind, _one_row_csv(kind, record), filename=str(record.get(key) or ""))
    except importer.ImportFailed as exc:
        lines = [p.message(lang) for p in exc.problems]
        raise DataError("这一行有错误，未保存", "this row has problems; nothing was saved", lines) from None
    current = data_service.load_kind(user, kind)
    merged = pd.concat([current[current[key] != row[key].iloc[0]], row], ignore_index=True)
    result = ParseResult(kind=kind, filename="", frame=merged[row.columns])
    return commit_upload(user, kind, result, lang)


_ID_COLUMNS = {"cadres": ("cadre_id",), "classes": ("class_id", "college", "major", "grade")}


def _header(kind: str, column: str) -> str | None:
    try:
        return importer.SCHEMAS[kind].column(column).header
    except (KeyError, StopIteration, ValueError):
        return None


def reference_problems(user: UserInfo, kind: str, frame: pd.DataFrame, filename: str) -> list:
    """The store's reference check of this import as importer.Problems of the uploaded file: an id
    the file drops that other data still use is named in the file's column for it, with the data
    (and its rows) that still use it — no row of the file: the row is what is missing. One problem
    per id and kind of data."""
    grouped: dict[tuple, list] = {}
    for p in data_service.reference_problems(user, kind, frame):
        grouped.setdefault((p.kind, p.column, p.value, p.zh if p.kind in ("assignment", "users", kind) else ""),
                           []).append(p)
    out = []
    for (where, col, value, _), ps in grouped.items():
        p = ps[0]
        if where == kind:
            out.append(importer.Problem(filename, None, _header(kind, col), value, p.zh, p.en))
            continue
        column = col if col in _ID_COLUMNS.get(kind, ()) else (_ID_COLUMNS.get(kind) or (col,))[0]
        if where in ("assignment", "users"):
            zh, en = f"本文件删除了它，但它{p.zh}", f"this file removes it, but it is {p.en}"
        else:
            rows = "、".join(str(q.row) for q in ps[:10]) + ("…" if len(ps) > 10 else "")
            rows_en = ", ".join(str(q.row) for q in ps[:10]) + ("…" if len(ps) > 10 else "")
            wz, we = vocabulary.label(vocabulary.DATA_KINDS, where), vocabulary.label(vocabulary.DATA_KINDS, where, "en")
            zh = f"本文件删除了它，但已导入的{wz}第{rows}行仍引用它：请保留该行，或先修改{wz}"
            en = f"this file removes it, but rows {rows_en} of the imported {we} still use it: keep the row, or change them first"
        out.append(importer.Problem(filename, None, _header(kind, column), value, zh, en))
    return out
