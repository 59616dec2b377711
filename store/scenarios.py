"""Scenarios (情景推演): a planner's what-if copy of the inputs. They live in their own table
and never touch rounds or assignments."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import audit, frames
from store.errors import InvalidData, NotFound
from store.locks import serialise
from store.models import Scenario, utcnow
from store.rounds import _json_checked

BASE_KINDS = ("published", "round", "scenario")


@dataclass(frozen=True)
class ScenarioInfo:
    id: int
    name: str
    owner: str
    created_at: datetime
    updated_at: datetime
    base: dict[str, Any]
    edits: list[Any]
    parameters: dict[str, Any]
    result: dict[str, Any] | None          # the last solve's report (JSON)
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    assignment: pd.DataFrame | None = field(default=None, compare=False, repr=False)


def _check_base(base: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(base, dict) or base.get("kind") not in BASE_KINDS:
        raise InvalidData("情景的基础无效", f"scenario base must be {{'kind': one of {BASE_KINDS}, 'id': …}}")
    if base["kind"] != "published" and base.get("id") is None:
        raise InvalidData("情景的基础缺少编号", "a round/scenario base needs an id")
    return _json_checked("base", base)


def save_scenario(session: Session, name: str, owner: str, base: dict[str, Any], edits: list[Any],
                  inputs: dict[str, pd.DataFrame], params: dict[str, Any], actor: str,
                  result: dict[str, Any] | None = None, assignment: pd.DataFrame | None = None,
                  scenario_id: int | None = None) -> int:
    """Create (scenario_id None) or overwrite a scenario; returns its id. `result` is the last
    solve's report, `assignment` its canonical assignment (both optional)."""
    if not str(name).strip():
        raise InvalidData("情景名称不能为空", "a scenario needs a name")
    base = _check_base(base)
    edits = _json_checked("edits", list(edits or []))
    params = _json_checked("parameters", params or {})
    try:
        snap = frames.frames_to_json(inputs or {})
        res = None
        if result is not None or assignment is not None:
            res = {"report": _json_checked("result", result or {}),
                   "assignment": None if assignment is None else frames.to_json("assignment", assignment)}
    except (frames.FrameError, ValueError, TypeError) as exc:
        raise InvalidData("情景数据格式不符", "scenario frames are not canonical", [str(exc)]) from exc
    now = utcnow()
    with session.begin_nested():
        serialise(session, "scenarios")
        if scenario_id is None:
            obj = Scenario(name=str(name).strip(), owner=owner, created_at=now, updated_at=now, base=base,
                           edits=edits, inputs=snap, parameters=params, result=res)
            session.add(obj)
            session.flush()
            audit.record(session, actor, "create", "scenario", obj.id, after=_summary(obj))
        else:
            obj = _get(session, scenario_id)
            before = _summary(obj)
            obj.name, obj.owner, obj.updated_at, obj.base = str(name).strip(), owner, now, base
            obj.edits, obj.inputs, obj.parameters, obj.result = edits, snap, params, res
            session.flush()
            audit.record(session, actor, "update", "scenario", obj.id, before=before, after=_summary(obj))
    return obj.id


def _summary(obj: Scenario) -> dict[str, Any]:
    report = (obj.result or {}).get("report") if obj.result else None
    return {"name": obj.name, "owner": obj.owner, "base": obj.base, "edits": obj.edits,
            "parameters": obj.parameters, "status": (report or {}).get("status")}


def _get(session: Session, scenario_id: int) -> Scenario:
    obj = session.get(Scenario, int(scenario_id))
    if obj is None:
        raise NotFound(f"情景 {scenario_id} 不存在", f"scenario {scenario_id} does not exist")
    return obj


def _info(obj: Scenario, full: bool) -> ScenarioInfo:
    res = obj.result or {}
    assignment = None
    if full and res.get("assignment"):
        assignment = frames.from_json("assignment", res["assignment"])
    return ScenarioInfo(id=obj.id, name=obj.name, owner=obj.owner, created_at=obj.created_at,
                        updated_at=obj.updated_at, base=obj.base, edits=list(obj.edits or []),
                        parameters=obj.parameters or {}, result=res.get("report") if obj.result else None,
                        inputs=frames.frames_from_json(obj.inputs) if full else {}, assignment=assignment)


def get_scenario(session: Session, scenario_id: int) -> ScenarioInfo:
    return _info(_get(session, scenario_id), full=True)


def list_scenarios(session: Session, owner: str | None = None) -> list[ScenarioInfo]:
    """Most recently updated first; without inputs/assignment."""
    q = select(Scenario).order_by(Scenario.updated_at.desc(), Scenario.id.desc())
    if owner is not None:
        q = q.where(Scenario.owner == owner)
    return [_info(o, full=False) for o in session.scalars(q)]


def delete_scenario(session: Session, scenario_id: int, actor: str) -> None:
    with session.begin_nested():
        serialise(session, "scenarios")
        obj = _get(session, scenario_id)
        before = _summary(obj)
        session.delete(obj)
        session.flush()
        audit.record(session, actor, "delete", "scenario", scenario_id, before=before)
