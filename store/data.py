"""Rosters, rules, exemptions, ledger and calendar: canonical DataFrames in, canonical out.

Every function takes an open Session and runs inside a SAVEPOINT, so a failure leaves the
database exactly as it was even if the caller keeps using the session; the caller commits
(services.db.session_scope). Every write appends an audit row in the same transaction.

Reference policy (what a replace refuses, checked *before* anything is written):
- preferences, constraints and exemptions must name existing cadres/classes/colleges/majors/
  grades — judged against the state after the whole call, so a bundle that replaces cadres
  and preferences together is checked as a whole (`replace_kinds`).
- A cadre or class may not be removed while it is in an open row (no end date, or end on/after
  today) of a published round: end that assignment first (publish a top-up round).
- A cadre may not be removed while an active user account is linked to it.
- Ledger activities are history: they keep their cadre_id/class_id as text and never block a
  removal; new ledger rows must name an existing cadre.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from common import vocabulary
from common.ids import activity_id
from store import audit, frames
from store.errors import InvalidData, ReferenceConflict
from store.locks import serialise
from store.models import (
    Activity,
    Assignment,
    AssignmentRound,
    CalendarHoliday,
    CalendarTerm,
    Constraint,
    Exemption,
    Preference,
    Scenario,
    SchoolClass,
    User,
)
from store.models import Cadre as CadreRow

REPLACEABLE = ("cadres", "classes", "preferences", "constraints", "exemptions")
LOADABLE = REPLACEABLE + ("ledger",)
MODELS = {"cadres": CadreRow, "classes": SchoolClass, "preferences": Preference, "constraints": Constraint,
          "exemptions": Exemption, "ledger": Activity}
KEYS = {"cadres": "cadre_id", "classes": "class_id", "ledger": "activity_id"}
LEVELS = set(vocabulary.LEVELS)
PREFERENCE_KINDS = {"class", "college", "major", "grade"}
CONSTRAINT_TYPES = set(vocabulary.CONSTRAINT_TYPES)
_CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit


@dataclass(frozen=True)
class ReplaceSummary:
    kind: str
    rows: int         # rows now stored
    added: int
    changed: int
    removed: int
    unchanged: int


# ---------------------------------------------------------------- conversion helpers

def _to_db(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    out = dict(rec)
    for col, typ in frames.COLUMNS[kind]:
        if typ == "tags":
            out[col] = list(rec[col])
    return out


def _from_db(kind: str, obj: Any) -> dict[str, Any]:
    rec = {}
    for col, typ in frames.COLUMNS[kind]:
        v = getattr(obj, col)
        rec[col] = tuple(v or ()) if typ == "tags" else v
    return rec


def _order_clause(kind: str):
    model = MODELS[kind]
    if kind == "constraints":
        return [Constraint.rule_index]
    if kind in KEYS:
        return [getattr(model, KEYS[kind])]
    return [model.id]


def _db_records(session: Session, kind: str) -> list[dict[str, Any]]:
    # plain column rows, not ORM objects: several times faster for a year of ledger
    table = MODELS[kind].__table__
    cols = [c for c, _ in frames.COLUMNS[kind]]
    tags = [c for c, t in frames.COLUMNS[kind] if t == "tags"]
    out = []
    for row in session.execute(select(*(table.c[c] for c in cols)).order_by(*_order_clause(kind))):
        rec = dict(zip(cols, row))
        for c in tags:
            rec[c] = tuple(rec[c] or ())
        out.append(rec)
    return out


def _records(kind: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    if not isinstance(df, pd.DataFrame):
        raise InvalidData(f"{kind}: 需要 DataFrame", f"{kind}: a DataFrame is required")
    try:
        return frames.records(kind, df)
    except (frames.FrameError, ValueError, TypeError) as exc:
        raise InvalidData(f"{kind}: 数据格式不符", f"{kind}: data does not have the canonical shape",
                          [str(exc)]) from exc


def _key(rec: dict[str, Any]) -> tuple:
    return tuple((k, v) for k, v in rec.items())


def _in_chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


# ---------------------------------------------------------------- validation

def _validate_rows(kind: str, recs: list[dict[str, Any]]) -> None:
    problems: list[str] = []
    key = KEYS.get(kind)
    if key:
        for i, r in enumerate(recs):
            if not r[key]:
                problems.append(f"{kind} 第{i + 1}行 row {i + 1}: {key} 为空 empty")
        dup = sorted(k for k, n in Counter(r[key] for r in recs).items() if n > 1 and k)
        problems += [f"{kind}: {key} {k!r} 重复 duplicated" for k in dup]
    if kind == "cadres":
        problems += [f"cadres {r['cadre_id']}: level {r['level']!r} 应为 expected school/head/deputy"
                     for r in recs if r["level"] not in LEVELS]
        problems += [f"cadres {r['cadre_id']}: capacity {r['capacity']} < 0" for r in recs if r["capacity"] < 0]
    elif kind == "classes":
        problems += [f"classes {r['class_id']}: size {r['size']} ≤ 0" for r in recs if r["size"] <= 0]
    elif kind == "preferences":
        dup = sorted(k for k, n in Counter((r["cadre_id"], r["rank"]) for r in recs).items() if n > 1)
        problems += [f"preferences {c}: 意向顺序 rank {k} 重复 duplicated" for c, k in dup]
        problems += [f"preferences {r['cadre_id']} rank {r['rank']}: kind {r['kind']!r} 无效 invalid"
                     for r in recs if r["kind"] not in PREFERENCE_KINDS]
    elif kind == "constraints":
        problems += [f"constraints 第{i + 1}条 rule {i}: type {r['type']!r} 无效 invalid"
                     for i, r in enumerate(recs) if r["type"] not in CONSTRAINT_TYPES]
    elif kind in ("exemptions",):
        problems += [f"exemptions {r['cadre_id']}: start/end 为空 empty" for r in recs
                     if r["start"] is None or r["end"] is None]
        problems += [f"exemptions {r['cadre_id']}: start {r['start']} > end {r['end']}" for r in recs
                     if r["start"] and r["end"] and r["start"] > r["end"]]
    elif kind == "ledger":
        problems += [f"ledger {r['activity_id']}: date 为空 empty" for r in recs if r["date"] is None]
        problems += [f"ledger {r['activity_id']}: cadre_id 为空 empty" for r in recs if not r["cadre_id"]]
    if problems:
        raise InvalidData(f"{kind}: 数据有误，未写入任何内容", f"{kind}: invalid data, nothing was written",
                          problems)


def _open_published(session: Session, today: date) -> list[tuple[str, str, int]]:
    q = (select(Assignment.cadre_id, Assignment.class_id, Assignment.round_id)
         .join(AssignmentRound, AssignmentRound.id == Assignment.round_id)
         .where(AssignmentRound.status == "published")
         .where(or_(Assignment.end.is_(None), Assignment.end >= today)))
    return [tuple(r) for r in session.execute(q)]


@dataclass(frozen=True)
class RefProblem:
    """One reference a replace would break: `kind` holds the reference (its `row`, 1-based in the
    table as it would be, or None: no row of its own), `column` names the id, `value` the id; zh/en
    say what is wrong from that row's side. `line` is the one-line bilingual text of the refusal."""
    kind: str
    row: int | None
    column: str
    value: str
    zh: str
    en: str
    line: str


def _shown_rows(kind: str, recs: list[dict[str, Any]]) -> list[int]:
    """Row numbers (1-based) of `recs` as load_kind (the Data page) lists them."""
    df = frames.from_records(kind, recs).assign(_pos=range(len(recs)))
    rows = [0] * len(recs)
    for number, pos in enumerate(frames.sort_frame(kind, df)["_pos"].tolist(), start=1):
        rows[pos] = number
    return rows


def _reference_problems(session: Session, state: dict[str, list[dict[str, Any]]],
                        old_ids: dict[str, set[str]], open_on: date) -> list[RefProblem]:
    cadre_ids = {r["cadre_id"] for r in state["cadres"]}
    classes = state["classes"]
    class_ids = {r["class_id"] for r in classes}
    colleges = {r["college"] for r in classes}
    majors = {r["major"] for r in classes if r["major"]}
    grades = {str(r["grade"]) for r in classes}
    gone = {"cadre_id": old_ids["cadres"] - cadre_ids, "class_id": old_ids["classes"] - class_ids}
    problems: list[RefProblem] = []

    shown: dict[str, list[int]] = {}

    def add(kind, row, column, value, zh, en, line):
        if row is not None:             # the row number the Data page lists it under
            if kind not in shown:
                shown[kind] = _shown_rows(kind, state[kind])
            row = shown[kind][row - 1]
        problems.append(RefProblem(kind, row, column, str(value), zh, en, line))

    known = {"class": class_ids, "college": colleges, "major": majors, "grade": grades}
    for k, r in enumerate(state["preferences"], start=1):
        if r["cadre_id"] not in cadre_ids:
            add("preferences", k, "cadre_id", r["cadre_id"], "意向中的工号不在干部名单中",
                "a preference names a cadre_id that is not in the cadres list",
                f"preferences: 工号 cadre_id {r['cadre_id']!r} 不存在 unknown")
        if r["kind"] in known and r["value"] not in known[r["kind"]]:
            add("preferences", k, "value", r["value"], f"意向（{r['kind']}）所指的对象不在班级名单中",
                f"a {r['kind']} preference names something not in the classes list",
                f"preferences {r['cadre_id']} 意向顺序 rank {r['rank']}: {r['kind']} {r['value']!r} 不存在 unknown")
    for i, r in enumerate(state["constraints"]):
        for col, ids, zh, en, word in (("cadre_id", cadre_ids, "工号不在干部名单中", "cadre_id not in the cadres list",
                                        "工号 cadre_id"),
                                       ("class_id", class_ids, "班级编号不在班级名单中", "class_id not in the classes list",
                                        "班级 class_id"),
                                       ("college", colleges, "学院没有班级", "college has no classes", "学院 college")):
            if r[col] and r[col] not in ids:
                add("constraints", i + 1, col, r[col], f"规则中的{zh}", f"a rule's {en}",
                    f"constraints 规则 rule {i}: {word} {r[col]!r} 不存在 unknown")
    for k, r in enumerate(state["exemptions"], start=1):
        if r["cadre_id"] not in cadre_ids:
            add("exemptions", k, "cadre_id", r["cadre_id"], "请假/公差中的工号不在干部名单中",
                "an exemption names a cadre_id that is not in the cadres list",
                f"exemptions: 工号 cadre_id {r['cadre_id']!r} 不存在 unknown")
    removed_cadres, removed_classes = gone["cadre_id"], gone["class_id"]
    if removed_cadres or removed_classes:
        for cadre_id, class_id, round_id in _open_published(session, open_on):
            if cadre_id in removed_cadres:
                add("assignment", None, "cadre_id", cadre_id, f"仍在已发布轮次 {round_id} 的有效分配中，请先结束该分配",
                    f"still assigned in published round {round_id}: end that assignment first",
                    f"cadres: {cadre_id!r} 仍在已发布轮次 {round_id} 的有效分配中 "
                    f"is still assigned in published round {round_id}")
            if class_id in removed_classes:
                add("assignment", None, "class_id", class_id, f"仍在已发布轮次 {round_id} 的有效分配中，请先结束该分配",
                    f"still assigned in published round {round_id}: end that assignment first",
                    f"classes: {class_id!r} 仍在已发布轮次 {round_id} 的有效分配中 "
                    f"is still assigned in published round {round_id}")
        if removed_cadres:
            linked = session.execute(select(User.username, User.cadre_id).where(User.active.is_(True))
                                     .where(User.cadre_id.in_(sorted(removed_cadres))))
            for username, cadre_id in linked:
                add("users", None, "cadre_id", cadre_id,
                    f"账号 {username} 关联此干部：请先在“用户管理”页停用该账号或改关联",
                    f"user account {username} is linked to this cadre: deactivate or relink it on the Users page first",
                    f"cadres: 账号 {username!r} 关联的干部将被删除，请先在“用户管理”页停用该账号或改关联 "
                    f"user account is linked to a removed cadre: deactivate or relink it on "
                    f"the Users page first")
    return list(dict.fromkeys(problems))


def reference_problems(session: Session, new: dict[str, pd.DataFrame]) -> list[RefProblem]:
    """What `replace_kinds(new)` would refuse for references, without writing anything."""
    recs = {k: _records(k, df) for k, df in new.items() if k in REPLACEABLE}
    old = {k: _db_records(session, k) for k in REPLACEABLE}
    state = {k: recs.get(k, old[k]) for k in REPLACEABLE}
    old_ids = {"cadres": {r["cadre_id"] for r in old["cadres"]},
               "classes": {r["class_id"] for r in old["classes"]}}
    return _reference_problems(session, state, old_ids, date.today())


# ---------------------------------------------------------------- replace

def replace_kind(session: Session, kind: str, df: pd.DataFrame, actor: str) -> ReplaceSummary:
    """Replace the whole table of `kind` (cadres/classes/preferences/constraints/exemptions)."""
    return replace_kinds(session, {kind: df}, actor)[kind]


def replace_kinds(session: Session, new: dict[str, pd.DataFrame], actor: str,
                  open_on: date | None = None) -> dict[str, ReplaceSummary]:
    """Replace several tables in one all-or-nothing step; references are checked on the result.
    A cadre or class may not go while a published row is open on `open_on` (default today; the
    year roll-over removes graduated classes whose rows end before the new year)."""
    unknown = [k for k in new if k not in REPLACEABLE]
    if unknown:
        raise InvalidData(f"不能整表替换: {', '.join(unknown)}",
                          f"cannot replace kind(s) {', '.join(unknown)}; replaceable: {', '.join(REPLACEABLE)}")
    recs = {k: _records(k, df) for k, df in new.items()}
    for k, r in recs.items():
        _validate_rows(k, r)
    with session.begin_nested():
        serialise(session, "rosters")
        old = {k: _db_records(session, k) for k in REPLACEABLE}
        state = {k: recs.get(k, old[k]) for k in REPLACEABLE}
        old_ids = {"cadres": {r["cadre_id"] for r in old["cadres"]},
                   "classes": {r["class_id"] for r in old["classes"]}}
        problems = _reference_problems(session, state, old_ids, open_on or date.today())
        if problems:
            raise ReferenceConflict("引用不一致，未写入任何内容",
                                    "references do not match, nothing was written",
                                    list(dict.fromkeys(p.line for p in problems)))
        summaries: dict[str, ReplaceSummary] = {}
        # dependants first (they point at cadres), then the keyed rosters, then re-insert
        for k in ("preferences", "exemptions", "constraints"):
            if k in recs:
                session.execute(delete(MODELS[k]))
        for k in ("cadres", "classes"):
            if k in recs:
                summaries[k] = _replace_keyed(session, k, old[k], recs[k], actor)
        for k in ("preferences", "exemptions", "constraints"):
            if k in recs:
                summaries[k] = _replace_rows(session, k, old[k], recs[k], actor)
        session.flush()
    return {k: summaries[k] for k in new}


def _replace_keyed(session: Session, kind: str, old: list[dict], new: list[dict], actor: str) -> ReplaceSummary:
    key = KEYS[kind]
    model = MODELS[kind]
    old_by = {r[key]: r for r in old}
    new_by = {r[key]: r for r in new}
    removed = sorted(set(old_by) - set(new_by))
    added = [r for r in new if r[key] not in old_by]
    changed = [r for r in new if r[key] in old_by and old_by[r[key]] != r]
    for ids in _in_chunks(removed):
        session.execute(delete(model).where(getattr(model, key).in_(ids)))
    if changed:
        session.execute(update(model), [_to_db(kind, r) for r in changed])
    if added:
        session.execute(insert(model), [_to_db(kind, r) for r in added])
    summary = ReplaceSummary(kind, len(new), len(added), len(changed), len(removed),
                             len(new) - len(added) - len(changed))
    before, after = audit.keyed_diff(old_by, new_by, _counts(summary))   # differences, not copies
    audit.record(session, actor, "replace", kind, "*", before=before, after=after)
    return summary


def _counts(summary: ReplaceSummary) -> dict[str, int]:
    return {k: v for k, v in summary.__dict__.items() if k != "kind"}


def _replace_rows(session: Session, kind: str, old: list[dict], new: list[dict], actor: str) -> ReplaceSummary:
    model = MODELS[kind]
    rows = [_to_db(kind, r) for r in new]
    if kind == "constraints":
        rows = [dict(r, rule_index=i) for i, r in enumerate(rows)]
    if rows:
        session.execute(insert(model), rows)
    old_c, new_c = Counter(map(_key, old)), Counter(map(_key, new))
    added, removed = sum((new_c - old_c).values()), sum((old_c - new_c).values())
    summary = ReplaceSummary(kind, len(new), added, 0, removed, len(new) - added)
    if kind == "constraints" and old != new and added == 0 and removed == 0:
        summary = ReplaceSummary(kind, len(new), 0, len(new), 0, 0)  # same rules, new order
    before, after = audit.rows_diff(old, new, _key, _counts(summary))
    audit.record(session, actor, "replace", kind, "*", before=before, after=after)
    return summary


# ---------------------------------------------------------------- ledger

def activity_id_for(rec: dict[str, Any]) -> str:
    """The deterministic id of an activity without one (ARCHITECTURE.md: ledger)."""
    return activity_id(rec["cadre_id"], rec["date"], rec["type"], rec["venue"], rec["class_id"], rec["summary"])


def upsert_ledger(session: Session, df: pd.DataFrame, actor: str) -> tuple[int, int]:
    """Insert new activities and update existing ones by activity_id; never duplicates.
    Returns (inserted, updated); rows identical to what is stored count as neither."""
    recs = _records("ledger", df)
    for r in recs:
        if not r["activity_id"] and r["date"] is not None:  # no date: reported by validation
            r["activity_id"] = activity_id_for(r)
    _validate_rows("ledger", recs)
    with session.begin_nested():
        serialise(session, "ledger")
        cadre_ids = set(session.scalars(select(CadreRow.cadre_id)))
        unknown = sorted({r["cadre_id"] for r in recs} - cadre_ids)
        if unknown:
            raise ReferenceConflict("台账引用了不存在的干部，未写入任何内容",
                                    "the ledger names unknown cadres, nothing was written",
                                    [f"ledger: 工号 cadre_id {c!r} 不存在 unknown" for c in unknown])
        ids = [r["activity_id"] for r in recs]
        existing: dict[str, dict] = {}
        for chunk in _in_chunks(ids):
            for obj in session.scalars(select(Activity).where(Activity.activity_id.in_(chunk))):
                existing[obj.activity_id] = _from_db("ledger", obj)
        inserted = [r for r in recs if r["activity_id"] not in existing]
        updated = [r for r in recs if r["activity_id"] in existing and existing[r["activity_id"]] != r]
        if inserted:
            session.execute(insert(Activity), inserted)
        if updated:
            session.execute(update(Activity), updated)
        if inserted or updated:
            action, before, after = audit.upsert_entry(existing, inserted, updated, "activity_id")
            audit.record(session, actor, action, "ledger", "*", before=before, after=after)
        session.flush()
    return len(inserted), len(updated)


def add_activity(session: Session, activity: dict[str, Any], actor: str) -> str:
    """Record one activity (e.g. from the ledger page); returns its activity_id.
    Refuses an activity_id that already exists (use upsert_ledger to correct one)."""
    row = {c: activity.get(c) for c, _ in frames.COLUMNS["ledger"]}
    rec = _records("ledger", pd.DataFrame([row], dtype=object))[0]
    _validate_rows("ledger", [dict(rec, activity_id=rec["activity_id"] or "-")])
    if not rec["activity_id"]:
        rec["activity_id"] = activity_id_for(rec)
    with session.begin_nested():
        serialise(session, "ledger")  # before the existence check: no other writer in between
        if session.get(Activity, rec["activity_id"]) is not None:
            raise InvalidData(f"活动编号 {rec['activity_id']} 已存在",
                              f"activity {rec['activity_id']} already exists")
        inserted, _ = upsert_ledger(session, frames.from_records("ledger", [rec]), actor)
    if inserted != 1:
        raise AssertionError("add_activity inserted nothing")
    return rec["activity_id"]


def delete_activity(session: Session, activity_id: str, actor: str) -> None:
    from store.errors import NotFound

    with session.begin_nested():
        serialise(session, "ledger")
        obj = session.get(Activity, activity_id)
        if obj is None:
            raise NotFound(f"活动 {activity_id} 不存在", f"activity {activity_id} does not exist")
        before = audit.deleted_entry(_from_db("ledger", obj), ("cadre_id", "date", "type"))
        session.delete(obj)
        audit.record(session, actor, "delete", "ledger", activity_id, before=before)
        session.flush()


# ---------------------------------------------------------------- reading

def load_kind(session: Session, kind: str) -> pd.DataFrame:
    """The stored rows of `kind` as its canonical DataFrame, sorted deterministically (in
    Python, so SQLite and PostgreSQL collations cannot differ)."""
    if kind == "assignment":
        from store.rounds import assignment_in_force
        return assignment_in_force(session)
    if kind not in LOADABLE:
        raise InvalidData(f"未知的数据类型 {kind}", f"unknown kind {kind!r}; loadable: {', '.join(LOADABLE)}")
    df = frames.from_records(kind, _db_records(session, kind))
    return frames.sort_frame(kind, df)


def counts(session: Session) -> dict[str, int]:
    def n(model, *where) -> int:
        q = select(func.count()).select_from(model)
        for w in where:
            q = q.where(w)
        return int(session.scalar(q) or 0)

    return {
        "cadres": n(CadreRow), "classes": n(SchoolClass), "preferences": n(Preference),
        "constraints": n(Constraint), "exemptions": n(Exemption), "ledger": n(Activity),
        "calendar_terms": n(CalendarTerm), "rounds": n(AssignmentRound),
        "published_rounds": n(AssignmentRound, AssignmentRound.status == "published"),
        "assignments_published": int(session.scalar(
            select(func.count()).select_from(Assignment).join(AssignmentRound)
            .where(AssignmentRound.published_at.is_not(None))) or 0),
        "users": n(User), "scenarios": n(Scenario),
    }


@dataclass(frozen=True)
class _Refs:  # same fields as importer.Refs, used only when the importer is not importable
    cadre_ids: set
    class_ids: set
    colleges: set
    majors: set
    grades: set


def refs(session: Session):
    """What the store holds, as `importer.Refs` (to check a single uploaded file)."""
    cadre_ids = set(session.scalars(select(CadreRow.cadre_id)))
    rows = session.execute(select(SchoolClass.class_id, SchoolClass.college, SchoolClass.major,
                                  SchoolClass.grade)).all()
    fields = {"cadre_ids": cadre_ids, "class_ids": {r[0] for r in rows}, "colleges": {r[1] for r in rows},
              "majors": {r[2] for r in rows if r[2]}, "grades": {str(r[3]) for r in rows}}
    try:
        from importer import Refs
    except ImportError:
        return _Refs(**fields)
    return Refs(**fields)


# ---------------------------------------------------------------- calendar

def _term_dict(t) -> dict[str, Any]:
    return {"name": t.name, "start": t.start, "weeks": t.weeks,
            "holidays": [[a, b] for a, b in t.holidays]}


def load_calendar(session: Session) -> list:
    from compliance.calendar import Term

    terms = session.scalars(select(CalendarTerm).order_by(CalendarTerm.start, CalendarTerm.name))
    return [Term(name=t.name, start=t.start, weeks=t.weeks,
                 holidays=tuple((h.start, h.end) for h in t.holidays)) for t in terms]


def save_calendar(session: Session, terms: list, actor: str) -> int:
    """Replace the whole calendar with `terms` (list of compliance.calendar.Term)."""
    problems = []
    names = Counter(t.name for t in terms)
    problems += [f"学期 term {n!r} 重复 duplicated" for n, c in names.items() if c > 1]
    for t in terms:
        if not isinstance(t.start, date) or int(t.weeks) <= 0:
            problems.append(f"学期 term {t.name!r}: start/weeks 无效 invalid")
        for a, b in t.holidays:
            if a > b:
                problems.append(f"学期 term {t.name!r}: 假期 holiday {a} > {b}")
    if problems:
        raise InvalidData("校历有误，未写入任何内容", "invalid calendar, nothing was written", problems)
    with session.begin_nested():
        serialise(session, "calendar")
        before = [_term_dict(t) for t in load_calendar(session)]
        for obj in session.scalars(select(CalendarTerm)):
            session.delete(obj)
        session.flush()
        for t in terms:
            term = CalendarTerm(name=t.name, start=t.start, weeks=int(t.weeks))
            term.holidays = [CalendarHoliday(position=i, start=a, end=b) for i, (a, b) in enumerate(t.holidays)]
            session.add(term)
        session.flush()
        audit.record(session, actor, "replace", "calendar", "*", before=before,
                     after=[_term_dict(t) for t in terms])
    return len(terms)
