"""Wish collections (征求干部联系意向): the admin's call, each cadre's ranked wishes and declared
conflicts (亲属/利益回避). SQL only; who may call what is checked in services.wishes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store import audit
from store.errors import NotFound
from store.locks import serialise
from store.models import Wish, WishAnswer, WishCollection, WishConflict, utcnow

WISH_COLUMNS = ["cadre_id", "rank", "kind", "value"]
CONFLICT_COLUMNS = ["cadre_id", "class_id", "college", "reason"]


def _collection(obj: WishCollection) -> dict[str, Any]:
    return {"id": obj.id, "name": obj.name, "deadline": obj.deadline, "max_wishes": obj.max_wishes,
            "opened_by": obj.opened_by, "opened_at": obj.opened_at}


def open_collection(session: Session, name: str, deadline: datetime, max_wishes: int, actor: str) -> int:
    obj = WishCollection(name=name, deadline=deadline, max_wishes=int(max_wishes), opened_by=actor,
                         opened_at=utcnow())
    session.add(obj)
    session.flush()
    audit.record(session, actor, "open", "wish_collection", obj.id, after=_collection(obj))
    return obj.id


def set_deadline(session: Session, collection_id: int, deadline: datetime, actor: str) -> None:
    obj = session.get(WishCollection, collection_id)
    if obj is None:
        raise NotFound(f"意向征集 {collection_id} 不存在", f"wish collection {collection_id} does not exist")
    before = _collection(obj)
    obj.deadline = deadline
    session.flush()
    audit.record(session, actor, "deadline", "wish_collection", collection_id, before=before,
                 after=_collection(obj))


def collections(session: Session) -> list[dict[str, Any]]:
    """Newest first."""
    return [_collection(o) for o in session.scalars(select(WishCollection).order_by(WishCollection.id.desc()))]


def get_collection(session: Session, collection_id: int) -> dict[str, Any] | None:
    obj = session.get(WishCollection, collection_id)
    return None if obj is None else _collection(obj)


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    if "rank" in df:
        df["rank"] = df["rank"].astype("int64")
    return df


def wishes(session: Session, collection_id: int, cadre_id: str | None = None) -> pd.DataFrame:
    q = select(Wish.cadre_id, Wish.rank, Wish.kind, Wish.value).where(Wish.collection_id == collection_id)
    if cadre_id is not None:
        q = q.where(Wish.cadre_id == cadre_id)
    return _frame(session.execute(q.order_by(Wish.cadre_id, Wish.rank)).all(), WISH_COLUMNS)


def conflicts(session: Session, collection_id: int, cadre_id: str | None = None) -> pd.DataFrame:
    q = (select(WishConflict.cadre_id, WishConflict.class_id, WishConflict.college, WishConflict.reason)
         .where(WishConflict.collection_id == collection_id))
    if cadre_id is not None:
        q = q.where(WishConflict.cadre_id == cadre_id)
    return _frame(session.execute(q.order_by(WishConflict.cadre_id, WishConflict.id)).all(), CONFLICT_COLUMNS)


def answered(session: Session, collection_id: int) -> dict[str, datetime]:
    """cadre_id -> when they last answered."""
    q = select(WishAnswer.cadre_id, WishAnswer.answered_at).where(WishAnswer.collection_id == collection_id)
    return dict(session.execute(q).all())


def save_answer(session: Session, collection_id: int, cadre_id: str, wish_rows: list[dict[str, Any]],
                conflict_rows: list[dict[str, Any]], actor: str) -> None:
    """Replace this cadre's wishes and conflicts in one transaction (audit-logged)."""
    with session.begin_nested():
        serialise(session, f"wishes:{collection_id}")
        before = {"wishes": wishes(session, collection_id, cadre_id).to_dict("records"),
                  "conflicts": conflicts(session, collection_id, cadre_id).to_dict("records")}
        for model in (Wish, WishConflict):
            session.execute(delete(model).where(model.collection_id == collection_id, model.cadre_id == cadre_id))
        session.add_all(Wish(collection_id=collection_id, cadre_id=cadre_id, rank=int(w["rank"]), kind=w["kind"],
                             value=str(w["value"])) for w in wish_rows)
        session.add_all(WishConflict(collection_id=collection_id, cadre_id=cadre_id, class_id=c.get("class_id", ""),
                                     college=c.get("college", ""), reason=c.get("reason", ""))
                        for c in conflict_rows)
        ans = session.get(WishAnswer, (collection_id, cadre_id))
        if ans is None:
            session.add(WishAnswer(collection_id=collection_id, cadre_id=cadre_id, answered_at=utcnow()))
        else:
            ans.answered_at = utcnow()
        session.flush()
        audit.record(session, actor, "answer", "wishes", f"{collection_id}:{cadre_id}", before=before,
                     after={"wishes": wish_rows, "conflicts": conflict_rows})
