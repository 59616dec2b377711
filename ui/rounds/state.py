"""Session keys of the Rounds page, its sections, and what every section is drawn from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common import vocabulary
from services.solve_params import is_solvable_round

if TYPE_CHECKING:
    from store.auth import UserInfo


class Keys:
    """Every session-state key the page owns (widget keys included), imported by the tests."""
    JOB = "rounds_job"
    CANCEL = "rounds_cancel"
    FLASH = "rounds_flash"
    PENDING = "rounds_pending"
    VIEW = "rounds_view"
    PICK = "rounds_pick"
    LAST_PICK = "rounds_last_pick"
    SHOW_ARCHIVED = "rounds_show_archived"
    SECTION = "rounds_section"
    RULE_FOCUS = "rounds_rule_focus"
    PARAM_FOCUS = "rounds_param_focus"
    SOLVE = "rounds_solve"
    DISCARD = "rounds_discard"
    # new round
    NEW_KIND = "new_kind"
    NEW_NAME = "new_name"
    NEW_MOVES = "new_moves"
    NEW_USE_PREVIOUS = "new_use_previous"
    NEW_PARAMS = "new"            # prefix of the parameter widgets
    NEW_CREATE = "new_create"
    # review and explanation
    REVIEW_SEARCH = "review_search"
    REVIEW_COLLEGES = "review_colleges"
    REVIEW_CHANGED = "review_changed"
    REVIEW_LOCKED = "review_locked"
    REVIEW_RANK = "review_rank"
    REVIEW_TABLE = "review_table"
    REVIEW_DOWNLOAD = "review_table_download"
    REVIEW_LAST_ROW = "review_last_row"
    EXPLAIN_CADRE = "explain_cadre"
    EXPLAIN_TARGET = "explain_target"
    EXPLAIN_MOVE = "explain_move"
    # adjust, rules, publish, history
    ADJUST_CADRE = "adjust_cadre"
    ADJUST_TARGET = "adjust_target"
    ADJUST_LOCK = "adjust_lock"
    ADJUST_FORBID = "adjust_forbid"
    ADJUST_MOVE = "adjust_move"
    ADJUST_SWAP_WITH = "adjust_swap_with"
    ADJUST_SWAP = "adjust_swap"
    ADJUST_PLAN = "adjust_plan"             # the previewed adjustment (services.round_adjust.Plan)
    ADJUST_CONFIRM = "adjust_confirm"
    ADJUST_DROP = "adjust_drop"
    RESTORE_PICK = "restore_pick"
    RESTORE_GO = "restore_go"
    RULES_SAVE = "rules_save"
    PUBLISH_DATE = "publish_date"
    PUBLISH_CONFIRM = "publish_confirm"
    PUBLISH_WARNINGS_OK = "publish_warnings_ok"
    PUBLISH_SEEN = "publish_seen"           # the round in force the form showed (optimistic check)
    PUBLISH_GO = "publish_go"
    HISTORY_REPRODUCE = "history_reproduce"
    # Excel round trip
    ROUNDTRIP_DOWNLOAD = "roundtrip_download"
    ROUNDTRIP_CHECKED = "roundtrip_checked"
    ROUNDTRIP_PROBLEMS = "roundtrip_problems"
    ROUNDTRIP_SAVE = "roundtrip_save"

    @staticmethod
    def roundtrip_upload(round_id: int) -> str:
        # per round: a saved revision opens with an empty uploader
        return f"roundtrip_upload_{round_id}"

    @staticmethod
    def new_rules(kind: str, moves: int) -> str:
        return f"new_rules_{kind}_{moves}"

    @staticmethod
    def edit_params(round_id: int) -> str:
        return f"edit_{round_id}"

    @staticmethod
    def edit_rules(round_id: int, focus: int | None) -> str:
        # the focus is part of the key: pending edits are by row position, and focusing reorders rows
        return f"edit_rules_{round_id}" + (f"_{focus}" if focus is not None else "")


SECTIONS = {"review": ("审核", "Review"), "adjust": ("调整", "Adjust"), "rules": ("规则与参数", "Rules"),
            "diff": ("对比", "Diff"), "publish": ("发布与导出", "Publish & export"),
            "history": ("记录与重算", "History"), "roundtrip": ("Excel 往返", "Excel round trip")}
ADMIN_ONLY_SECTIONS = ("adjust",)


@dataclass(frozen=True)
class RoundView:
    """The round on screen and who looks at it."""
    user: UserInfo
    info: Any               # store.rounds.RoundInfo
    rounds: list            # every round (for the one in force)
    version: str

    @property
    def rid(self) -> int:
        return self.info.id

    @property
    def can_edit(self) -> bool:
        return self.user.role == "admin"

    @property
    def result(self) -> dict:
        return self.info.result or {}

    @property
    def status(self) -> str | None:
        return self.result.get("status")

    @property
    def solved(self) -> bool:
        return vocabulary.is_solved(self.status)

    @property
    def is_draft(self) -> bool:
        return self.info.status == "draft"

    @property
    def editable(self) -> bool:
        """An admin looking at a draft: adjustments and rule edits are offered."""
        return self.can_edit and self.is_draft

    @property
    def solvable(self) -> bool:
        return is_solvable_round(self.info)

    @property
    def has_result(self) -> bool:
        return len(self.info.assignment) > 0

    def class_names(self) -> dict[str, str]:
        cls = self.info.inputs["classes"]
        return dict(zip(cls["class_id"], cls["name"]))
