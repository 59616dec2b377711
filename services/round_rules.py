"""A round's rules as the user reads them: the refusal error, readable rule labels, and where the
user edits each rule a diagnosis names (an edit target). No Streamlit here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from matching import families
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

def rule_families() -> dict[str, families.Family]:
    """The constraint families a rules table may use (matching.families: one registry)."""
    return dict(families.FAMILIES)


def family_label(code: str, lang: str = "zh") -> str:
    fam = families.FAMILIES.get(code)
    if fam is None:
        return code or "—"
    return fam.label_zh if lang == "zh" else fam.label_en


class RuleNames:
    """What a constraint family needs to label a row (matching.families parse): the names and
    positions of a round's cadres, classes and colleges."""

    def __init__(self, names: dict[str, str], class_names: dict[str, str], colleges=()):
        self.ci = {c: k for k, c in enumerate(names)}
        self.names = list(names.values())
        self.cj = {c: k for k, c in enumerate(class_names)}
        self.class_names = list(class_names.values())
        self.colx = {c: k for k, c in enumerate(dict.fromkeys(colleges))}

    @classmethod
    def of(cls, inputs: dict[str, pd.DataFrame]) -> RuleNames:
        cad, cls_ = inputs["cadres"], inputs["classes"]
        return cls(dict(zip(cad["cadre_id"], cad["name"])), dict(zip(cls_["class_id"], cls_["name"])),
                   cls_["college"])


def _int_or_none(v) -> int | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else int(v)


def _row(index: int, row: dict[str, Any]) -> families.Row:
    text = {k: "" if row.get(k) is None or row.get(k) is pd.NA else str(row.get(k))
            for k in ("type", "cadre_id", "class_id", "college", "level", "reason")}
    return families.Row(index, lo=_int_or_none(row.get("min")), hi=_int_or_none(row.get("max")), **text)


def rule_label(row: dict[str, Any], names: RuleNames, lang: str = "zh", index: int = -1) -> str:
    """A constraint row as the user reads it: the label its family (matching.families) gives it,
    the same words as the solver's diagnosis. A row the family cannot read is shown as it is."""
    problems: list[str] = []
    fam = families.FAMILIES.get(row.get("type", ""))
    rule = fam.parse(_row(index, row), names, lambda zh, en: problems.append(zh if lang == "zh" else en)) \
        if fam is not None else None
    if rule is not None:
        return rule.label_zh if lang == "zh" else rule.label_en
    fields = [str(row.get(k)) for k in ("cadre_id", "class_id", "college", "level", "min", "max", "reason")
              if row.get(k) not in (None, "") and not (isinstance(row.get(k), float) and pd.isna(row.get(k)))]
    kind = vocabulary.label(vocabulary.CONSTRAINT_TYPES, row.get("type", ""), lang)
    if lang == "zh":
        return f"{kind}：{' '.join(fields)}" + (f"（{'；'.join(problems)}）" if problems else "")
    return f"{kind}: {' '.join(fields)}" + (f" ({'; '.join(problems)})" if problems else "")


def numbered_rule_label(i: int, row: dict[str, Any], names: RuleNames, lang: str = "zh") -> str:
    """Rule `i` (0-based) with its position as the user sees it in the rules table."""
    prefix = f"规则第{i + 1}条 " if lang == "zh" else f"rule #{i + 1} "
    return prefix + rule_label(row, names, lang, index=i)


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
    names = RuleNames.of(info.inputs)
    con = constraints_of(info.inputs)
    out = []
    for ref in refs:
        if ref.get("kind") == "constraint":
            i = int(ref["rule_index"])
            row = con.iloc[i].to_dict() if 0 <= i < len(con) else {}
            out.append(ResolvedRule(ref, RuleTarget(i), numbered_rule_label(i, row, names, "zh"),
                                    numbered_rule_label(i, row, names, "en")))
        else:
            name = ref.get("name", "")
            out.append(ResolvedRule(ref, ROUND_RULE_TARGET.get(name, DataTarget()), round_rule_label(name, "zh"),
                                    round_rule_label(name, "en")))
    return out
