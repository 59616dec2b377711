"""Session keys of the fit model page (tests import these instead of spelling the strings)."""
from __future__ import annotations


class Keys:
    FLASH = "fit_flash"
    WEIGHT_PREFIX = "fit_w_"             # + weight key
    BY_RANK = "fit_by_rank"
    KIND_PREFIX = "fit_kind_"            # + preference kind
    AFFINITY = "fit_affinity"            # data_editor of the expertise table
    UNIT_AFFINITY = "fit_unit_affinity"  # data_editor of the unit table
    ALIASES = "fit_aliases"
    NOTE = "fit_note"
    PREVIEW = "fit_preview"
    SAVE = "fit_save"
    MAP_PREFIX = "fit_map_"              # + kind + word: target selectbox
    MAP_BUTTON_PREFIX = "fit_map_btn_"
    GRID_COLLEGES = "fit_grid_colleges"
    GRID_TAGS = "fit_grid_tags"
    GRID_CADRES = "fit_grid_cadres"
    GRID_CLASSES = "fit_grid_classes"
    GRID_REASON = "fit_grid_reason"
    GRID_LOCK = "fit_grid_lock"
    GRID_FORBID = "fit_grid_forbid"

    @staticmethod
    def map_target(kind: str, word: str) -> str:
        return f"{Keys.MAP_PREFIX}{kind}_{word}"

    @staticmethod
    def map_button(kind: str, word: str) -> str:
        return f"{Keys.MAP_BUTTON_PREFIX}{kind}_{word}"
