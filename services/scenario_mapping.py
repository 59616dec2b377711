"""Promotion with a mapping (issue 12, 1): each hypothetical or unlisted cadre/class of a scenario's
result is mapped to a real one of the imported data, so the draft round holds only real people and
classes.

The real cadre/class *takes the place* of the one it maps: its row comes from the imported data (its
own unit, level, capacity, wishes), the scenario's rules naming the stand-in are renamed to it, and the
scenario's pairs are renamed likewise. The result is then checked against every rule of the round
(matching.assess) — the real person may differ from the stand-in — and stored as hand-made. Pure
DataFrame work and checks here (no Streamlit, no database); services.scenarios.promote is the entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from services.scenario_edits import HYPO_PREFIX, ScenarioError


@dataclass
class Mapping:
    cadres: dict[str, str] = field(default_factory=dict)      # stand-in cadre_id -> real cadre_id
    classes: dict[str, str] = field(default_factory=dict)     # stand-in class_id -> real class_id

    @classmethod
    def of(cls, value) -> Mapping:
        if isinstance(value, Mapping):
            return value
        value = value or {}
        return cls({str(k): str(v) for k, v in (value.get("cadres") or {}).items() if v},
                   {str(k): str(v) for k, v in (value.get("classes") or {}).items() if v})

    def to_dict(self) -> dict:
        return {"cadres": dict(self.cadres), "classes": dict(self.classes)}


def unreal_ids(assignment: pd.DataFrame, master: dict[str, pd.DataFrame]) -> tuple[list[str], list[str]]:
    """Cadres and classes of `assignment` that are hypothetical or not in the imported data."""
    cadres, classes = set(master["cadres"]["cadre_id"]), set(master["classes"]["class_id"])
    bad_cad = sorted({c for c in assignment["cadre_id"] if c.startswith(HYPO_PREFIX) or c not in cadres})
    bad_cls = sorted({k for k in assignment["class_id"] if k.startswith(HYPO_PREFIX) or k not in classes})
    return bad_cad, bad_cls


def candidates(assignment: pd.DataFrame, master: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real cadres with no class in the scenario's result, and real classes with no adviser in it
    (id, name, and unit / college) — the ones a stand-in may be mapped to."""
    cad = master["cadres"][["cadre_id", "name", "unit"]]
    cls = master["classes"][["class_id", "name", "college"]]
    return (cad[~cad["cadre_id"].isin(set(assignment["cadre_id"]))].reset_index(drop=True),
            cls[~cls["class_id"].isin(set(assignment["class_id"]))].reset_index(drop=True))


def _problems(mapping: Mapping, assignment: pd.DataFrame, master: dict[str, pd.DataFrame]) -> list[str]:
    """Every reason the mapping cannot be used, one line each (bilingual)."""
    bad_cad, bad_cls = unreal_ids(assignment, master)
    free_cad, free_cls = candidates(assignment, master)
    out = []
    for what, need, given, free, real in (
            (("干部", "cadre"), bad_cad, mapping.cadres, set(free_cad["cadre_id"]), set(master["cadres"]["cadre_id"])),
            (("班级", "class"), bad_cls, mapping.classes, set(free_cls["class_id"]), set(master["classes"]["class_id"]))):
        zh, en = what
        out += [f"假设{zh} {x} 未对应到真实{zh} / {en} {x} is not mapped" for x in need if x not in given]
        out += [f"{x} 不是该情景结果中的假设{zh} / {x} is not a hypothetical {en} of the result"
                for x in given if x not in need]
        for x, y in given.items():
            if y.startswith(HYPO_PREFIX) or y not in real:
                out.append(f"{x} → {y}：{y} 不在导入的{zh}名单中 / {y} is not in the imported {en} list")
            elif y not in free:
                out.append(f"{x} → {y}：{y} 在情景结果中已有配对 / {y} already has a pair in the result")
        seen: dict[str, str] = {}
        for x, y in given.items():
            if y in seen:
                out.append(f"{seen[y]}、{x} 都对应到 {y}：每个真实{zh}只能对应一次 / {y} is mapped twice")
            seen[y] = x
    return out


def check(mapping: Mapping, assignment: pd.DataFrame, master: dict[str, pd.DataFrame]) -> None:
    problems = _problems(mapping, assignment, master)
    if problems:
        raise ScenarioError(f"对应关系有 {len(problems)} 处问题，未转为草稿轮次",
                            f"the mapping has {len(problems)} problem(s); nothing was promoted", problems)


def _rename(s: pd.Series, ids: dict[str, str]) -> pd.Series:
    return s.map(lambda v: ids.get(v, v))


def apply(mapping: Mapping, inputs: dict[str, pd.DataFrame], assignment: pd.DataFrame,
          master: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str]]]:
    """The round's inputs with every stand-in replaced by its real cadre/class, and the result's
    pairs renamed (call `check` first)."""
    cm, km = mapping.cadres, mapping.classes
    out = dict(inputs)
    real_cad = master["cadres"][master["cadres"]["cadre_id"].isin(set(cm.values()))]
    cad = inputs["cadres"]
    brought = set(cm.values()) - set(cad["cadre_id"])      # real cadres the scenario did not list
    cad = cad[~cad["cadre_id"].isin(set(cm) | set(cm.values()))]
    out["cadres"] = pd.concat([cad, real_cad[cad.columns]], ignore_index=True)
    real_cls = master["classes"][master["classes"]["class_id"].isin(set(km.values()))]
    cls = inputs["classes"]
    cls = cls[~cls["class_id"].isin(set(km) | set(km.values()))]
    out["classes"] = pd.concat([cls, real_cls[cls.columns]], ignore_index=True)
    prefs = inputs["preferences"]
    prefs = prefs[~prefs["cadre_id"].isin(set(cm))]                # the stand-in's wishes were invented
    theirs = master["preferences"][master["preferences"]["cadre_id"].isin(brought)]
    prefs = pd.concat([prefs, theirs[prefs.columns]], ignore_index=True)
    is_class = prefs["kind"] == "class"
    prefs.loc[is_class, "value"] = _rename(prefs.loc[is_class, "value"], km)
    out["preferences"] = prefs.reset_index(drop=True)
    con = inputs["constraints"].copy()
    con["cadre_id"] = _rename(con["cadre_id"], cm)
    con["class_id"] = _rename(con["class_id"], km)
    out["constraints"] = con.reset_index(drop=True)
    pairs = [(cm.get(a, a), km.get(b, b)) for a, b in zip(assignment["cadre_id"], assignment["class_id"])]
    return out, pairs
