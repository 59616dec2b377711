"""Session keys of the Confirm page (tests import these)."""
from __future__ import annotations


class Keys:
    STATUS = "confirm_status"
    CADRE = "confirm_cadre"
    TABLE = "confirm_table"
    DOWNLOAD = "confirm_table_download"
    PICK = "confirm_pick"            # the entries of a batch confirmation
    ALL = "confirm_all"
    CONFIRM = "confirm_confirm"
    RETURN_PICK = "confirm_return_pick"
    RETURN_REASON = "confirm_return_reason"
    RETURN = "confirm_return"
    FLASH = "confirm_flash"
