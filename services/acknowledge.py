"""确认知晓: after publication each cadre acknowledges the class assigned; the admin sees who has not.

Who may: a cadre acknowledges and reads only their own; the admin reads the list of everyone.
"""
from __future__ import annotations

import pandas as pd

from common.errors import YixianError
from services import access
from services.db import session_scope
from store import ledger as store_ledger
from store import rounds as store_rounds
from store.auth import UserInfo


class AcknowledgeError(YixianError):
    """Nothing to acknowledge (no published round, or no class for this cadre in it)."""


def _published_rows(s) -> tuple[int | None, pd.DataFrame]:
    pub = store_rounds.published_round(s)
    if pub is None:
        return None, pd.DataFrame(columns=["cadre_id", "name", "class_id", "class_name", "college"])
    return pub.id, store_rounds.round_assignment(s, pub.id)


def my_status(user: UserInfo) -> dict:
    """{round_id, classes (frame: class_id, class_name, college), acknowledged_at (None when not yet)};
    round_id None when nothing is published or the cadre has no class in it."""
    access.require(user, "cadre", action="acknowledge.read")
    access.require_own_cadre(user, user.cadre_id or "", action="acknowledge.read", admin_ok=False)
    with session_scope() as s:
        rid, rows = _published_rows(s)
        mine = rows.loc[rows["cadre_id"] == user.cadre_id, ["class_id", "class_name", "college"]]
        at = store_ledger.acknowledged(s, rid).get(user.cadre_id) if rid is not None else None
    if mine.empty:
        rid = None
    return {"round_id": rid, "classes": mine.reset_index(drop=True), "acknowledged_at": at}


def acknowledge(user: UserInfo) -> bool:
    """Record the cadre's 确认知晓 of their class in the published round (audit-logged). False when
    already acknowledged."""
    access.require(user, "cadre", action="acknowledge")
    access.require_own_cadre(user, user.cadre_id or "", action="acknowledge", admin_ok=False)
    with session_scope() as s:
        rid, rows = _published_rows(s)
        if rid is None or not (rows["cadre_id"] == user.cadre_id).any():
            raise AcknowledgeError("已发布的分配中没有您的班级，无需确认",
                                   "the published assignment gives you no class; nothing to acknowledge")
        return store_ledger.acknowledge(s, rid, user.cadre_id, user.username)


def overview(user: UserInfo) -> pd.DataFrame:
    """The admin's list: cadre_id, name, class_name, college, acknowledged, acknowledged_at of the
    published round (empty when nothing is published)."""
    access.require(user, "admin", action="acknowledge.overview")
    with session_scope() as s:
        rid, rows = _published_rows(s)
        acks = store_ledger.acknowledged(s, rid) if rid is not None else {}
    out = rows[["cadre_id", "name", "class_name", "college"]].drop_duplicates("cadre_id").reset_index(drop=True)
    return out.assign(acknowledged=out["cadre_id"].isin(set(acks)),
                      acknowledged_at=out["cadre_id"].map(lambda k: acks.get(k)))
