"""What the importer accepts at most, per kind, and which characters it refuses in text.

Caps (defaults below; README "Import limits") can be changed by environment variables, read at
every import: `YIXIAN_IMPORT_MAX_ROWS`, `YIXIAN_IMPORT_MAX_MB` and `YIXIAN_IMPORT_MAX_UNZIPPED_MB`
for every kind, or with the kind's id appended (`YIXIAN_IMPORT_MAX_ROWS_LEDGER=200000`), which wins.
- rows: data rows of one file (the reader also stops after 2 × rows + 100 physical rows, blank
  rows included, and an xlsx sheet declaring more rows than that is refused before it is read);
- MB: the file as uploaded;
- unzipped MB (xlsx only): the zip members together, checked before anything is decompressed,
  so that a small file inflating to hundreds of MB of XML is refused at once.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

# kind -> (data rows, MB). Sized for a large university (the matching benchmark's X instance has
# 15 000 cadres × 60 000 classes with 750 000 scored pairs) with room to spare.
DEFAULTS: dict[str, tuple[int, int]] = {
    "cadres": (20_000, 10),
    "classes": (100_000, 30),
    "preferences": (200_000, 30),
    "constraints": (100_000, 20),
    "scores": (1_000_000, 60),
    "previous": (100_000, 20),
    "assignment": (100_000, 30),
    "ledger": (100_000, 30),
    "exemptions": (50_000, 10),
}
UNZIPPED_BYTES_PER_CELL = 120     # our own xlsx needs about 60 per cell; Excel's (shared strings) less
HEADER_SLACK = 100                # title/blank rows above the header


@dataclass(frozen=True)
class Limits:
    rows: int
    bytes: int
    unzipped_bytes: int
    source: dict[str, str]        # which setting each figure came from, for messages

    @property
    def physical_rows(self) -> int:
        return 2 * self.rows + HEADER_SLACK


def _env_int(names: list[str]) -> tuple[int | None, str | None]:
    for name in names:
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value <= 0:
                raise ValueError(f"{name}={raw!r}: expected a whole number > 0")
            return value, name
    return None, None


def limits(kind_id: str, n_columns: int) -> Limits:
    rows, mb = DEFAULTS[kind_id]
    source = {"rows": "default", "bytes": "default", "unzipped_bytes": "default"}
    suffix = kind_id.upper()
    v, name = _env_int([f"YIXIAN_IMPORT_MAX_ROWS_{suffix}", "YIXIAN_IMPORT_MAX_ROWS"])
    if v is not None:
        rows, source["rows"] = v, name
    v, name = _env_int([f"YIXIAN_IMPORT_MAX_MB_{suffix}", "YIXIAN_IMPORT_MAX_MB"])
    if v is not None:
        mb, source["bytes"] = v, name
    unzipped = (rows + HEADER_SLACK) * max(n_columns, 1) * UNZIPPED_BYTES_PER_CELL + 1_000_000
    v, name = _env_int([f"YIXIAN_IMPORT_MAX_UNZIPPED_MB_{suffix}", "YIXIAN_IMPORT_MAX_UNZIPPED_MB"])
    if v is not None:
        unzipped, source["unzipped_bytes"] = v * 1_000_000, name
    return Limits(rows, mb * 1_000_000, unzipped, source)


def calendar_bytes() -> tuple[int, str]:
    """The teaching calendar is a few terms of TOML: 1 MB (YIXIAN_IMPORT_MAX_MB_CALENDAR) is plenty."""
    v, name = _env_int(["YIXIAN_IMPORT_MAX_MB_CALENDAR"])
    return (v or 1) * 1_000_000, name or "default"


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


# ---------------------------------------------------------------- characters refused in text

# Invisible or direction-changing characters: they make a name look like another one, reorder
# what a reader sees (bidi overrides), or break the database (NUL on PostgreSQL).
_ALWAYS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"     # C0 controls but tab/LF/CR, DEL, C1 controls
           "\u00ad\u061c\u180e"                    # soft hyphen, Arabic letter mark, Mongolian vowel separator
           "\u200b-\u200f"                          # zero-width space/non-joiner/joiner, LRM, RLM
           "\u2028\u2029"                           # line/paragraph separators
           "\u202a-\u202e\u2060-\u2064\u2066-\u206f"  # bidi embeddings/overrides/isolates, word joiner …
           "\ufeff\ufff9-\ufffb\ufffe\uffff"        # zero-width no-break space (BOM) inside text …
           "\ud800-\udfff"                          # lone surrogates
           "\U000e0000-\U000e007f")                 # tag characters
_MULTILINE_BAD = re.compile(f"[{_ALWAYS}]")
_SINGLE_LINE_BAD = re.compile(f"[{_ALWAYS}\t\n\r]")
_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LF", "\r": "CR", "\u200b": "ZERO WIDTH SPACE",
          "\u200c": "ZERO WIDTH NON-JOINER", "\u200d": "ZERO WIDTH JOINER", "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
          "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
          "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
          "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE", "\u2067": "RIGHT-TO-LEFT ISOLATE",
          "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE"}


def bad_char(text: str, multiline: bool = False) -> str | None:
    """The first refused character of `text`, or None. Fast for ordinary text."""
    if text.isprintable():       # C-speed: no control, format or separator character at all
        return None
    m = (_MULTILINE_BAD if multiline else _SINGLE_LINE_BAD).search(text)
    return m.group() if m else None


def char_label(ch: str) -> str:
    name = _NAMES.get(ch)
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def shown(text: str, multiline: bool = False) -> str:
    """`text` with every refused character written as ⟨U+XXXX⟩, safe to show in a message."""
    rx = _MULTILINE_BAD if multiline else _SINGLE_LINE_BAD
    return rx.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
