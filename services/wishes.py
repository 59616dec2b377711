"""征求干部联系意向 in the app: the admin opens a collection (deadline, at most N ranked wishes); each
cadre states ranked wishes (class / major / college / grade, picked from what the roster holds) and
declares conflicts (亲属/利益回避: a class or a college they must not advise, with a reason only the
admin sees). After the deadline nothing changes. The round reads the answers through
`wishes_as_inputs` as canonical preferences and forbid constraints.

Who may: admin opens, watches, reminds and reads every answer; a cadre reads and writes only their
own answer; a planner may read the answers as round inputs (`wishes_as_inputs`).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from importer.writers import neutralise_formulas
from services import access
from services.db import session_scope
from store import data as store_data
from store import frames
from store import wishes as store_wishes
from store.auth import UserInfo
from store.errors import NotFound

CONFLICT_REASON_PREFIX = "本人申报回避："
MAX_WISHES_LIMIT = 10


class WishError(YixianError):
    """A wish form or a collection that cannot be saved as given (every problem listed)."""


@dataclass(frozen=True)
class Collection:
    id: int
    name: str
    deadline: datetime
    max_wishes: int

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) < self.deadline


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _as_collection(d: dict) -> Collection:
    return Collection(d["id"], d["name"], d["deadline"], d["max_wishes"])


def open_collection(user: UserInfo, name: str, deadline: datetime, max_wishes: int,
                    now: datetime | None = None) -> Collection:
    access.require(user, "admin", action="wishes.open")
    zh, en = [], []
    if not str(name).strip():
        zh.append("名称：不能为空")
        en.append("name: must not be empty")
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=UTC)
    if deadline <= _now(now):
        zh.append(f"截止时间：必须晚于现在（填写的是 {deadline:%Y-%m-%d %H:%M}）")
        en.append(f"deadline: must be in the future (got {deadline:%Y-%m-%d %H:%M})")
    if not 1 <= int(max_wishes) <= MAX_WISHES_LIMIT:
        zh.append(f"意向数上限：应为 1–{MAX_WISHES_LIMIT}（填写的是 {max_wishes}）")
        en.append(f"max wishes: must be 1–{MAX_WISHES_LIMIT} (got {max_wishes})")
    if zh:
        raise WishError("意向征集未开启：" + "；".join(zh), "wish collection not opened: " + "; ".join(en))
    with session_scope() as s:
        cid = store_wishes.open_collection(s, str(name).strip(), deadline, int(max_wishes), user.username)
        return _as_collection(store_wishes.get_collection(s, cid))


def current(user: UserInfo) -> Collection | None:
    """The newest collection (open or closed), None when the admin never opened one."""
    access.require(user, "admin", "cadre", "planner", action="wishes.current")
    with session_scope() as s:
        rows = store_wishes.collections(s)
    return _as_collection(rows[0]) if rows else None


def _collection(collection_id: int) -> Collection:
    with session_scope() as s:
        row = store_wishes.get_collection(s, collection_id)
    if row is None:
        raise NotFound(f"意向征集 {collection_id} 不存在", f"wish collection {collection_id} does not exist")
    return _as_collection(row)


def choices(user: UserInfo) -> dict[str, dict[str, str]]:
    """What a wish or a conflict may name: kind -> {value: label}, from the class roster."""
    access.require(user, "admin", "cadre", action="wishes.choices")
    with session_scope() as s:
        classes = store_data.load_kind(s, "classes")
    out = {"class": {r.class_id: f"{r.name}（{r.college}，{r.grade}级）" for r in classes.itertuples()},
           "college": {c: c for c in sorted(set(classes["college"]) - {""})},
           "major": {m: m for m in sorted(set(classes["major"]) - {""})},
           "grade": {str(g): f"{g}级" for g in sorted(set(classes["grade"]))}}
    return out


def my_answer(user: UserInfo, collection_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cadre's own wishes and conflicts (including the reasons they wrote)."""
    access.require(user, "cadre", action="wishes.read")
    access.require_own_cadre(user, user.cadre_id or "", action="wishes.read", admin_ok=False)
    with session_scope() as s:
        return (store_wishes.wishes(s, collection_id, user.cadre_id),
                store_wishes.conflicts(s, collection_id, user.cadre_id))


def _check(col: Collection, opts: dict, wishes: list[dict], conflicts: list[dict]) -> tuple[list, list]:
    kinds = vocabulary.labels(vocabulary.PREFERENCE_KINDS)
    zh: list[str] = []
    en: list[str] = []
    if len(wishes) > col.max_wishes:
        zh.append(f"意向最多 {col.max_wishes} 个（填写了 {len(wishes)} 个）")
        en.append(f"at most {col.max_wishes} wishes (got {len(wishes)})")
    seen: set = set()
    for i, w in enumerate(wishes, start=1):
        kind, value = w.get("kind"), str(w.get("value", ""))
        if kind not in kinds:
            zh.append(f"第 {i} 意向：类型“{kind}”无效，应为 班级/学院/专业/年级")
            en.append(f"wish {i}: kind '{kind}' is not one of class/college/major/grade")
        elif value not in opts[kind]:
            zh.append(f"第 {i} 意向：{kinds[kind]}“{value}”不在名单中，请从列表中选择")
            en.append(f"wish {i}: {kind} '{value}' is not on the roster; pick one from the list")
        elif (kind, value) in seen:
            zh.append(f"第 {i} 意向：与前面的意向重复（{kinds[kind]}“{value}”）")
            en.append(f"wish {i}: repeats an earlier wish ({kind} '{value}')")
        seen.add((kind, value))
    for i, c in enumerate(conflicts, start=1):
        kind, value, reason = c.get("kind"), str(c.get("value", "")), str(c.get("reason", "")).strip()
        if kind not in ("class", "college"):
            zh.append(f"第 {i} 项回避：只能申报班级或学院（填写的是“{kind}”）")
            en.append(f"conflict {i}: only a class or a college may be declared (got '{kind}')")
        elif value not in opts[kind]:
            zh.append(f"第 {i} 项回避：{kinds[kind]}“{value}”不在名单中，请从列表中选择")
            en.append(f"conflict {i}: {kind} '{value}' is not on the roster; pick one from the list")
        elif (kind, value) in seen:
            zh.append(f"第 {i} 项回避：同一{kinds[kind]}“{value}”不能既是意向又要回避")
            en.append(f"conflict {i}: {kind} '{value}' cannot be both a wish and a conflict")
        if not reason:
            zh.append(f"第 {i} 项回避：请填写回避原因（仅组织部可见）")
            en.append(f"conflict {i}: give the reason (only the organization department sees it)")
    return zh, en


def save_answer(user: UserInfo, collection_id: int, wishes: list[dict], conflicts: list[dict],
                now: datetime | None = None) -> None:
    """Replace the cadre's own answer: `wishes` in rank order [{kind, value}], `conflicts`
    [{kind: class|college, value, reason}]. Refused after the deadline or with any invalid pick
    (every problem named; nothing written)."""
    access.require(user, "cadre", action="wishes.answer")
    access.require_own_cadre(user, user.cadre_id or "", action="wishes.answer", admin_ok=False)
    col = _collection(collection_id)
    if not col.is_open(now):
        raise WishError(f"意向征集“{col.name}”已于 {col.deadline:%Y-%m-%d %H:%M} 截止，不能再修改",
                        f"the wish collection '{col.name}' closed at {col.deadline:%Y-%m-%d %H:%M} UTC; "
                        "answers can no longer change")
    zh, en = _check(col, choices(user), wishes, conflicts)
    if zh:
        raise WishError("意向未保存：" + "；".join(zh), "wishes not saved: " + "; ".join(en))
    wish_rows = [{"rank": i, "kind": w["kind"], "value": str(w["value"])} for i, w in enumerate(wishes, start=1)]
    conflict_rows = [{"class_id": str(c["value"]) if c["kind"] == "class" else "",
                      "college": str(c["value"]) if c["kind"] == "college" else "",
                      "reason": str(c["reason"]).strip()} for c in conflicts]
    with session_scope() as s:
        store_wishes.save_answer(s, collection_id, user.cadre_id, wish_rows, conflict_rows, user.username)


def answers(user: UserInfo, collection_id: int) -> dict[str, pd.DataFrame]:
    """The admin's view: `status` (cadre_id, name, unit, answered, answered_at), `wishes`,
    `conflicts` (with reasons)."""
    access.require(user, "admin", action="wishes.answers")
    _collection(collection_id)
    with session_scope() as s:
        cadres = store_data.load_kind(s, "cadres")
        done = store_wishes.answered(s, collection_id)
        w, c = store_wishes.wishes(s, collection_id), store_wishes.conflicts(s, collection_id)
    status = cadres[["cadre_id", "name", "unit"]].assign(
        answered=cadres["cadre_id"].isin(set(done)),
        answered_at=cadres["cadre_id"].map(lambda k: done.get(k)))
    return {"status": status.reset_index(drop=True), "wishes": w, "conflicts": c}


def reminder_list(user: UserInfo, collection_id: int) -> pd.DataFrame:
    """cadre_id, name, unit of the cadres who have not answered yet."""
    st = answers(user, collection_id)["status"]
    return st.loc[~st["answered"], ["cadre_id", "name", "unit"]].reset_index(drop=True)


def reminder_xlsx(user: UserInfo, collection_id: int) -> bytes:
    """The reminder list as xlsx; user text written as text cells (never formulas)."""
    from openpyxl import Workbook

    todo = reminder_list(user, collection_id)
    col = _collection(collection_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "待填报"
    ws.append(["工号", "姓名", "单位", "截止时间（UTC）"])
    for r in todo.itertuples():
        ws.append([r.cadre_id, r.name, r.unit, f"{col.deadline:%Y-%m-%d %H:%M}"])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()


def wishes_as_inputs(user: UserInfo, collection_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answers of a collection (default: the newest) as canonical round inputs: a
    `preferences` frame and a `constraints` frame of forbid rows whose reason reads
    "本人申报回避：<reason>" (so the rule editor shows their source)."""
    access.require(user, "admin", "planner", action="wishes.as_inputs")
    with session_scope() as s:
        if collection_id is None:
            rows = store_wishes.collections(s)
            collection_id = rows[0]["id"] if rows else None
        w = store_wishes.wishes(s, collection_id) if collection_id is not None else None
        c = store_wishes.conflicts(s, collection_id) if collection_id is not None else None
    prefs = [] if w is None else w.to_dict("records")
    forbids = [] if c is None else [
        {"type": "forbid", "cadre_id": r["cadre_id"], "class_id": r["class_id"], "college": r["college"],
         "level": "", "min": None, "max": None, "reason": CONFLICT_REASON_PREFIX + r["reason"]}
        for r in c.to_dict("records")]
    return frames.from_records("preferences", prefs), frames.from_records("constraints", forbids)


def set_deadline(user: UserInfo, collection_id: int, deadline: datetime) -> None:
    """Move a collection's deadline (e.g. close it now, or give the late ones a few more days)."""
    access.require(user, "admin", action="wishes.deadline")
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=UTC)
    with session_scope() as s:
        store_wishes.set_deadline(s, collection_id, deadline, user.username)
