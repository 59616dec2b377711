"""Session keys of the Data page (tests import these instead of spelling the strings)."""
from __future__ import annotations


class Keys:
    IMPORT_KIND = "data_import_kind"
    UPLOAD_PREFIX = "data_upload_"       # + kind: one uploader per kind
    PARSED = "data_parsed"               # {"token", "result"} of the last parsed upload
    CONFIRM = "data_confirm"
    TEMPLATE_PREFIX = "tmpl_"            # + kind
    BROWSE_KIND = "data_browse_kind"
    SEARCH = "data_search"
    BROWSE_DOWNLOAD = "data_browse_download"
    ONE_PICK = "data_one_pick"           # which cadre/class the one-row form edits ("" = a new one)
    ONE_SAVE = "data_one_save"
    ONE_FIELD = "data_one_"              # + kind + column id: the one-row form's fields

    @staticmethod
    def upload(kind: str) -> str:
        return f"{Keys.UPLOAD_PREFIX}{kind}"
