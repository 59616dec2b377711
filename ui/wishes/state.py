"""Session keys of the Wishes pages (tests import these)."""
from __future__ import annotations


class Keys:
    KIND = "wish_kind"                 # + _<rank>
    VALUE = "wish_value"               # + _<rank>
    CONFLICT_KIND = "wish_conflict_kind"      # + _<i>
    CONFLICT_VALUE = "wish_conflict_value"    # + _<i>
    CONFLICT_REASON = "wish_conflict_reason"  # + _<i>
    SAVE = "wish_save"
    LOADED = "wish_loaded"             # the collection whose saved answer filled the widgets
    FLASH = "wish_flash"
    NAME = "wish_round_name"
    DEADLINE_DAY = "wish_round_deadline_day"
    MAX = "wish_round_max"
    OPEN = "wish_round_open"
    CLOSE = "wish_round_close"
    STATUS = "wish_round_status"
    ANSWERS = "wish_round_answers"
    CONFLICTS = "wish_round_conflicts"
    ACKS = "wish_round_acks"
    DL_REMINDERS = "wish_round_dl_reminders"

    @staticmethod
    def at(key: str, i: int) -> str:
        return f"{key}_{i}"
