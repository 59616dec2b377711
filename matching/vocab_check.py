"""Vocabulary checks: every expertise, unit and class tag in the data that no fit-table row mentions.

Such a word silently earns nothing, so each one is a warning (never an error): the solve still runs.
`check(cadres, classes, cfg)` → [VocabWarning], each with its count and the closest known words, so
that the app can offer to map it (config `aliases`) or to add an affinity row.

Units that are a college of the class list are not listed: they take part through the own-unit rule.
"""
from __future__ import annotations

import dataclasses
import difflib
from collections import Counter

import pandas as pd

from common import vocabulary

from .config import MatchConfig
from .model import _s, _tags


@dataclasses.dataclass(frozen=True)
class VocabWarning:
    kind: str                 # expertise | unit | tag (common.vocabulary.FIT_WORD_KINDS)
    word: str
    count: int                # cadres (expertise, unit) or classes (tag) that use it
    suggestions: tuple = ()   # known words of the same kind, closest first

    def message(self, lang: str = "zh") -> str:
        kind = vocabulary.label(vocabulary.FIT_WORD_KINDS, self.kind, lang)
        who = ("名干部" if self.kind != "tag" else "个班级") if lang == "zh" else \
            (" cadres" if self.kind != "tag" else " classes")
        if lang == "zh":
            hint = f"；相近：{'、'.join(self.suggestions)}" if self.suggestions else ""
            return f"警告：{kind}「{self.word}」（{self.count}{who}）没有对应的匹配规则，不计分{hint}"
        hint = f"; close: {', '.join(self.suggestions)}" if self.suggestions else ""
        return f"warning: {kind} '{self.word}' ({self.count}{who}) is in no fit-table row and earns nothing{hint}"


def known_words(cfg: MatchConfig) -> dict[str, set[str]]:
    """Per kind, the words the fit tables mention (alias targets are not mentions by themselves)."""
    tags = {t for row in cfg.affinity.values() for t in row} | {t for row in cfg.unit_affinity.values() for t in row}
    return {"expertise": set(cfg.affinity), "unit": set(cfg.unit_affinity), "tag": tags}


def _counts(cadres: pd.DataFrame, classes: pd.DataFrame) -> dict[str, Counter]:
    exp = Counter(t for x in cadres.get("expertise", []) for t in set(_tags(x)))
    colleges = {_s(c) for c in classes.get("college", [])}
    units = Counter(u for u in (_s(x) for x in cadres.get("unit", [])) if u and u not in colleges)
    tags = Counter(t for x in classes.get("tags", []) for t in set(_tags(x)))
    return {"expertise": exp, "unit": units, "tag": tags}


def check(cadres: pd.DataFrame, classes: pd.DataFrame, cfg: MatchConfig) -> list[VocabWarning]:
    """Every word the tables do not mention (after aliases), most used first."""
    known = known_words(cfg)
    out = []
    for kind, counts in _counts(cadres, classes).items():
        pool = sorted(known[kind])
        for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if cfg.aliases.get(word, word) in known[kind]:
                continue
            near = tuple(difflib.get_close_matches(word, pool, n=3, cutoff=0.5))
            out.append(VocabWarning(kind, word, n, near))
    return out
