"""A round's life: create (new or top-up), revise, publish, discard, and its audit trail.

Rounds never change in place. Editing a draft's rules or parameters, or adjusting a pair, makes a
*revision*: a new draft round (parent = the old one) holding the edited snapshot; the old draft
is archived. So every stored result always matches the inputs it was solved from, and re-running
any round (archived included) reproduces it.

Who may: admin creates, solves, adjusts, publishes and discards; planner reads. No Streamlit here.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from common import vocabulary
from services import access
from services.db import session_scope
from services.jobs import BackgroundJob
from services.round_inputs import canonical_constraints, current_inputs, snapshot_inputs, topup_inputs
from services.round_names import round_label, round_number, version_number  # noqa: F401 - used by pages
from services.round_publish import (  # noqa: F401 - publishing lives there
    PublishRefused,
    PublishWarning,
    earliest_effective_date,
    in_force_id,
    publish,
    publish_warnings,
)
from services.round_rules import RoundsError
from services.round_solve import READERS, load_round, start_solve
from services.solve_params import default_params, make_config
from store import audit, version
from store import rounds as store_rounds
from store.auth import UserInfo


def get_round(user: UserInfo, round_id: int):
    access.require(user, *READERS, action="read_round")
    return load_round(round_id)


def list_rounds(user: UserInfo):
    access.require(user, *READERS, action="list_rounds")
    with session_scope() as s:
        return store_rounds.list_rounds(s)


def store_version() -> str:
    """The store's change marker (store.version): keys every page cache."""
    with session_scope() as s:
        return version.store_version(s)


def create_round(user: UserInfo, name: str, kind: str, params: dict[str, Any],
                 constraints: pd.DataFrame | None = None, moves_allowed: int = 0) -> int:
    """A new draft round from the current data ("initial") or a top-up from the published
    assignment ("topup"). `constraints` (edited on the page) replace the master rules in the
    snapshot only."""
    access.require(user, "admin", action="create_round")
    params = dict(default_params() | (params or {}))
    parent = None
    if kind == "topup":
        inputs, facts = topup_inputs(moves_allowed)
        params["change_budget"] = facts["change_budget"]
        params["topup"] = facts
        with session_scope() as s:
            pub = store_rounds.published_round(s)
        parent = pub.id if pub else None
    elif kind == "initial":
        inputs = current_inputs(use_previous=bool(params.get("use_previous", True)))
    else:
        raise RoundsError(f"轮次类型 {kind!r} 无效", f"round kind {kind!r} invalid")
    if constraints is not None:
        # the page edits the rules as built (a top-up's keep-locks included)
        inputs["constraints"] = canonical_constraints(constraints)
    make_config(params)  # refuse bad parameters before anything is written
    with session_scope() as s:
        return store_rounds.create_round(s, name, kind, snapshot_inputs(inputs), params, user.username,
                                         parent_id=parent)


def revise(user: UserInfo, round_id: int, inputs: dict[str, pd.DataFrame] | None = None,
           params: dict[str, Any] | None = None, note: str = "", note_en: str = "",
           result: tuple[pd.DataFrame, dict[str, Any]] | None = None) -> int:
    """A new draft revision of a draft round with edited inputs/params; the old draft is archived.
    `result` (assignment, report: round_solve.stored_result) is the revision's result, stored in the
    same transaction (all or nothing)."""
    access.require(user, "admin", action="revise_round")
    with session_scope() as s:
        old = store_rounds.get_round(s, round_id)
        if old.status != "draft":
            raise RoundsError(f"轮次 {round_label(old)} 已{vocabulary.label(vocabulary.ROUND_STATUSES, old.status)}，只能修改草稿",
                              f"round {round_label(old)} is "
                              f"{vocabulary.label(vocabulary.ROUND_STATUSES, old.status, 'en')}; only a draft can be changed")
        # an adjustment's anchor (the pairs it kept first) belongs to that revision only
        new_params = {k: v for k, v in old.parameters.items() if k != "anchor"} | (params or {})
        new_params["revision_of"] = old.id
        new_params["revision"] = int(old.parameters.get("revision") or 0) + 1
        new_params["round_no"] = round_number(old.id, old.parameters)
        new_params["revision_note"] = note
        new_params["revision_note_en"] = note_en or note
        make_config(new_params)
        new_id = store_rounds.create_round(s, old.name, old.kind, snapshot_inputs(dict(old.inputs) | (inputs or {})),
                                           new_params, user.username, parent_id=old.id)
        store_rounds.archive_round(s, old.id, user.username)
        if result is not None:
            store_rounds.save_round_result(s, new_id, *result, user.username)
    return new_id


def start_revision_solve(user: UserInfo, round_id: int, constraints: pd.DataFrame | None = None,
                         params: dict[str, Any] | None = None) -> BackgroundJob:
    """Save edited rules/parameters as a new revision and solve it (infeasible results are kept
    with their diagnosis: the user asked for these rules)."""
    access.require(user, "admin", action="revise_round")
    inputs = None if constraints is None else {"constraints": canonical_constraints(constraints)}
    new_id = revise(user, round_id, inputs=inputs, params=params, note="修改规则与参数", note_en="rules and parameters changed")
    return start_solve(user, new_id)


def discard(user: UserInfo, round_id: int) -> None:
    """Archive a draft that will not be published."""
    access.require(user, "admin", action="discard_round")
    info = load_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能放弃草稿轮次", "only a draft can be discarded")
    with session_scope() as s:
        store_rounds.archive_round(s, round_id, user.username)


def audit_trail(user: UserInfo, round_id: int) -> pd.DataFrame:
    access.require(user, *READERS, action="round_audit_trail")
    with session_scope() as s:
        return audit.audit_rows(s, limit=50, entity="round", entity_id=round_id)
