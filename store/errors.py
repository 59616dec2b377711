"""Errors the store raises on purpose: each carries a Chinese and an English message."""
from __future__ import annotations


class StoreError(Exception):
    """A refused write or a missing object. `str()` is Chinese first, then English."""

    def __init__(self, message_zh: str, message_en: str, details: list[str] | None = None):
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = list(details or [])
        super().__init__(self.message("zh") + " / " + self.message("en"))

    def message(self, lang: str = "zh") -> str:
        head = self.message_zh if lang == "zh" else self.message_en
        if not self.details:
            return head
        shown = self.details[:20]
        more = len(self.details) - len(shown)
        tail = "; ".join(shown) + (f" … (+{more})" if more else "")
        return f"{head}: {tail}"


class NotFound(StoreError):
    pass


class ReferenceConflict(StoreError):
    """A write would leave a reference to an id that no longer exists (or never did)."""


class InvalidState(StoreError):
    """E.g. publishing a round that is not a draft."""


class InvalidData(StoreError):
    """A DataFrame that cannot be stored as given (duplicate id, missing column...)."""
