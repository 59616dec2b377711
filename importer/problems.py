"""Problems found in an import, and the exception that carries all of them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.errors import YixianError


@dataclass(frozen=True)
class Problem:
    file: str                 # file name as uploaded (or the kind when no name is known)
    row: int | None           # row number as the user sees it in Excel / line in the CSV; None = whole file
    column: str | None        # header as the user wrote it (or `中文(id)` when the column is missing)
    value: Any                # the offending value as written ("" / None when empty)
    expected_zh: str
    expected_en: str

    def message(self, lang: str = "zh") -> str:
        zh = lang != "en"
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行" if zh else f"row {self.row}")
        if self.column:
            parts.append(f"“{self.column}”列" if zh else f"column '{self.column}'")
        if self.value not in (None, ""):
            parts.append(f"值“{self.value}”" if zh else f"value '{self.value}'")
        where = ("，" if zh else ", ").join(parts)
        return f"{where}：{self.expected_zh}" if zh else f"{where}: {self.expected_en}"

    def __str__(self) -> str:
        return f"{self.message('zh')} | {self.message('en')}"


class ImportFailed(YixianError):
    """Raised when any problem is found; nothing is returned (all-or-nothing)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(f"导入失败，共 {n} 个问题", f"Import failed with {n} problem(s)")

    def detail_lines(self, lang: str = "zh") -> list[str]:
        return [p.message(lang) for p in self.problems]

    def _text(self, lang: str) -> str:
        n = len(self.problems)
        head = f"导入失败，共 {n} 个问题：" if lang != "en" else f"Import failed with {n} problem(s):"
        return "\n".join([head] + [f"  - {p.message(lang)}" for p in self.problems])

    def message(self, lang: str = "zh") -> str:
        return self._text(lang)

    def __str__(self) -> str:
        return self._text("zh") + "\n" + self._text("en")
