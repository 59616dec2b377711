"""Session keys of the 工作要求 page (tests import these instead of spelling the strings)."""
from __future__ import annotations


class Keys:
    TABLE = "req_table"
    RULE = "req_rule"
    LEVEL = "req_level"
    AT_LEAST = "req_at_least"
    PER = "req_per"
    TYPES = "req_types"
    VENUES = "req_venues"
    EXCLUDE = "req_exclude"
    EFFECTIVE = "req_effective"
    NOTE = "req_note"
    SAVE_VERSION = "req_save_version"
    GOOD = "req_good"
    FAIRLY_GOOD = "req_fairly_good"
    AVERAGE = "req_average"
    CONFIRMED_ONLY = "req_confirmed_only"
    SAVE_SETTINGS = "req_save_settings"
    HISTORY = "req_history"
    FLASH = "req_flash"
    ALL_LEVELS = "all"
