"""The college's check of the 工作台账: confirm or return entries (批量确认 too), and see withdrawals.

Who may: the college role sees and reviews the entries of its own college only (an activity for one
of its classes, or recorded with no class on a day the cadre advised there — the Coverage page's
scope); the admin every entry. Any other id is answered like a missing one. Every step is
audit-logged (entity `ledger_review`). A returned entry goes back to its cadre (services.ledger
`resubmit_activity` sets it pending again); a confirmed one is locked for the cadre.
"""
from __future__ import annotations

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from services import access
from services.compliance_view import Inputs, activities_in_college
from services.db import session_scope
from store import frames
from store import ledger as store_ledger
from store.auth import UserInfo
from store.errors import NotFound

ROLES = ("college", "admin")


class ReviewError(YixianError):
    """A review step refused as given (no reason, nothing picked, already withdrawn)."""


def _scoped(user: UserInfo, inputs: Inputs, led: pd.DataFrame) -> pd.DataFrame:
    college = access.college_scope(user)
    return led if college is None else activities_in_college(led, inputs, college)


def with_status(led: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """`led` plus review_status (pending when no review row), review_reason, reviewed_by."""
    r = reviews.set_index("activity_id") if len(reviews) else None
    status = led["activity_id"].map(r["status"]) if r is not None else pd.Series(index=led.index, dtype=object)
    reason = led["activity_id"].map(r["reason"]) if r is not None else pd.Series(index=led.index, dtype=object)
    by = led["activity_id"].map(r["by"]) if r is not None else pd.Series(index=led.index, dtype=object)
    return led.assign(review_status=status.fillna("pending").astype(object),
                      review_reason=reason.fillna("").astype(object), reviewed_by=by.fillna("").astype(object))


def _withdrawn(reviews: pd.DataFrame) -> pd.DataFrame:
    rows = reviews.loc[reviews["status"] == "withdrawn"] if len(reviews) else reviews
    recs = [r for r in rows["record"] if isinstance(r, dict)] if len(rows) else []
    return frames.from_records("ledger", recs)


def entries(user: UserInfo, inputs: Inputs, status: str | None = None) -> pd.DataFrame:
    """The ledger entries the user reviews, newest first, with review_status / review_reason /
    reviewed_by; withdrawn entries included (status `withdrawn`, reason = the cadre's)."""
    access.require(user, *ROLES, action="review.entries")
    with session_scope() as s:
        reviews = store_ledger.reviews(s)
    live = _scoped(user, inputs, inputs.ledger)
    gone = _scoped(user, inputs, _withdrawn(reviews))
    out = with_status(pd.concat([live, gone], ignore_index=True), reviews)
    if status is not None:
        out = out.loc[out["review_status"] == status]
    names = dict(zip(inputs.cadres["cadre_id"], inputs.cadres["name"]))
    out = out.assign(cadre_name=out["cadre_id"].map(names).fillna(""))
    return out.sort_values(["date", "activity_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _reviewable(user: UserInfo, inputs: Inputs, ids: list[str], action: str) -> pd.DataFrame:
    access.require(user, *ROLES, action=action)
    if not ids:
        raise ReviewError("请先选择要处理的记录", "pick at least one entry first")
    mine = _scoped(user, inputs, inputs.ledger.loc[inputs.ledger["activity_id"].isin(ids)])
    missing = sorted(set(ids) - set(mine["activity_id"]))
    if missing:
        raise NotFound(f"记录 {'、'.join(missing)} 不存在、已撤回或不属于本学院",
                       f"entries {', '.join(missing)} do not exist, were withdrawn or are not in your scope")
    return mine


def confirm(user: UserInfo, inputs: Inputs, activity_ids: list[str]) -> int:
    """Confirm entries (one or a batch, all or nothing); returns how many changed."""
    rows = _reviewable(user, inputs, list(activity_ids), "review.confirm")
    with session_scope() as s:
        current = store_ledger.reviews(s, list(rows["cadre_id"].unique()))
        done = set(current.loc[current["status"] == "confirmed", "activity_id"]) if len(current) else set()
        n = 0
        for r in rows.itertuples():
            if r.activity_id not in done:
                store_ledger.set_review(s, r.activity_id, r.cadre_id, "confirmed", "", user.username)
                n += 1
    return n


def return_entry(user: UserInfo, inputs: Inputs, activity_id: str, reason: str) -> None:
    """Send an entry back to its cadre with a reason (required)."""
    if not str(reason).strip():
        raise ReviewError("退回时请填写原因，干部将看到该原因", "give a reason to return an entry; the cadre sees it")
    rows = _reviewable(user, inputs, [activity_id], "review.return")
    with session_scope() as s:
        store_ledger.set_review(s, activity_id, str(rows["cadre_id"].iloc[0]), "returned", str(reason).strip(),
                                user.username)


def status_label(code: str, lang: str = "zh") -> str:
    return vocabulary.label(vocabulary.REVIEW_STATUSES, code, lang)
