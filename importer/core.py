"""read_file / read_bundle: header detection, typed parsing, validation, canonical DataFrames."""
from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from common.ids import activity_id

from . import columnar
from .limits import Limits, bad_char, char_label, limits, shown
from .problems import ImportFailed, Problem
from .schema import (
    BOOL,
    CONSTRAINT_TYPE_ZH,
    DATE,
    FLOAT,
    INT,
    LEDGER_TYPE_ZH,
    PREFERENCE_KIND_ZH,
    TAGS,
    TEXT,
    Column,
    Kind,
)
from .schema import (
    kind as get_kind,
)
from .tables import Row, Unreadable, load_source, read_workbook, too_big, too_many_rows
from .values import BadValue, clean, display, parse_cell, parse_grade, to_text

HEADER_SCAN_ROWS = 100   # title/blank rows above the header are skipped; no office sheet has 100 of them


@dataclass
class Refs:
    """What the store already holds, to check a single uploaded file's references.
    None means "unknown": the corresponding check is skipped."""
    cadre_ids: set[str] | None = None
    class_ids: set[str] | None = None
    colleges: set[str] | None = None
    majors: set[str] | None = None
    grades: set[str] | None = None

    def __post_init__(self) -> None:
        for name in ("cadre_ids", "class_ids", "colleges", "majors", "grades"):
            v = getattr(self, name)
            if v is not None:
                setattr(self, name, {to_text(x) for x in v})


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]        # id -> typed value (None when empty or invalid)
    raw: dict[str, Any]           # id -> cell value as read
    bad: set[str] = field(default_factory=set)


@dataclass
class Parsed:
    kind: Kind
    file: str
    headers: dict[str, str] = field(default_factory=dict)     # id -> header as written
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    usable: bool = False          # header found and rows parsed (references can be collected)
    columns: columnar.Columns | None = None     # the fast path's rows (then `rows` is empty)

    def materialise(self) -> None:
        """Turn the fast path's columns into the ParsedRows the row-by-row path builds."""
        cols, self.columns = self.columns, None
        if cols is None:
            return
        ids, raw_ids = [c.id for c in self.kind.columns], list(cols.raw)
        values = zip(*(cols.typed(c) for c in ids))
        raws = zip(*(cols.raw[c] for c in raw_ids))
        self.rows = [ParsedRow(n, dict(zip(ids, v)), dict(zip(raw_ids, r)))
                     for n, v, r in zip(cols.rownums, values, raws)]

    def column(self, cid: str) -> list[Any]:
        """Typed values of one column, in row order."""
        if self.columns is not None:
            return self.columns.typed(cid)
        return [r.values.get(cid) for r in self.rows]

    def col_label(self, cid: str) -> str:
        return self.headers.get(cid) or self.kind.column(cid).header

    def sort(self) -> None:
        """Whole-file problems first, then by row and by the column's position in the file."""
        order = {label: i for i, label in enumerate(self.headers.values())}
        self.problems.sort(key=lambda q: (-1 if q.row is None else q.row, order.get(q.column or "", -1)))

    def add(self, r: ParsedRow | None, cid: str | None, value: Any, zh: str, en: str) -> None:
        col = self.col_label(cid) if cid else None
        self.problems.append(Problem(self.file, r.row if r else None, col, value, zh, en))


# ---------------------------------------------------------------- headers

_PAIR = re.compile(r"^(.*?)\s*\(\s*([A-Za-z][A-Za-z0-9_ ]*)\s*\)$")


def _header_key(cell: Any) -> str:
    s = unicodedata.normalize("NFKC", to_text(cell)).strip()
    return s.rstrip("*").strip()          # templates in the wild mark required columns with *


def header_id(k: Kind, cell: Any) -> str | None:
    s = _header_key(cell)
    if not s:
        return None
    ids = {c.id.lower(): c.id for c in k.columns}
    zhs = {a: c.id for c in k.columns for a in c.aliases} | {c.zh: c.id for c in k.columns}
    m = _PAIR.match(s)
    if m:
        en = m.group(2).strip().lower().replace(" ", "_")
        if en in ids:
            return ids[en]
        return zhs.get(m.group(1).strip())
    return ids.get(s.lower().replace(" ", "_")) or zhs.get(s)


def _map_row(k: Kind, values: list[Any]) -> dict[int, str]:
    out = {}
    for i, v in enumerate(values):
        cid = header_id(k, v)
        if cid is not None:
            out[i] = cid
    return out


def _is_blank(values: Iterable[Any]) -> bool:
    return all(clean(v) is None for v in values)


# ---------------------------------------------------------------- parse one file

def _missing_column(p: Parsed, c: Column) -> None:
    p.problems.append(Problem(p.file, None, c.header, None, f"缺少必填列“{c.zh}”（{c.id}）",
                              f"missing required column '{c.id}' ({c.zh})"))


def _open(k: Kind, source: Any, filename: str | None, lim: Limits) -> tuple[Parsed, Any]:
    """The Parsed to fill and the opened workbook (None when the file was refused whole)."""
    if isinstance(source, (str, os.PathLike)):
        label = os.path.basename(os.fspath(filename or source))
        try:
            size = os.path.getsize(source)
        except OSError:
            size = 0                     # load_source reports it
        if size > lim.bytes:             # refused before a byte is read
            return Parsed(k, label, problems=[too_big(label, size, lim.bytes, lim.source["bytes"]).problem]), None
    try:
        data, name = load_source(source, filename)
    except OSError as e:          # a CLI path that does not exist or cannot be read
        label = filename or (str(source) if isinstance(source, (str, os.PathLike)) else k.zh)
        p = Parsed(k, os.path.basename(os.fspath(label)))
        p.problems.append(Problem(p.file, None, None, None, f"无法打开文件：{e.strerror or e}",
                                  f"cannot open the file: {e.strerror or e}"))
        return p, None
    p = Parsed(k, name or k.zh)
    try:
        return p, read_workbook(data, name, p.file, lim)
    except Unreadable as e:
        p.problems.append(e.problem)
        return p, None


def parse(kind_id: str, source: Any, filename: str | None = None) -> Parsed:
    k = get_kind(kind_id)
    lim = limits(k.id, len(k.columns))
    p, wb = _open(k, source, filename, lim)
    if wb is None:
        return p
    try:
        _parse_workbook(p, wb, lim)
    except Unreadable as e:       # corrupt or over a cap while reading: one problem for the whole file
        p.problems, p.rows, p.columns, p.usable = [e.problem], [], None, False
    finally:
        wb.close()
    return p


def _find_header(k: Kind, head: list[Row]) -> tuple[int | None, dict[int, str], dict[int, str]]:
    required = {c.id for c in k.required}
    best: dict[int, str] = {}
    for idx, (_, values) in enumerate(head):
        m = _map_row(k, values)
        if required <= set(m.values()):
            return idx, m, m
        if len(set(m.values()) & required) > len(set(best.values()) & required):
            best = m
    return None, {}, best


def _no_header(p: Parsed, wb: Any, sheet: Any, head: list[Row], named: bool, best: dict[int, str]) -> None:
    k = p.kind
    # stops at the first non-blank row: a sheet is read to its end only when it really is blank
    empty = all(_is_blank(v) for _, v in head) and all(_is_blank(v) for _, v in sheet.rows)
    several = wb.fmt == "xlsx" and len(wb.sheet_names) > 1 and not named
    if several:
        names = wb.sheet_names
        p.problems.append(Problem(
            p.file, None, None, sheet.name,
            f"工作簿有 {len(names)} 个工作表（{'、'.join(n or '' for n in names)}），没有名为“{k.sheet}”或“{k.id}”的工作表，"
            f"第一个工作表“{sheet.name}”中也找不到表头",
            f"the workbook has {len(names)} sheets ({', '.join(n or '' for n in names)}); "
            f"none is named '{k.sheet}' or '{k.id}' and the first sheet '{sheet.name}' has no header row"))
    elif empty:
        p.problems.append(Problem(p.file, None, None, None, "文件为空，没有表头和数据",
                                  "the file is empty: no header and no data"))
    if not empty or several:
        found = set(best.values())
        for c in k.required:
            if c.id not in found:
                _missing_column(p, c)


def _parse_workbook(p: Parsed, wb: Any, lim: Limits) -> None:
    k = p.kind
    named = [n for n in wb.sheet_names if n is not None and n.strip().lower() in k.sheet_names()]
    sheet = wb.sheet(named[0] if named else wb.sheet_names[0])
    head = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))    # only these are read before the header
    header_at, mapping, best = _find_header(k, head)
    if header_at is None:
        _no_header(p, wb, sheet, head, bool(named), best)
        return

    header_row, header_values = head[header_at]
    seen: dict[str, int] = {}
    columns: dict[str, int] = {}
    for i, cid in sorted(mapping.items()):
        written = to_text(header_values[i])
        if cid in seen:
            first = to_text(header_values[seen[cid]])
            p.problems.append(Problem(p.file, header_row, written, None,
                                      f"列重复：与“{first}”表示同一列（{cid}）",
                                      f"duplicate column: same as '{first}' ({cid})"))
            continue
        seen[cid] = i
        columns[cid] = i
        p.headers[cid] = written

    body: Iterable[Row] = itertools.chain(head[header_at + 1:], sheet.rows)
    if columnar.ENABLED and wb.fmt == "csv" and not p.problems:     # a CSV's rows are in memory already
        body = list(body)
        if _parse_fast(p, columns, body, lim):
            return
    for rownum, values in body:
        cells = {cid: (clean(values[i]) if i < len(values) else None) for cid, i in columns.items()}
        if all(v is None for v in cells.values()):
            continue          # blank rows (and rows with text only in unknown columns) are not data
        if len(p.rows) >= lim.rows:
            raise Unreadable(too_many_rows(p.file, lim.rows, lim.source["rows"], rownum))
        p.rows.append(_parse_row(p, rownum, cells))

    if not p.rows:
        p.problems.append(Problem(p.file, header_row, None, None, "只有表头，没有数据行",
                                  "the file has a header but no data rows"))
        return
    CHECKS[k.id](p)
    p.usable = True
    p.sort()


# kind -> the duplicate-key checks its CHECKS entry makes, all of it (kinds not listed check row by row)
_FAST_CHECKS = {"cadres": ("cadre_id",), "classes": ("class_id",), "scores": ("cadre_id", "class_id"),
                "previous": ("cadre_id", "class_id")}


def _parse_fast(p: Parsed, columns: dict[str, int], body: list[Row], lim: Limits) -> bool:
    """Parse a clean file column by column (importer/columnar.py). False: nothing done, parse row by row."""
    try:
        p.columns = columnar.parse_columns(p.kind, columns, body, lim.rows)
    except columnar.NotPlain:
        return False
    keys = _FAST_CHECKS.get(p.kind.id)
    if keys is None or not columnar.no_duplicates(p.columns, keys):
        p.materialise()
        CHECKS[p.kind.id](p)
    p.usable = True
    p.sort()
    return True


def _parse_row(p: Parsed, rownum: int, cells: dict[str, Any]) -> ParsedRow:
    r = ParsedRow(rownum, {}, cells)
    for c in p.kind.columns:
        v = cells.get(c.id)
        if v is None:
            r.values[c.id] = None
            if c.required:
                r.bad.add(c.id)
                p.add(r, c.id, None, f"必填项“{c.zh}”不能为空", f"'{c.id}' is required and may not be empty")
            continue
        # isprintable() is the C-speed fast path: ordinary text never reaches the regex
        ch = bad_char(v, c.multiline) if isinstance(v, str) and not v.isprintable() else None
        if ch is not None:
            r.values[c.id] = None
            r.bad.add(c.id)
            where = "" if c.multiline else "（此列不允许换行或制表符）"
            where_en = "" if c.multiline else " (this column allows no line breaks or tabs)"
            p.add(r, c.id, shown(v, c.multiline),
                  f"含有不可见字符或控制字符 {char_label(ch)}，请删除后再导入{where}",
                  f"contains an invisible or control character {char_label(ch)}; remove it and import again"
                  f"{where_en}")
            continue
        try:
            r.values[c.id] = parse_cell(v, c)
        except BadValue as e:
            r.values[c.id] = None
            r.bad.add(c.id)
            p.add(r, c.id, display(v), e.zh, e.en)
    return r


# ---------------------------------------------------------------- per-kind checks

def _dup(p: Parsed, keys: tuple[str, ...], report: str, zh_what: str, en_what: str,
         may_be_empty: tuple[str, ...] = ()) -> None:
    first: dict[tuple, int] = {}
    for r in p.rows:
        key = tuple(r.values.get(c) for c in keys)
        if any(v is None and c not in may_be_empty for c, v in zip(keys, key, strict=True)):
            continue
        if key in first:
            p.add(r, report, display(r.raw.get(report)), f"{zh_what}重复：与第{first[key]}行相同",
                  f"duplicate {en_what}: same as row {first[key]}")
        else:
            first[key] = r.row


def _check_cadres(p: Parsed) -> None:
    _dup(p, ("cadre_id",), "cadre_id", "工号", "cadre_id")


def _check_classes(p: Parsed) -> None:
    _dup(p, ("class_id",), "class_id", "班级编号", "class_id")


def _check_preferences(p: Parsed) -> None:
    for r in p.rows:
        v, kind = r.values.get("value"), r.values.get("kind")
        if v is not None and kind == "grade":
            try:
                r.values["value"] = str(parse_grade(r.raw["value"], p.kind.column("value")))
            except BadValue:
                r.values["value"] = None
                r.bad.add("value")
                p.add(r, "value", display(r.raw["value"]), "年级意向应为入学年份，如 2025",
                      "a grade preference must be a year of enrolment, e.g. 2025")
    _dup(p, ("cadre_id", "rank"), "rank", "同一干部的意向顺序", "rank for this cadre")
    _dup(p, ("cadre_id", "kind", "value"), "value", "同一干部的意向", "preference for this cadre")


def _need(p: Parsed, r: ParsedRow, cid: str, tzh: str, ten: str) -> bool:
    if r.values.get(cid) is None:
        if cid not in r.bad:
            c = p.kind.column(cid)
            p.add(r, cid, None, f"{tzh}规则必须填写“{c.zh}”", f"a {ten} rule needs '{c.id}'")
        return False
    return True


def _check_constraints(p: Parsed) -> None:
    lock_by_cadre: dict[str, ParsedRow] = {}
    lock_by_class: dict[str, ParsedRow] = {}
    for r in p.rows:
        t = r.values.get("type")
        if t is None:
            continue
        tzh = CONSTRAINT_TYPE_ZH[t]
        v = r.values
        if t == "forbid":
            _need(p, r, "cadre_id", tzh, t)
            if v.get("class_id") is None and v.get("college") is None and not r.bad & {"class_id", "college"}:
                p.add(r, "class_id", None, "回避规则必须填写“班级编号”或“学院”之一",
                      "a forbid rule needs 'class_id' or 'college'")
            elif v.get("class_id") is not None and v.get("college") is not None:
                p.add(r, "college", display(r.raw.get("college")),
                      "回避规则只能填写“班级编号”（回避一个班）或“学院”（回避整个学院）之一，不能同时填写",
                      "a forbid rule takes either 'class_id' (one class) or 'college' (whole college), not both")
        elif t == "lock":
            ok = _need(p, r, "cadre_id", tzh, t) & _need(p, r, "class_id", tzh, t)
            if ok:
                cad, cls = v["cadre_id"], v["class_id"]
                prev = lock_by_cadre.get(cad)
                if prev is not None and prev.values["class_id"] == cls:
                    p.add(r, "class_id", cls, f"锁定重复：与第{prev.row}行相同",
                          f"duplicate lock: same as row {prev.row}")
                    continue
                if prev is not None:
                    p.add(r, "cadre_id", cad,
                          f"锁定冲突：同一干部不能锁定到两个班级（第{prev.row}行已锁定到 {prev.values['class_id']}，"
                          f"第{r.row}行锁定到 {cls}）",
                          f"conflicting locks: one cadre locked to two classes (row {prev.row}: "
                          f"{prev.values['class_id']}, row {r.row}: {cls})")
                else:
                    lock_by_cadre[cad] = r
                prev = lock_by_class.get(cls)
                if prev is not None:
                    p.add(r, "class_id", cls,
                          f"锁定冲突：同一班级不能锁定给两名干部（第{prev.row}行锁定给 {prev.values['cadre_id']}，"
                          f"第{r.row}行锁定给 {cad}）",
                          f"conflicting locks: one class locked to two cadres (row {prev.row}: "
                          f"{prev.values['cadre_id']}, row {r.row}: {cad})")
                else:
                    lock_by_class[cls] = r
        elif t == "college_quota":
            _need(p, r, "college", tzh, t)
            lo, hi = v.get("min"), v.get("max")
            if lo is None and hi is None and not r.bad & {"min", "max"}:
                p.add(r, "min", None, "学院名额规则必须填写“下限”或“上限”",
                      "a college_quota rule needs 'min' or 'max'")
            elif lo is not None and hi is not None and lo > hi:
                p.add(r, "max", display(r.raw.get("max")), f"上限不能小于下限（下限为 {lo}）",
                      f"max may not be less than min ({lo})")
        elif t == "level_cap":
            _need(p, r, "college", tzh, t)
            if v.get("level") in (None, "") and "level" not in r.bad:
                p.add(r, "level", None, f"{tzh}规则必须填写“层级”", f"a {t} rule needs 'level'")
            _need(p, r, "max", tzh, t)


def _check_forbid_vs_lock(p: Parsed) -> None:
    locks = {(r.values["cadre_id"], r.values["class_id"]): r for r in p.rows
             if r.values.get("type") == "lock" and r.values.get("cadre_id") and r.values.get("class_id")}
    for r in p.rows:
        if r.values.get("type") != "forbid":
            continue
        lock = locks.get((r.values.get("cadre_id"), r.values.get("class_id")))
        if lock is not None:
            a, b = sorted((r, lock), key=lambda x: x.row)
            p.add(b, "class_id", b.values["class_id"],
                  f"与第{a.row}行矛盾：同一配对不能既回避又锁定", f"contradicts row {a.row}: a pair cannot be both "
                  "forbidden and locked")


def _check_pairs(p: Parsed) -> None:
    _dup(p, ("cadre_id", "class_id"), "class_id", "配对", "pair")


def _check_period(p: Parsed) -> None:
    for r in p.rows:
        s, e = r.values.get("start"), r.values.get("end")
        if s is not None and e is not None and e < s:
            p.add(r, "end", display(r.raw.get("end")), f"结束日期不能早于开始日期（{s.isoformat()}）",
                  f"end may not be before start ({s.isoformat()})")


def _check_assignment(p: Parsed) -> None:
    _check_period(p)
    # An open start (empty) is a value here: the same pair twice from the start is a duplicate.
    _dup(p, ("cadre_id", "class_id", "start"), "class_id", "配对", "pair", may_be_empty=("start",))




def _check_ledger(p: Parsed) -> None:
    for r in p.rows:
        v = r.values
        if v.get("type") is not None and v["type"] != "report" and v.get("venue") is None and "venue" not in r.bad:
            p.add(r, "venue", None, f"“{LEDGER_TYPE_ZH[v['type']]}”活动必须填写场所（仅“向党委汇报”可不填）",
                  f"a '{v['type']}' activity needs a venue (only 'report' may leave it empty)")
        if v.get("activity_id") is None and not r.bad:
            v["activity_id"] = activity_id(v["cadre_id"], v["date"], v["type"], v.get("venue") or "",
                                           v.get("class_id") or "", v.get("summary") or "")
            r.raw["_generated"] = True
    first: dict[str, ParsedRow] = {}
    for r in p.rows:
        aid = r.values.get("activity_id")
        if aid is None:
            continue
        if aid in first:
            if r.raw.get("_generated"):
                p.add(r, None, None, f"与第{first[aid].row}行是同一条活动记录（工号、日期、类型、场所、班级、内容均相同）",
                      f"same activity as row {first[aid].row} (cadre, date, type, venue, class and summary)")
            else:
                p.add(r, "activity_id", aid, f"编号重复：与第{first[aid].row}行相同",
                      f"duplicate activity_id: same as row {first[aid].row}")
        else:
            first[aid] = r


CHECKS = {
    "cadres": _check_cadres,
    "classes": _check_classes,
    "preferences": _check_preferences,
    "constraints": lambda p: (_check_constraints(p), _check_forbid_vs_lock(p)),
    "scores": _check_pairs,
    "previous": _check_pairs,
    "assignment": _check_assignment,
    "ledger": _check_ledger,
    "exemptions": _check_period,
}


# ---------------------------------------------------------------- cross-file references

_REF_TEXT = {
    "cadre_ids": ("工号不在干部名单中", "cadre_id not found in the cadres list"),
    "class_ids": ("班级编号不在班级名单中", "class_id not found in the classes list"),
    "colleges": ("学院不在班级名单中", "college not found in the classes list"),
    "majors": ("专业不在班级名单中", "major not found in the classes list"),
    "grades": ("年级不在班级名单中", "grade not found in the classes list"),
}
_REF_COLUMNS = {
    "preferences": (("cadre_id", "cadre_ids"),),
    "constraints": (("cadre_id", "cadre_ids"), ("class_id", "class_ids"), ("college", "colleges")),
    "scores": (("cadre_id", "cadre_ids"), ("class_id", "class_ids")),
    "previous": (("cadre_id", "cadre_ids"), ("class_id", "class_ids")),
    "assignment": (("cadre_id", "cadre_ids"), ("class_id", "class_ids")),
    "ledger": (("cadre_id", "cadre_ids"), ("class_id", "class_ids")),
    "exemptions": (("cadre_id", "cadre_ids"),),
}
_PREF_REF = {"class": "class_ids", "college": "colleges", "major": "majors", "grade": "grades"}


def check_refs(p: Parsed, refs: Refs) -> None:
    if p.columns is not None:
        if all(columnar.all_known(p.columns, cid, getattr(refs, ref)) for cid, ref in _REF_COLUMNS.get(p.kind.id, ())):
            return
        p.materialise()
    for r in p.rows:
        for cid, ref in _REF_COLUMNS.get(p.kind.id, ()):
            known = getattr(refs, ref)
            v = r.values.get(cid)
            if known is not None and v and v not in known:
                zh, en = _REF_TEXT[ref]
                p.add(r, cid, v, zh, en)
        if p.kind.id == "preferences" and r.values.get("kind") and r.values.get("value") is not None:
            ref = _PREF_REF[r.values["kind"]]
            known = getattr(refs, ref)
            if known is not None and r.values["value"] not in known:
                zh, en = _REF_TEXT[ref]
                p.add(r, "value", r.values["value"],
                      f"{PREFERENCE_KIND_ZH[r.values['kind']]}意向：{zh}", f"{r.values['kind']} preference: {en}")


def refs_from(parsed: dict[str, Parsed], base: Refs | None) -> Refs:
    """References known from the bundle's cadres/classes, else from `base` (the store)."""
    base = base or Refs()
    out = Refs(base.cadre_ids, base.class_ids, base.colleges, base.majors, base.grades)
    cad = parsed.get("cadres")
    if cad is not None:
        out.cadre_ids = {v for v in cad.column("cadre_id") if v} if cad.usable else None
    cls = parsed.get("classes")
    if cls is not None:
        if cls.usable:
            out.class_ids = {v for v in cls.column("class_id") if v}
            out.colleges = {v for v in cls.column("college") if v}
            out.majors = {v for v in cls.column("major") if v}
            out.grades = {str(v) for v in cls.column("grade") if v is not None}
        else:   # the classes file itself is broken: checking against it would only add noise
            out.class_ids = out.colleges = out.majors = out.grades = None
    return out


# ---------------------------------------------------------------- DataFrames

def _series(c: Column, vals: list[Any]) -> Any:
    d = c.dtype
    if c.type == TAGS:
        s = pd.Series([v if v is not None else () for v in vals], dtype=object)
        return s
    if c.type == FLOAT:
        return pd.Series([v[0] if v is not None else np.nan for v in vals], dtype="float64")
    if c.type == DATE:
        return pd.Series([datetime(v.year, v.month, v.day) if v is not None else None for v in vals],
                         dtype="datetime64[ns]")
    if c.type == BOOL:
        return pd.Series([bool(v) if v is not None else bool(c.default) for v in vals], dtype="bool")
    if d == "int64":
        return pd.Series([v if v is not None else c.default for v in vals], dtype="int64")
    if d == "Int64":
        return pd.Series(pd.array(vals, dtype="Int64"))
    default = c.default if c.default is not None else ""
    return pd.Series([v if v is not None else default for v in vals], dtype=object)


def build_frame(k: Kind, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Canonical DataFrame from typed records (id -> value, None = empty)."""
    return _frame(k, {c.id: [rec.get(c.id) for rec in records] for c in k.columns}, len(records))


def _frame(k: Kind, values: dict[str, list[Any]], n: int,
           numbers: dict[str, tuple[list[float], list[str]]] | None = None) -> pd.DataFrame:
    numbers = numbers or {}
    cols: dict[str, Any] = {c.id: pd.Series(numbers[c.id][0], dtype="float64") if c.id in numbers
                            else _series(c, values[c.id]) for c in k.columns}
    if k.id == "scores":
        cols["score_text"] = (pd.Series(numbers["score"][1], dtype=object) if "score" in numbers
                              else pd.Series([v[1] if v else "" for v in values["score"]], dtype=object))
    df = pd.DataFrame(cols, index=pd.RangeIndex(n))
    return df[k.output_columns]


def parsed_frame(p: Parsed) -> pd.DataFrame:
    """The canonical DataFrame of a file parsed without problems."""
    if p.columns is not None:
        return _frame(p.kind, p.columns.values, len(p.columns), p.columns.numbers)
    return build_frame(p.kind, [r.values for r in p.rows])


def empty_frame(kind_id: str) -> pd.DataFrame:
    """A canonical DataFrame with no rows (all columns and dtypes), for callers that need one."""
    return build_frame(get_kind(kind_id), [])


# ---------------------------------------------------------------- public entry points

def check_not_future(p: Parsed, today: Any) -> None:
    """A ledger row cannot record an activity after `today` (the one rule the ledger form and a
    ledger file share; the caller passes today: the importer reads no clock)."""
    if p.kind.id != "ledger" or today is None:
        return
    if not any(d is not None and d > today for d in p.column("date")):
        return
    p.materialise()                 # problems name rows: the fast path's columns become rows
    for r in p.rows:
        d = r.values.get("date")
        if d is not None and d > today:
            p.add(r, "date", r.raw.get("date"), f"不能记录未来的活动（{d.isoformat()} 晚于今天 {today.isoformat()}）",
                  f"an activity cannot be in the future ({d.isoformat()} is after today {today.isoformat()})")


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading builds a few objects per cell and no reference cycles: Python's cycle collector would
    walk all of them again and again (a third of the time of a 73,800-row file). Paused meanwhile
    and restored to what it was (reference counting frees memory as usual)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_file(kind: str, source: Any, filename: str | None = None, refs: Refs | None = None,
              today: Any = None) -> pd.DataFrame:
    """Read one file of `kind`; raises ImportFailed listing every problem (nothing is returned).
    `today` (a date): ledger rows dated after it are refused."""
    with _no_cycle_collection():
        return _read_file(kind, source, filename, refs, today)


def _read_file(kind: str, source: Any, filename: str | None, refs: Refs | None, today: Any = None) -> pd.DataFrame:
    p = parse(kind, source, filename)
    if p.usable:
        check_not_future(p, today)
    if refs is not None and p.usable:
        check_refs(p, refs)
        p.sort()
    if p.problems:
        raise ImportFailed(p.problems)
    return parsed_frame(p)


def _split_source(src: Any) -> tuple[Any, str | None]:
    if isinstance(src, tuple) and len(src) == 2 and isinstance(src[0], str):
        return src[1], src[0]           # (filename, data)
    return src, None


def read_bundle(sources: dict[str, Any], refs: Refs | None = None) -> dict[str, pd.DataFrame]:
    """Read several files at once and check references across them (all-or-nothing).

    sources: kind -> path | bytes | file object | (filename, bytes). Returned in KINDS order."""
    with _no_cycle_collection():
        return _read_bundle(sources, refs)


def _read_bundle(sources: dict[str, Any], refs: Refs | None) -> dict[str, pd.DataFrame]:
    parsed: dict[str, Parsed] = {}
    for kind_id in sources:
        get_kind(kind_id)
    from .schema import SCHEMAS
    for kind_id in SCHEMAS:
        if kind_id in sources:
            src, name = _split_source(sources[kind_id])
            parsed[kind_id] = parse(kind_id, src, name)
    known = refs_from(parsed, refs)
    problems: list[Problem] = []
    for p in parsed.values():
        if p.usable:
            check_refs(p, known)
            p.sort()
        problems.extend(p.problems)
    if problems:
        raise ImportFailed(problems)
    return {kid: parsed_frame(p) for kid, p in parsed.items()}


__all__ = ["DATE", "INT", "TEXT", "Refs", "activity_id", "build_frame", "empty_frame", "read_bundle", "read_file"]
