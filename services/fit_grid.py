"""The admin's cadre × class view of the fit model: each cell's fit and reason, filtered by college and
class tag; bulk lock/forbid from a selection becomes constraint rows (added to the master rules)."""
from __future__ import annotations

import pandas as pd

from matching import reasons
from matching.config import config_from_dict
from matching.model import _tags
from services import access
from services.db import session_scope
from services.fit_model import EDIT, _fit, _rosters, _stored
from store import data as store_data
from store.auth import UserInfo
from store.errors import InvalidData

MAX_CELLS = 40_000
BULK_KINDS = ("lock", "forbid")


def grid(user: UserInfo, colleges=(), tags=(), lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fit, reason): cadre rows × class columns under the fit model in force, classes filtered by
    college and tag (any of the given), reasons in `lang`. Refuses more than MAX_CELLS cells: filter first."""
    access.require(user, *EDIT, action="fit_model.grid")
    with session_scope() as s:
        cfg = config_from_dict(_stored(s))
        inp = _rosters(s)
    cls = inp.classes
    keep = pd.Series(True, index=cls.index)
    if colleges:
        keep &= cls["college"].isin(list(colleges))
    if tags:
        keep &= cls["tags"].map(lambda v: bool(set(_tags(v)) & set(tags)))
    if int(keep.sum()) * len(inp.cadres) > MAX_CELLS:
        raise InvalidData(f"单元格过多（{int(keep.sum()) * len(inp.cadres)}），请按学院或标签筛选",
                          f"too many cells ({int(keep.sum()) * len(inp.cadres)}); filter by college or tag")
    if not keep.any() or inp.cadres.empty:
        return pd.DataFrame(), pd.DataFrame()
    prob = _fit(inp, cfg)               # the whole rosters (wishes may name any class), then the columns
    ids = set(cls.loc[keep, "class_id"].astype(str).str.strip())
    js = [j for j in range(prob.m) if prob.class_ids[j] in ids]
    rows = [f"{prob.names[i]}（{prob.cadre_ids[i]}）" for i in range(prob.n)]
    cols = [f"{prob.class_names[j]}（{prob.class_ids[j]}）" for j in js]
    fit = pd.DataFrame(prob.fit[:, js] / prob.scale, index=rows, columns=cols)
    why = pd.DataFrame([[_cell(prob, i, j, lang) for j in js] for i in range(prob.n)], index=rows, columns=cols)
    return fit, why


NO_BONUS = {"zh": "无加分项", "en": "no bonus"}


def _cell(prob, i: int, j: int, lang: str = "zh") -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(it.text(lang) for it in reasons.items(prob, i, j)) or NO_BONUS[lang]


def bulk_rules(user: UserInfo, kind: str, cadre_ids, class_ids, reason: str = "") -> pd.DataFrame:
    """Constraint rows (canonical constraints frame): `kind` (lock/forbid) for every selected pair."""
    access.require(user, *EDIT, action="fit_model.bulk")
    if kind not in BULK_KINDS:
        raise InvalidData("批量操作只能是锁定或回避", "a bulk action is lock or forbid", [kind])
    pairs = [(str(a), str(b)) for a in cadre_ids for b in class_ids]
    if not pairs:
        raise InvalidData("请先选择干部和班级", "select cadres and classes first")
    return pd.DataFrame([{"type": kind, "cadre_id": a, "class_id": b, "college": "", "level": "",
                          "min": pd.NA, "max": pd.NA, "reason": reason or ""} for a, b in pairs])


def add_rules(user: UserInfo, rows: pd.DataFrame) -> int:
    """Append the rows to the master constraints (one transaction, audit-logged); returns rows added."""
    access.require(user, *EDIT, action="fit_model.bulk")
    with session_scope() as s:
        old = store_data.load_kind(s, "constraints")
        key = ["type", "cadre_id", "class_id"]
        have = set(map(tuple, old[key].astype(str).values.tolist())) if len(old) else set()
        new = rows[[tuple(r) not in have for r in rows[key].astype(str).values.tolist()]]
        if new.empty:
            return 0
        store_data.replace_kind(s, "constraints", pd.concat([old, new], ignore_index=True), user.username)
        return len(new)
