"""Vocabulary labels in the page's language (common.vocabulary owns the words)."""
from __future__ import annotations

from collections.abc import Callable

from common import vocabulary
from ui.i18n import lang


def label(table: vocabulary.Vocab, code) -> str:
    """The label of `code` in the active language."""
    return vocabulary.label(table, code, lang())


def formatter(table: vocabulary.Vocab, blank: str = "—") -> Callable[[str], str]:
    """A format_func for widgets whose options are codes of `table` ("" shown as `blank`)."""
    return lambda code: label(table, code) if code else blank
