"""Session keys of the Scenarios page and what every tab is drawn from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.auth import UserInfo


class Keys:
    """Every session-state key the page owns (widget keys included), imported by the tests."""
    JOB = "scn_job"
    CANCEL = "scn_cancel"
    FLASH = "scn_flash"
    PENDING = "scn_pending"
    TABS = "scn_tabs"
    PICK = "scn_pick"
    SWEEP_RESULT = "scn_sweep_result"
    CURVE_RESULT = "scn_curve_result"
    # new scenario
    NEW_NAME = "scn_new_name"
    NEW_BASE = "scn_new_base"
    CREATE = "scn_create"
    # edits
    H_COUNT = "scn_h_count"
    H_LEVEL = "scn_h_level"
    H_EXPERTISE = "scn_h_expertise"
    H_CAP = "scn_h_cap"
    ADD_HYPO = "scn_add_hypo"
    CAP_LEVEL = "scn_cap_level"
    CAP_VALUE = "scn_cap_value"
    SET_CAP = "scn_set_cap"
    RM_CADRES = "scn_rm_cadres"
    RM_CADRES_BTN = "scn_rm_cadres_btn"
    CLASSES_FILE = "scn_classes_file"
    ADD_CLASSES = "scn_add_classes"
    RM_CLASSES = "scn_rm_classes"
    RM_CLASSES_BTN = "scn_rm_classes_btn"
    RM_GRADE = "scn_rm_grade"
    RM_GRADE_BTN = "scn_rm_grade_btn"
    SAVE_RULES = "scn_save_rules"
    PARAMS = "scn_p"              # prefix of the parameter widgets
    SAVE_PARAMS = "scn_save_params"
    # solve, result, promote
    SOLVE = "scn_solve"
    DELETE = "scn_delete"
    ROUND_NAME = "scn_round_name"
    PROMOTE = "scn_promote"
    MAP_FORM = "scn_map_form"
    MAP_GO = "scn_map_go"
    # compare
    COMPARE_PICK = "scn_compare_pick"
    COMPARE_PUB = "scn_compare_pub"
    MOVES_FROM = "scn_mv_from"
    MOVES_TO = "scn_mv_to"
    # capacity sweep
    SWEEP_ORDER = "scn_sweep_order"
    SWEEP_POINTS = "scn_sweep_points"
    SWEEP_MIN = "scn_sweep_min"
    SWEEP_RUN = "scn_sweep_run"
    # trade-off curves
    CURVE_KIND = "scn_curve_kind"
    CURVE_POINTS = "scn_curve_points"
    CURVE_RUN = "scn_curve_run"
    CURVE_POINT = "scn_curve_point"
    CURVE_CLICKED = "scn_curve_clicked"
    OPEN_POINT = "scn_open_point"

    @staticmethod
    def map_cadre(stand_in: str) -> str:
        return f"scn_map_cadre_{stand_in}"

    @staticmethod
    def map_class(stand_in: str) -> str:
        return f"scn_map_class_{stand_in}"

    @staticmethod
    def rules(scenario_id: int, n_edits: int) -> str:
        return f"scn_rules_{scenario_id}_{n_edits}"

    @staticmethod
    def sweep_lo(scenario_id: int, total: int) -> str:
        return f"scn_sweep_lo_{scenario_id}_{total}"

    @staticmethod
    def sweep_hi(scenario_id: int, total: int) -> str:
        return f"scn_sweep_hi_{scenario_id}_{total}"

    @staticmethod
    def curve_name(point: int) -> str:
        return f"scn_curve_name_{point}"


@dataclass(frozen=True)
class ScenarioPage:
    """Who looks, every scenario (listing order), and the store version the caches are keyed by."""
    user: UserInfo
    scenarios: list[Any]
    version: str

    @property
    def by_id(self) -> dict[int, Any]:
        return {s.id: s for s in self.scenarios}

    def label(self, sid: int) -> str:
        s = self.by_id[sid]
        return f"#{s.id} {s.name}（{s.owner}）"
