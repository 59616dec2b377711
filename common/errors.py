"""The one bilingual error type.

Everything the app refuses on purpose raises a `YixianError` (or a subclass): a Chinese and an
English sentence plus optional details (e.g. one line per bad row). Pages catch `YixianError` and
show it with `ui.feedback.show_error`; anything else is an unexpected failure, logged with its
trace and shown as one sentence with an id.
"""
from __future__ import annotations

MAX_DETAILS_IN_MESSAGE = 20


class YixianError(Exception):
    """A refusal the user can act on. `str()` is Chinese first, then English."""

    def __init__(self, message_zh: str, message_en: str | None = None, details: list[str] | None = None):
        self.message_zh = message_zh
        self.message_en = message_zh if message_en is None else message_en
        self.details = list(details or [])
        super().__init__(self.message("zh") + " / " + self.message("en"))

    def headline(self, lang: str = "zh") -> str:
        """The one sentence, without details."""
        return self.message_zh if lang == "zh" else self.message_en

    def detail_lines(self, lang: str = "zh") -> list[str]:
        """Details in `lang` (subclasses with bilingual details override this)."""
        return list(self.details)

    def message(self, lang: str = "zh") -> str:
        """Headline plus up to MAX_DETAILS_IN_MESSAGE details on one line."""
        head = self.headline(lang)
        lines = self.detail_lines(lang)
        if not lines:
            return head
        shown = lines[:MAX_DETAILS_IN_MESSAGE]
        more = len(lines) - len(shown)
        tail = "; ".join(shown) + (f" … (+{more})" if more else "")
        return f"{head}: {tail}"
