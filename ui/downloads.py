"""Download buttons whose click is an audit entry (services.downloads): who, when, what."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from services import downloads
from ui.feedback import user_errors
from ui.i18n import tr

if TYPE_CHECKING:
    from store.auth import UserInfo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')     # what file systems refuse (and blanks): one '-'


def file_name(zh: str, en: str, *parts: Any, ext: str = "xlsx") -> str:
    """A download's name in the page's language: the words, then each part (a date, a round's
    number and version, a cadre's staff number) joined by '_'; characters a file system refuses → '-'."""
    stem = "_".join(UNSAFE.sub("-", str(p)).strip("-") for p in (tr(zh, en), *parts) if p not in (None, ""))
    return f"{stem}.{ext}"


def _record(user: UserInfo, kind: str, rows: int, about: str, fmt: str, note: dict | None) -> None:
    with user_errors():          # a callback runs outside the page's wrapper
        downloads.record(user, kind, rows=rows, about=about, fmt=fmt, note=note)


def audited_download(label: str, data: Any, *, user: UserInfo, kind: str, rows: int, about: Any = "",
                     fmt: str = "xlsx", note: dict | None = None, container: Any = None, **kw: Any) -> None:
    """st.download_button (in `container`) that records the download when it is clicked."""
    (container or st).download_button(label, data=data, on_click=_record,
                                      args=(user, kind, int(rows), str(about), fmt, note), **kw)


def table_download(user: UserInfo, table: pd.DataFrame, *, kind: str, key: str, file_name: str, sheet: str,
                   about: Any = "", container: Any = None) -> None:
    """Our own download of a table on screen (the table toolbar's CSV is switched off): xlsx of
    text cells, with the headers as shown, recorded in the audit log."""
    audited_download(tr("下载本表（xlsx）", "Download this table (xlsx)"),
                     lambda: downloads.table_xlsx(table, sheet), user=user, kind=kind, rows=len(table),
                     about=about, file_name=file_name, mime=XLSX, key=key, icon=":material/download:",
                     container=container)
