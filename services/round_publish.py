"""Publishing a round, with every check before the official list changes (issue 12, issue 18).

- Nothing invented is published: every cadre and class of the assignment must be in the imported
  roster and class list (hypothetical ones from a scenario, ids `H-…`, never are).
- The effective date has a floor (the round in force cannot end before its latest row started).
- Warnings the user confirms: the round in force would end after fewer than 30 days; the date is
  outside the imported teaching calendar.
- Optimistic check: the caller passes the round in force it showed the user (`seen_in_force`);
  if another publish happened meanwhile, refuse and let the user look again.
Every refusal is one sentence; the list behind it is in the details. No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from services import access
from services.db import session_scope
from services.round_rules import RoundsError
from services.round_solve import READERS, load_round
from services.scenario_edits import HYPO_PREFIX
from store import data as store_data
from store import rounds as store_rounds
from store.auth import UserInfo
from store.errors import StoreError

UNCHECKED = store_rounds.UNCHECKED
MIN_DAYS_IN_FORCE = 30


class PublishRefused(RoundsError):
    """A refused publish: one sentence, the list behind it folded into the details."""

    def __init__(self, message_zh: str, message_en: str, details: list[str] | None = None):
        super().__init__(message_zh, message_en)
        self.details = list(details or [])

    headline = YixianError.headline
    detail_lines = YixianError.detail_lines
    message = YixianError.message


@dataclass(frozen=True)
class PublishWarning:
    code: str           # "short_in_force" | "outside_calendar"
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def in_force_id(user: UserInfo) -> int | None:
    """The id of the round in force now (None when nothing is): what the page shows the user."""
    access.require(user, *READERS, action="read_round")
    with session_scope() as s:
        pub = store_rounds.published_round(s)
    return pub.id if pub is not None else None


def earliest_effective_date(user: UserInfo) -> date | None:
    """The first date a new round may take effect (None: no floor, nothing in force)."""
    access.require(user, *READERS, action="read_round")
    with session_scope() as s:
        return store_rounds.in_force_floor(s)


def _calendar_span() -> tuple[date, date] | None:
    with session_scope() as s:
        terms = store_data.load_calendar(s)
    if not terms:
        return None
    return min(t.start for t in terms), max(t.start + timedelta(days=7 * t.weeks - 1) for t in terms)


def publish_warnings(user: UserInfo, effective_date: date) -> list[PublishWarning]:
    """What the user must confirm before publishing from `effective_date`."""
    access.require(user, *READERS, action="read_round")
    out = []
    with session_scope() as s:
        pub = store_rounds.published_round(s)
    if pub is not None and pub.effective_date is not None:
        from services.round_lifecycle import round_label  # (round_lifecycle imports this module)
        days = (effective_date - pub.effective_date).days
        was = round_label(pub)
        if days < MIN_DAYS_IN_FORCE:
            out.append(PublishWarning(
                "short_in_force", f"现行分配 {was} 仅执行 {days} 天就会结束（少于 {MIN_DAYS_IN_FORCE} 天）",
                f"round {was} in force would end after only {days} days (fewer than {MIN_DAYS_IN_FORCE})"))
    span = _calendar_span()
    if span is not None and not span[0] <= effective_date <= span[1]:
        out.append(PublishWarning(
            "outside_calendar", f"生效日期不在已导入的校历内（{span[0]:%Y-%m-%d} 至 {span[1]:%Y-%m-%d}）",
            f"the effective date is outside the imported calendar ({span[0]} to {span[1]})"))
    return out


def _master_ids() -> tuple[set[str], set[str]]:
    from services.round_inputs import current_inputs
    inp = current_inputs(use_previous=False)
    return set(inp["cadres"]["cadre_id"]), set(inp["classes"]["class_id"])


def unreal_members(assignment: pd.DataFrame, inputs: dict[str, pd.DataFrame]) -> list[str]:
    """Cadres and classes of `assignment` that are hypothetical or not in the imported data,
    one line each ("H-001 假设干部1"), cadres first."""
    cadres, classes = _master_ids()
    names = dict(zip(inputs["cadres"]["cadre_id"], inputs["cadres"]["name"]))
    cls_names = dict(zip(inputs["classes"]["class_id"], inputs["classes"]["name"]))
    bad_cad = sorted({c for c in assignment["cadre_id"] if c.startswith(HYPO_PREFIX) or c not in cadres})
    bad_cls = sorted({k for k in assignment["class_id"] if k.startswith(HYPO_PREFIX) or k not in classes})
    return ([f"{c} {names.get(c, '')}".strip() for c in bad_cad]
            + [f"{k} {cls_names.get(k, '')}".strip() for k in bad_cls])


def _check_publishable(info, effective_date: date, warnings_confirmed: bool, user: UserInfo) -> None:
    if info.result is None or not vocabulary.is_solved(info.result.get("status")):
        raise PublishRefused("只有求解成功的轮次才能发布", "only a solved round with an assignment can be published")
    if info.assignment is None or info.assignment.empty:
        raise PublishRefused("该轮次没有分配结果", "this round has no assignment")
    unreal = unreal_members(info.assignment, info.inputs)
    if unreal:
        raise PublishRefused(f"该轮次含 {len(unreal)} 个假设或名单外的干部/班级，不能发布",
                             f"this round holds {len(unreal)} hypothetical or unlisted cadres/classes; "
                             "it cannot be published", unreal)
    floor = earliest_effective_date(user)
    if floor is not None and effective_date < floor:
        raise PublishRefused(f"生效日期最早为 {floor:%Y-%m-%d}（现行分配的最后一条自前一天起执行）",
                             f"the earliest effective date is {floor} (the round in force has a row "
                             "starting the day before)")
    warns = publish_warnings(user, effective_date)
    if warns and not warnings_confirmed:
        raise PublishRefused("发布前请确认以下提醒", "confirm these warnings before publishing",
                             [w.zh for w in warns])


def publish(user: UserInfo, round_id: int, effective_date: date, seen_in_force: Any = UNCHECKED,
            warnings_confirmed: bool = False) -> None:
    """The round becomes the assignment in force from `effective_date`; the previous one ends the
    day before (store.rounds.publish_round; audit-logged). `seen_in_force`: the id of the round in
    force the user saw (None: none), checked inside the publishing transaction."""
    access.require(user, "admin", action="publish_round")
    _check_publishable(load_round(round_id), effective_date, warnings_confirmed, user)
    try:
        with session_scope() as s:
            store_rounds.publish_round(s, round_id, effective_date, user.username, expect_in_force=seen_in_force)
    except StoreError as exc:
        raise PublishRefused(exc.headline("zh"), exc.headline("en"), exc.detail_lines("zh")) from exc
