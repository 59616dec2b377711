"""The importer's fast path: a CSV whose cells are all ordinary is parsed column by column.

`core._parse_workbook` parses row by row, turning every problem into a message. Most files have
no problem at all, and for them that per-cell work (a dict per row, a parser call per cell) is
nearly all the time (73,800 score rows: 2 s). Here each column is parsed as one list, with
whole-column checks (one regex over the joined text, one `float` per cell) that hold exactly when
the per-cell parser would accept every cell and return the same value. Whenever a column is not
plainly clean (a non-printable character, an empty required cell, a value the per-cell parser
would refuse, a duplicate key, an unknown reference), the fast path gives up and the row-by-row
path runs instead: its problems and values are the only ones ever reported. Behaviour is therefore
identical by construction; tests/test_importer_columnar.py checks it on crafted files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .schema import FLOAT, INT, TEXT, Column, Kind
from .values import _WS, BadValue, clean, parse_cell, to_text

ENABLED = True          # tests switch it off to compare both paths

# values.py's integer regex repeated over "\n"-joined text (no cell holds "\n": every cell passed
# str.isprintable). ASCII text is its own NFKC form, so no normalisation is needed.
_INT_CELL = r"[+-]?\d+(?:\.0*)?"
_INT_COLUMN = re.compile(rf"(?:{_INT_CELL}\n)*{_INT_CELL}", re.ASCII)
_NOT_FLOAT_CHAR = re.compile(r"[^0-9+\-.eE\n]")


class NotPlain(Exception):
    """The fast path does not apply; the row-by-row path decides."""


@dataclass
class Columns:
    rownums: list[int]
    raw: dict[str, list[Any]]       # column id (mapped columns) -> cleaned cell, None when empty
    values: dict[str, list[Any]]    # column id (every column of the kind) -> typed value or None
    # number columns parsed whole: id -> (numbers, texts); their `values` ((number, text) pairs, as
    # parse_float gives) are made only when asked for
    numbers: dict[str, tuple[list[float], list[str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rownums)

    def typed(self, cid: str) -> list[Any]:
        if cid not in self.values:
            self.values[cid] = list(zip(*self.numbers[cid]))
        return self.values[cid]


_ANY_WS = re.compile("[" + re.escape(_WS.replace("\n", "")) + "]")


def _plain_strings(cells: list[Any]) -> bool:
    """Every cell a non-empty printable string with nothing to strip: clean() and the row path's
    character check would leave each one as it is."""
    try:
        joined = "\n".join(cells)
    except TypeError:                      # a number or date cell
        return False
    return ("" not in cells and joined.count("\n") == len(cells) - 1
            and joined.replace("\n", " ").isprintable()
            and (_ANY_WS.search(joined) is None or [v.strip(_WS) for v in cells] == cells))


def _clean_column(rows: list[tuple[int, list[Any]]], i: int, whole: list[Any] | None) -> tuple[list[Any], bool]:
    """The column's cleaned cells (None when empty) and whether they are all plain strings."""
    if whole is not None:
        cells = list(whole)
        if _plain_strings(cells):
            return cells, True
    cells = [(v.strip(_WS) or None if type(v) is str else clean(v)) if i < len(vals) and (v := vals[i]) is not None
             else None for _, vals in rows]
    return cells, False


def _all_str(cells: list[Any]) -> bool:
    return all(type(v) is str for v in cells)


def _text(cells: list[Any], c: Column, plain: bool = False) -> list[Any]:
    if plain or _all_str(cells):
        return cells                       # to_text of a stripped string is the string itself
    return [None if v is None else to_text(v) for v in cells]


def _int(cells: list[Any], c: Column) -> list[Any]:
    joined = "\n".join(cells)
    if not joined.isascii() or _INT_COLUMN.fullmatch(joined) is None:
        raise NotPlain
    out = [int(float(s)) if "." in s else int(s) for s in cells]
    if c.min is not None and min(out) < c.min:
        raise NotPlain
    return out


def _float(cells: list[Any], c: Column) -> list[Any]:
    # Only digits, signs, points and e/E: float() then accepts exactly what values._FLOAT_RE matches
    # (no "inf"/"nan" letters, no spaces or underscores), and refuses the rest with ValueError.
    if _NOT_FLOAT_CHAR.search("\n".join(cells)) is not None:
        raise NotPlain
    try:
        out = list(map(float, cells))
    except ValueError:
        raise NotPlain from None
    if np.isinf(out).any():
        raise NotPlain
    return out


_VECTOR = {TEXT: _text, INT: _int, FLOAT: lambda cells, c: list(zip(_float(cells, c), cells))}


def _per_cell(cells: list[Any], c: Column) -> list[Any]:
    try:
        return [None if v is None else parse_cell(v, c) for v in cells]
    except BadValue:
        raise NotPlain from None


def _typed(cells: list[Any], c: Column, plain: bool) -> list[Any]:
    if not plain and any(type(v) is str and not v.isprintable() for v in cells):
        raise NotPlain                     # the row path names the character and the cell
    fn = _VECTOR.get(c.type)
    if fn is not None and (plain or (None not in cells and (c.type == TEXT or _all_str(cells)))):
        return _text(cells, c, plain) if c.type == TEXT else fn(cells, c)
    return _per_cell(cells, c)


def parse_columns(k: Kind, columns: dict[str, int], rows: list[tuple[int, list[Any]]], max_rows: int) -> Columns:
    """Every data row of a clean file as typed columns; raises NotPlain when any cell is not plain."""
    full = bool(rows) and min(len(vals) for _, vals in rows) > max(columns.values(), default=-1)
    whole = list(zip(*(vals for _, vals in rows))) if full else None       # the file's columns
    raw, plain = {}, set()
    for cid, i in columns.items():
        raw[cid], is_plain = _clean_column(rows, i, whole[i] if whole else None)
        if is_plain:
            plain.add(cid)
    rownums = [n for n, _ in rows]
    if len(plain) < len(raw) and any(None in cells for cells in raw.values()):   # blank rows are skipped
        keep = [q for q, cells in enumerate(zip(*raw.values())) if any(v is not None for v in cells)]
        if len(keep) < len(rownums):
            rownums = [rownums[q] for q in keep]
            raw = {cid: [cells[q] for q in keep] for cid, cells in raw.items()}
    if not rownums or len(rownums) > max_rows:
        raise NotPlain
    out = Columns(rownums, raw, {})
    for c in k.columns:
        cells = raw.get(c.id)
        if cells is None or (c.required and None in cells):
            if c.required:
                raise NotPlain
            out.values[c.id] = [None] * len(rownums)
        elif c.type == FLOAT and c.id in plain:
            out.numbers[c.id] = (_float(cells, c), cells)
        else:
            out.values[c.id] = _typed(cells, c, c.id in plain)
    return out


def no_duplicates(cols: Columns, keys: tuple[str, ...], may_be_empty: tuple[str, ...] = ()) -> bool:
    """True when no two rows share the key (rows with an empty key part that may not be empty skipped)."""
    parts = [cols.typed(c) for c in keys]
    if not any(None in part for part in parts):
        return len(set(zip(*parts)) if len(parts) > 1 else set(parts[0])) == len(cols)
    seen: set[tuple] = set()
    for key in zip(*parts):
        if any(v is None and c not in may_be_empty for c, v in zip(keys, key)):
            continue
        if key in seen:
            return False
        seen.add(key)
    return True


def all_known(cols: Columns, cid: str, known: set[str] | None) -> bool:
    if known is None:
        return True
    return all(not v for v in set(cols.typed(cid)).difference(known))
