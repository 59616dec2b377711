"""Downloads of personal data: every one is an audit entry, and tables are written as text.

The pages call `record` from the download button's `on_click` (the click reaches the server as
the browser saves the file): who (the acting user), when (the entry's time), what (the kind, the
round or year or cadre it is about, the number of rows and the format). Streamlit's own table
toolbar download is switched off (`client.disableDataExport`): the tables users need come from
`table_xlsx`, whose text cells can never become formulas.
"""
from __future__ import annotations

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from importer.writers import frame_xlsx
from services import access
from services.db import session_scope
from store import audit
from store.auth import UserInfo

FORMATS = ("xlsx", "pdf", "image")       # image: a photo attached to a ledger entry


def record(user: UserInfo, kind: str, *, rows: int, about: str = "", fmt: str = "xlsx",
           note: dict | None = None) -> None:
    """One audit entry for one download: `kind` from vocabulary.DOWNLOADS (or a DATA_KINDS table
    from the data browser), `about` the round id,
    year or cadre the file is about, `rows` how many people/rows it holds."""
    access.require(user, *access.EVERYONE, action=f"download.{kind}")
    if (kind not in vocabulary.DOWNLOADS and kind not in vocabulary.DATA_KINDS) or fmt not in FORMATS:
        raise YixianError("无法识别的下载类型", f"unknown download kind {kind!r} / format {fmt!r}")
    with session_scope() as s:
        audit.record(s, user.username, "download", kind, about,
                     after={"rows": int(rows), "format": fmt, **(note or {})})


def table_xlsx(table: pd.DataFrame, sheet: str) -> bytes:
    """A table as shown on screen (its headers in the page's language) as one xlsx sheet of text-safe cells."""
    return frame_xlsx(table.reset_index(drop=True), sheet)
