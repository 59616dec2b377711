"""Bilingual labels of solve parameters, shared by the Rounds and Scenarios pages so that
the same option reads the same everywhere."""
from __future__ import annotations

from common import vocabulary
from ui.i18n import tr

LEVELS = {code: (t.zh, t.en) for code, t in vocabulary.LEVELS.items()}
OBJECTIVES = {"total": ("总匹配度最高", "Highest total fit"), "fair": ("兼顾公平（先保最差者）", "Fair first"),
              "min_change": ("尽量少调整", "Fewest changes")}
PRIORITY = {"hard": ("必须有班主任", "Must be covered"), "weighted": ("优先（加分）", "Preferred (bonus)"),
            "off": ("不特殊处理", "No special treatment")}
OWN_UNIT = {"neutral": ("不影响", "No effect"), "prefer": ("优先本单位", "Prefer own college"),
            "forbid": ("回避本单位", "Never own college")}
WEIGHTS = {"expertise": ("专长", "Expertise"), "discipline": ("学科", "Discipline"),
           "preference": ("意向", "Preference"), "continuity": ("连续性", "Continuity"),
           "own_unit": ("本单位", "Own unit"), "priority_bonus": ("重点班加分", "Priority bonus"),
           "change_penalty": ("调整代价", "Change penalty")}
PART_NAMES = {"part_expertise": ("专长分", "Expertise"), "part_discipline": ("学科分", "Discipline"),
              "part_preference": ("意向分", "Preference"), "part_continuity": ("连续性分", "Continuity"),
              "part_own_unit": ("本单位分", "Own unit")}


def t2(pair) -> str:
    """tr() of a (中文, English) pair."""
    return tr(pair[0], pair[1])
