"""How the app tells the user what happened: errors, flash messages and safe text.

- `show_error(exc)`: a `YixianError` is shown as its one sentence (details folded away); any other
  exception is unexpected — logged with its trace under a short id, and shown as one apology
  sentence with that id, never as a traceback.
- `user_errors()`: a context manager that does the above for the block it wraps.
- `flash(...)` / `show_flash(...)`: a message that survives one `st.rerun()`.
- `md_escape(text)`: user text (names, summaries, reasons) made safe for Markdown-rendering
  elements; prefer `st.text` / dataframes for user text where possible.
"""
from __future__ import annotations

import logging
import re
import uuid
from contextlib import contextmanager

import streamlit as st

from common.errors import YixianError
from ui.i18n import lang, tr

log = logging.getLogger("yixian")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
_FLASH_KIND = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def md_escape(text) -> str:
    """Backslash-escape every Markdown/HTML-significant character, so user text shows as typed
    and can never become a link, an image or markup."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def error_text(exc: BaseException) -> str:
    """The one sentence to show for `exc` in the page's language (unexpected errors are logged)."""
    if isinstance(exc, YixianError):
        return exc.headline(lang())
    incident = uuid.uuid4().hex[:8]
    log.error("unexpected error %s", incident, exc_info=(type(exc), exc, exc.__traceback__))
    return tr(f"出现了意外错误，操作未完成。请把错误编号 {incident} 告知管理员。",
              f"Something unexpected went wrong and the action was not completed. "
              f"Please give the administrator this error id: {incident}.")


def show_error(exc: BaseException) -> None:
    """Show `exc` as one sentence; a YixianError's details go into a folded list."""
    st.error(md_escape(error_text(exc)))
    if isinstance(exc, YixianError):
        lines = exc.detail_lines(lang())
        if lines:
            with st.expander(tr(f"详情（{len(lines)} 条）", f"Details ({len(lines)})")):
                st.text("\n".join(lines))


@contextmanager
def user_errors():
    """Run a user action: refusals and unexpected errors are shown, never raised to Streamlit."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point: nothing unhandled reaches the user
        show_error(exc)


def flash(key: str, kind: str, text: str, *, markdown: bool = False) -> None:
    """Remember a message to show after the next rerun (`kind`: success/info/warning/error).
    `markdown=True`: `text` is Markdown whose user parts the caller escaped with md_escape."""
    st.session_state[key] = (kind, text, markdown)


def show_flash(key: str) -> None:
    item = st.session_state.pop(key, None)
    if item:
        kind, text, *markdown = item
        _FLASH_KIND.get(kind, st.info)(text if markdown and markdown[0] else md_escape(text))
