"""A round's rules as the user reads them: the refusal error, readable rule labels, and where the
user edits each rule a diagnosis names (an edit target). No Streamlit here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from store import frames


class RoundsError(YixianError):
    """A refused action; bilingual, naming the rules that refuse it (part of the sentence: the
    rules are what the user has to change)."""

    def __init__(self, message_zh: str, message_en: str, rules: list[str] | None = None):
        self.rules = list(rules or [])
        super().__init__(message_zh, message_en, details=self.rules)

    def headline(self, lang: str = "zh") -> str:
        head = self.message_zh if lang == "zh" else self.message_en
        return head + ("：" + "；".join(self.rules) if self.rules else "")

    def detail_lines(self, lang: str = "zh") -> list[str]:
        return []

    def message(self, lang: str = "zh") -> str:
        return self.headline(lang)


# ------------------------------------------------------------------ edit targets

@dataclass(frozen=True)
class RuleTarget:
    """A row of the round's rules table (0-based position)."""
    row: int


@dataclass(frozen=True)
class ParamTarget:
    """A solve parameter of the round (a key of its parameters)."""
    name: str


@dataclass(frozen=True)
class DataTarget:
    """Master data, edited on the Data page."""


EditTarget = RuleTarget | ParamTarget | DataTarget

# where the user edits each round-level rule
ROUND_RULE_TARGET: dict[str, EditTarget] = {
    "capacity": DataTarget(), "supply": DataTarget(), "priority": ParamTarget("priority"),
    "change_budget": ParamTarget("change_budget"), "own_unit": ParamTarget("own_unit")}


def round_rule_label(name: str, lang: str = "zh") -> str:
    return vocabulary.label(vocabulary.ROUND_RULES, name, lang)


# ------------------------------------------------------------------ labels

def _int_or_none(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def rule_label(row: dict[str, Any], names: dict[str, str] | None = None,
               class_names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """A constraint row as the user reads it (the same wording as matching's rule labels)."""
    names, class_names = names or {}, class_names or {}
    t = row.get("type", "")
    who = f"{names.get(row.get('cadre_id', ''), '')}（{row.get('cadre_id', '')}）" if row.get("cadre_id") else ""
    cls = f"{class_names.get(row.get('class_id', ''), '')}（{row.get('class_id', '')}）" if row.get("class_id") else ""
    lo, hi = _int_or_none(row.get("min")), _int_or_none(row.get("max"))
    if lang == "en":
        reason = f"［{row['reason']}］" if row.get("reason") else ""
        text = {"lock": f"lock: {who} → {cls} {reason}",
                "forbid": f"forbid: {who} not with {cls or row.get('college', '')} {reason}",
                "college_quota": f"college quota: {row.get('college')} min {lo} max {hi} {reason}"}.get(
            t, f"level cap: {row.get('college')} at most {hi} {row.get('level')} {reason}")
        return text.strip()
    reason = f"［{row['reason']}］" if row.get("reason") else ""
    if t == "lock":
        return f"锁定：{who} → {cls}{reason}"
    if t == "forbid":
        return f"回避：{who} 不带 {cls or (row.get('college', '') + '的班级')}{reason}"
    if t == "college_quota":
        parts = ([f"至少{lo}名"] if lo is not None else []) + ([f"至多{hi}名"] if hi is not None else [])
        return f"学院名额：{row.get('college')}{'、'.join(parts)}干部{reason}"
    level = vocabulary.label(vocabulary.LEVELS, row.get("level", ""))
    return f"层级上限：{row.get('college')}至多{hi}名{level}{reason}"


def numbered_rule_label(i: int, row: dict[str, Any], names: dict[str, str], class_names: dict[str, str],
                        lang: str = "zh") -> str:
    """Rule `i` (0-based) with its position as the user sees it in the rules table."""
    prefix = f"规则第{i + 1}条 " if lang == "zh" else f"rule #{i + 1} "
    return prefix + rule_label(row, names, class_names, lang)


def people_labels(info) -> tuple[dict[str, str], dict[str, str]]:
    """(cadre id → name, class id → name) of a round's snapshot."""
    return (dict(zip(info.inputs["cadres"]["cadre_id"], info.inputs["cadres"]["name"])),
            dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"])))


def constraints_of(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    con = inputs.get("constraints")
    return frames.empty("constraints") if con is None else con


@dataclass(frozen=True)
class ResolvedRule:
    """A rule ref from the engine as the user's own rule: its label and where to edit it."""
    ref: dict
    target: EditTarget
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


def resolve_rules(info, refs: list[dict]) -> list[ResolvedRule]:
    """Rule refs from the engine → the user's own rules: label and where to edit it."""
    names, class_names = people_labels(info)
    con = constraints_of(info.inputs)
    out = []
    for ref in refs:
        if ref.get("kind") == "constraint":
            i = int(ref["rule_index"])
            row = con.iloc[i].to_dict() if 0 <= i < len(con) else {}
            out.append(ResolvedRule(ref, RuleTarget(i), numbered_rule_label(i, row, names, class_names, "zh"),
                                    numbered_rule_label(i, row, names, class_names, "en")))
        else:
            name = ref.get("name", "")
            out.append(ResolvedRule(ref, ROUND_RULE_TARGET.get(name, DataTarget()), round_rule_label(name, "zh"),
                                    round_rule_label(name, "en")))
    return out
