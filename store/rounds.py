"""Assignment rounds (分配轮次): draft → published → archived, and the assignment in force.

The assignment "in force" on a date is made of the rows of every round that was ever published
(status published, or archived after publication) whose [start, end] contains that date.
Publishing a round closes the open rows of the round it replaces (end = effective_date − 1 day)
and archives that round, so the history stays exact for compliance.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from common import vocabulary
from store import audit, frames
from store.errors import InvalidData, InvalidState, NotFound
from store.locks import serialise
from store.models import Assignment, AssignmentRound, utcnow

ROUND_KINDS = tuple(vocabulary.ROUND_KINDS)
_FIXED = ("cadre_id", "name", "class_id", "class_name", "college", "score", "preference_rank", "locked",
          "changed", "start", "end")


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    kind: str
    status: str
    parameters: dict[str, Any]
    seed: int | None
    result: dict[str, Any] | None
    created_by: str
    created_at: datetime
    result_at: datetime | None
    published_by: str | None
    published_at: datetime | None
    effective_date: date | None
    archived_by: str | None
    archived_at: datetime | None
    parent_id: int | None
    n_assignments: int
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    assignment: pd.DataFrame | None = field(default=None, compare=False, repr=False)


def _json_checked(what: str, value: Any) -> Any:
    try:
        json.dumps(frames.jsonable(value), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidData(f"{what} 不能保存为 JSON", f"{what} is not JSON-serialisable", [str(exc)]) from exc
    return frames.jsonable(value)


def _get(session: Session, round_id: int, lock: bool = False) -> AssignmentRound:
    q = select(AssignmentRound).where(AssignmentRound.id == int(round_id))
    if lock:
        q = q.with_for_update()
    obj = session.scalars(q).one_or_none()
    if obj is None:
        raise NotFound(f"分配轮次 {round_id} 不存在", f"assignment round {round_id} does not exist")
    return obj


def _summary(obj: AssignmentRound) -> dict[str, Any]:
    return {"name": obj.name, "kind": obj.kind, "status": obj.status, "parent_id": obj.parent_id,
            "effective_date": obj.effective_date, "published_by": obj.published_by,
            "published_at": obj.published_at, "archived_at": obj.archived_at}


def create_round(session: Session, name: str, kind: str, inputs: dict[str, pd.DataFrame],
                 params: dict[str, Any], actor: str, parent_id: int | None = None) -> int:
    """A new draft round with a snapshot of its inputs and parameters; returns its id."""
    if not str(name).strip():
        raise InvalidData("轮次名称不能为空", "a round needs a name")
    if kind not in ROUND_KINDS:
        raise InvalidData(f"轮次类型 {kind!r} 无效", f"round kind {kind!r} invalid; expected {ROUND_KINDS}")
    try:
        snapshot = frames.frames_to_json(inputs)
    except (frames.FrameError, ValueError, TypeError) as exc:
        raise InvalidData("轮次输入数据格式不符", "round inputs are not canonical DataFrames", [str(exc)]) from exc
    params = _json_checked("parameters", params or {})
    seed = params.get("seed")
    with session.begin_nested():
        serialise(session, "rounds")
        if parent_id is not None:
            _get(session, parent_id)
        obj = AssignmentRound(name=str(name).strip(), kind=kind, status="draft", inputs=snapshot,
                              parameters=params, seed=None if seed is None else int(seed), result=None,
                              created_by=actor, created_at=utcnow(), parent_id=parent_id)
        session.add(obj)
        session.flush()
        audit.record(session, actor, "create", "round", obj.id, after=_summary(obj) | {
            "parameters": params, "inputs": {k: len(v) for k, v in inputs.items()}})
    return obj.id


def _assignment_rows(round_id: int, df: pd.DataFrame) -> list[dict[str, Any]]:
    try:
        recs = frames.records("assignment", df)
    except (frames.FrameError, ValueError, TypeError) as exc:
        raise InvalidData("分配结果格式不符", "assignment does not have the canonical shape", [str(exc)]) from exc
    rows = []
    for r in recs:
        row = {c: r[c] for c in _FIXED}
        row["parts"] = {k: v for k, v in r.items() if k not in _FIXED}
        row["round_id"] = round_id
        rows.append(row)
    bad = [f"{r['cadre_id']}→{r['class_id']}: start {r['start']} > end {r['end']}" for r in rows
           if r["start"] and r["end"] and r["start"] > r["end"]]
    if bad:
        raise InvalidData("分配的起止日期有误", "assignment start after end", bad)
    return rows


def save_round_result(session: Session, round_id: int, assignment_df: pd.DataFrame, report: dict[str, Any],
                      actor: str) -> None:
    """Store (or replace) the result of a draft round: its assignment rows and report."""
    report = _json_checked("report", report or {})
    with session.begin_nested():
        serialise(session, "rounds")
        obj = _get(session, round_id, lock=True)
        if obj.status != "draft":
            raise InvalidState(f"轮次 {round_id} 已{_status_zh(obj.status)}，不能修改结果",
                               f"round {round_id} is {obj.status}; only a draft's result can change")
        rows = _assignment_rows(obj.id, assignment_df)
        before = {"result": obj.result, "n_assignments": _count(session, obj.id)}
        session.execute(delete(Assignment).where(Assignment.round_id == obj.id))
        if rows:
            session.execute(insert(Assignment), rows)
        obj.result = report
        obj.result_at = utcnow()
        session.flush()
        audit.record(session, actor, "save_result", "round", obj.id, before=before,
                     after={"result": report, "n_assignments": len(rows)})


def _status_zh(status: str) -> str:
    return {"published": "发布", "archived": "归档", "draft": "草稿"}.get(status, status)


def _count(session: Session, round_id: int) -> int:
    from sqlalchemy import func
    return int(session.scalar(select(func.count()).select_from(Assignment)
                              .where(Assignment.round_id == round_id)) or 0)


def _frame(rows: list[Assignment]) -> pd.DataFrame:
    part_names: list[str] = list(frames.PART_COLUMNS)
    for a in rows:
        part_names += [p for p in (a.parts or {}) if p not in part_names]
    recs = []
    for a in rows:
        r = {c: getattr(a, c) for c in _FIXED}
        r.update({p: (a.parts or {}).get(p) for p in part_names})
        recs.append(r)
    cols = frames.column_types("assignment", pd.DataFrame(columns=part_names))
    df = frames.from_records("assignment", recs, cols)
    return frames.sort_frame("assignment", df)


def round_assignment(session: Session, round_id: int) -> pd.DataFrame:
    rows = list(session.scalars(select(Assignment).where(Assignment.round_id == int(round_id))))
    return _frame(rows)


def _info(session: Session, obj: AssignmentRound, full: bool) -> RoundInfo:
    return RoundInfo(
        id=obj.id, name=obj.name, kind=obj.kind, status=obj.status, parameters=obj.parameters or {},
        seed=obj.seed, result=obj.result, created_by=obj.created_by, created_at=obj.created_at,
        result_at=obj.result_at, published_by=obj.published_by, published_at=obj.published_at,
        effective_date=obj.effective_date, archived_by=obj.archived_by, archived_at=obj.archived_at,
        parent_id=obj.parent_id, n_assignments=_count(session, obj.id),
        inputs=frames.frames_from_json(obj.inputs) if full else {},
        assignment=round_assignment(session, obj.id) if full else None)


def get_round(session: Session, round_id: int) -> RoundInfo:
    """The round with its inputs (DataFrames) and its assignment rows."""
    return _info(session, _get(session, round_id), full=True)


def list_rounds(session: Session, status: str | None = None) -> list[RoundInfo]:
    """Newest first; without inputs/assignment (use get_round for those)."""
    q = select(AssignmentRound).order_by(AssignmentRound.id.desc())
    if status is not None:
        q = q.where(AssignmentRound.status == status)
    return [_info(session, obj, full=False) for obj in session.scalars(q)]


def published_round(session: Session) -> RoundInfo | None:
    obj = session.scalars(select(AssignmentRound).where(AssignmentRound.status == "published")
                          .order_by(AssignmentRound.published_at.desc())).first()
    return None if obj is None else _info(session, obj, full=False)


def _as_date(d: Any) -> date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if isinstance(d, str):
        return date.fromisoformat(d)
    raise InvalidData(f"生效日期无效: {d!r}", f"invalid effective date: {d!r}")


UNCHECKED = object()   # publish_round(expect_in_force=…) not given: no optimistic check


class StaleView(InvalidState):
    """The round in force changed since the user looked (another publish happened meanwhile)."""


def publish_round(session: Session, round_id: int, effective_date: Any, actor: str,
                  expect_in_force: Any = UNCHECKED) -> None:
    """Publish a draft round from `effective_date`: its rows start then (rows that start later
    keep their date), the open rows of the round in force end the day before, and that round
    is archived. All in one transaction. `expect_in_force` (a round id, or None for "nothing in
    force") is the round in force the user saw: if another is in force now, refuse (StaleView)."""
    eff = _as_date(effective_date)
    with session.begin_nested():
        serialise(session, "rounds")  # two publishes at once must not leave two rounds published
        if expect_in_force is not UNCHECKED:
            _check_in_force(session, expect_in_force)
        obj = _get(session, round_id, lock=True)
        if obj.status != "draft":
            raise InvalidState(f"轮次 {round_id} 已{_status_zh(obj.status)}，只能发布草稿",
                               f"round {round_id} is {obj.status}; only a draft can be published")
        if obj.result is None:
            raise InvalidState(f"轮次 {round_id} 还没有结果，不能发布",
                               f"round {round_id} has no saved result to publish")
        previous = list(session.scalars(select(AssignmentRound).where(AssignmentRound.status == "published")
                                        .where(AssignmentRound.id != obj.id).with_for_update()))
        prev_ids = [p.id for p in previous]
        cut = eff - timedelta(days=1)
        to_close = list(session.scalars(
            select(Assignment).where(Assignment.round_id.in_(prev_ids))
            .where(or_(Assignment.end.is_(None), Assignment.end >= eff)))) if prev_ids else []
        late = [a for a in to_close if a.start is not None and a.start >= eff]
        if late:
            raise InvalidState(
                "生效日期必须晚于当前有效分配的开始日期", "the effective date must be after the start of every "
                "assignment still in force", [f"{a.cadre_id}→{a.class_id} 开始 start {a.start}" for a in late])
        rows = list(session.scalars(select(Assignment).where(Assignment.round_id == obj.id)))
        bad = [a for a in rows if a.end is not None and a.end < eff]
        if bad:
            raise InvalidState("有分配在生效日期之前就已结束", "some rows end before the effective date",
                               [f"{a.cadre_id}→{a.class_id} end {a.end}" for a in bad])
        closed = [{"round_id": a.round_id, "cadre_id": a.cadre_id, "class_id": a.class_id,
                   "end_before": a.end, "end_after": cut} for a in to_close]
        for a in to_close:
            a.end = cut
        for a in rows:
            if a.start is None or a.start < eff:
                a.start = eff
        now = utcnow()
        for p in previous:
            before = _summary(p)
            p.status, p.archived_by, p.archived_at = "archived", actor, now
            audit.record(session, actor, "archive", "round", p.id, before=before,
                         after=_summary(p) | {"replaced_by": obj.id})
        before = _summary(obj)
        obj.status, obj.published_by, obj.published_at, obj.effective_date = "published", actor, now, eff
        session.flush()
        audit.record(session, actor, "publish", "round", obj.id, before=before,
                     after=_summary(obj) | {"closed": closed, "n_assignments": len(rows)})


def _check_in_force(session: Session, expected: int | None) -> None:
    now = session.scalar(select(AssignmentRound).where(AssignmentRound.status == "published"))
    if (now.id if now is not None else None) == expected:
        return
    if now is None:
        raise StaleView("发布前现行分配已被撤回，请重新查看后再发布",
                        "the round in force was withdrawn meanwhile; look again before publishing")
    raise StaleView(f"发布前他人已发布了 #{now.id}“{now.name}”，请重新查看后再发布",
                    f"someone published #{now.id} “{now.name}” meanwhile; look again before publishing")


def in_force_floor(session: Session) -> date | None:
    """The earliest effective date a new round may take: the day after the latest start among
    the open rows of the round in force (None when nothing is in force)."""
    pub = session.scalar(select(AssignmentRound).where(AssignmentRound.status == "published"))
    if pub is None:
        return None
    starts = [a.start for a in session.scalars(select(Assignment).where(Assignment.round_id == pub.id)
                                               .where(Assignment.end.is_(None))) if a.start is not None]
    base = max(starts) if starts else pub.effective_date
    return base + timedelta(days=1) if base is not None else None


def archive_round(session: Session, round_id: int, actor: str, end_date: Any = None) -> None:
    """Archive a draft (discarded), or withdraw the published round: its open rows end on
    `end_date` (required then). An archived round stays archived."""
    with session.begin_nested():
        serialise(session, "rounds")
        obj = _get(session, round_id, lock=True)
        if obj.status == "archived":
            raise InvalidState(f"轮次 {round_id} 已归档", f"round {round_id} is already archived")
        closed = []
        if obj.status == "published":
            if end_date is None:
                raise InvalidData("撤回已发布轮次需要结束日期", "withdrawing a published round needs an end date")
            end = _as_date(end_date)
            for a in session.scalars(select(Assignment).where(Assignment.round_id == obj.id)
                                     .where(or_(Assignment.end.is_(None), Assignment.end > end))):
                if a.start is not None and a.start > end:
                    raise InvalidState("结束日期早于分配开始日期", "end date before an assignment's start",
                                       [f"{a.cadre_id}→{a.class_id} start {a.start}"])
                closed.append({"cadre_id": a.cadre_id, "class_id": a.class_id, "end_before": a.end,
                               "end_after": end})
                a.end = end
        before = _summary(obj)
        obj.status, obj.archived_by, obj.archived_at = "archived", actor, utcnow()
        session.flush()
        audit.record(session, actor, "archive", "round", obj.id, before=before,
                     after=_summary(obj) | {"closed": closed})


def end_pairs(session: Session, class_ids: list[str], end: Any, actor: str, reason: str) -> list[dict]:
    """End, on `end`, every published row of `class_ids` still open after it (a graduated class
    retired at the year roll-over); audited on the published round. Returns what was closed."""
    day = _as_date(end)
    with session.begin_nested():
        serialise(session, "rounds")
        pub = session.scalar(select(AssignmentRound).where(AssignmentRound.status == "published"))
        if pub is None or not class_ids:
            return []
        rows = list(session.scalars(select(Assignment).where(Assignment.round_id == pub.id)
                                    .where(Assignment.class_id.in_(sorted(set(class_ids))))
                                    .where(or_(Assignment.end.is_(None), Assignment.end > day))
                                    .order_by(Assignment.cadre_id, Assignment.class_id)))
        late = [a for a in rows if a.start is not None and a.start > day]
        if late:
            raise InvalidState("结束日期早于分配开始日期", "end date before an assignment's start",
                               [f"{a.cadre_id}→{a.class_id} start {a.start}" for a in late])
        closed = [{"cadre_id": a.cadre_id, "class_id": a.class_id, "end_before": a.end, "end_after": day}
                  for a in rows]
        for a in rows:
            a.end = day
        session.flush()
        if closed:
            audit.record(session, actor, "update", "round", pub.id, before=None,
                         after={"closed": closed, "reason": reason})
        return closed


def assignment_in_force(session: Session, as_of: Any = None) -> pd.DataFrame:
    """Canonical assignment (with start/end) of every published row valid on `as_of`;
    without `as_of`, all rows ever published (history, for compliance)."""
    q = (select(Assignment).join(AssignmentRound, AssignmentRound.id == Assignment.round_id)
         .where(AssignmentRound.published_at.is_not(None)))
    if as_of is not None:
        d = _as_date(as_of)
        q = q.where(or_(Assignment.start.is_(None), Assignment.start <= d))
        q = q.where(or_(Assignment.end.is_(None), Assignment.end >= d))
    return _frame(list(session.scalars(q)))
