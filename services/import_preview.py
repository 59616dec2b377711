"""What an import would change, shown before the commit button (issue 12, 4): rows added, updated
and removed against what the store holds, and what the removals would leave behind (wishes, rules,
ledger rows, current assignments naming a removed cadre or class). No Streamlit here."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from common import vocabulary
from services import data as data_service
from store.auth import UserInfo

KEYS = {"cadres": "cadre_id", "classes": "class_id", "ledger": "activity_id"}
ORPHAN_KINDS = ("preferences", "constraints", "ledger", "assignment")


@dataclass(frozen=True)
class ChangeSummary:
    added: int
    updated: int
    removed: int
    orphans: dict[str, int] = field(default_factory=dict)     # kind -> rows naming a removed id

    def text(self, lang: str = "zh") -> str:
        zh = lang == "zh"
        head = (f"新增 {self.added}，更新 {self.updated}，删除 {self.removed}" if zh
                else f"{self.added} added, {self.updated} updated, {self.removed} removed")
        left = [f"{vocabulary.label(vocabulary.DATA_KINDS, k, lang)} {n}" for k, n in self.orphans.items() if n]
        if not left:
            return head
        return head + ("；删除后将失去对象：" if zh else "; the removals would orphan: ") + ("、" if zh else ", ").join(left)


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(str).fillna("")


def _keyed(old: pd.DataFrame, new: pd.DataFrame, key: str) -> tuple[int, int, set]:
    o, n = _as_text(old).set_index(key), _as_text(new).set_index(key)
    both = o.index.intersection(n.index)
    cols = [c for c in n.columns if c in o.columns]
    updated = int((o.loc[both, cols] != n.loc[both, cols]).any(axis=1).sum()) if len(both) else 0
    return len(n.index.difference(o.index)), updated, set(o.index.difference(n.index))


def _rows(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, int]:
    o = set(map(tuple, _as_text(old).to_numpy().tolist()))
    n = set(map(tuple, _as_text(new).to_numpy().tolist()))
    return len(n - o), len(o - n)


def _orphans(user: UserInfo, kind: str, gone: set) -> dict[str, int]:
    if kind not in ("cadres", "classes") or not gone:
        return {}
    col = "cadre_id" if kind == "cadres" else "class_id"
    out = {}
    for other in ORPHAN_KINDS:
        df = data_service.load_kind(user, other)
        hit = df[col].isin(gone) if col in df.columns else pd.Series(False, index=df.index)
        if other == "preferences" and kind == "classes":
            hit = (df["kind"] == "class") & df["value"].isin(gone)
        out[other] = int(hit.sum())
    return out


def change_summary(user: UserInfo, kind: str, frame: pd.DataFrame) -> ChangeSummary:
    """Compare the parsed `frame` of `kind` with what the store holds (the ledger is upserted:
    nothing is removed)."""
    old = data_service.load_kind(user, kind)
    old = old[[c for c in frame.columns if c in old.columns]]
    if kind in KEYS:
        added, updated, gone = _keyed(old, frame, KEYS[kind])
        if kind == "ledger":
            gone = set()
        return ChangeSummary(added, updated, len(gone), _orphans(user, kind, gone))
    added, removed = _rows(old, frame)
    return ChangeSummary(added, 0, removed)
