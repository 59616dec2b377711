"""The school's fit model (人岗相宜) for the admin: the affinity tables, weights and preference values,
versioned and audit-logged; vocabulary warnings with one-click mapping; a preview of the pairs a
change touches; the cadre × class view and bulk lock/forbid rules.

Rounds and scenarios call `current_config(user)` for the MatchConfig in force (defaults until a
version is saved)."""
from __future__ import annotations

import copy
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from matching import MatchConfig, MatchingInput
from matching.config import config_from_dict, config_to_dict, load_config
from matching.model import Problem, _tags
from matching.vocab_check import VocabWarning, check, known_words
from services import access
from services.db import session_scope
from store import data as store_data
from store import fit_model as store_fit
from store import rounds as store_rounds
from store.auth import UserInfo
from store.errors import InvalidData

EDIT = ("admin",)
READ = ("admin", "planner")
WORD_KINDS = ("expertise", "unit", "tag")
TABLE_OF = {"expertise": "affinity", "unit": "unit_affinity"}


def _stored(session) -> dict[str, Any]:
    info = store_fit.latest(session)
    return copy.deepcopy(info.config) if info is not None else config_to_dict(load_config(None))


def current_config(user: UserInfo) -> MatchConfig:
    """The MatchConfig in force (the newest saved version over the defaults)."""
    access.require(user, *READ, action="fit_model.read")
    return config_in_force()


def config_in_force() -> MatchConfig:
    """current_config without a user check — for services that already checked their caller (e.g. the
    round/scenario parameters → engine config step, in place of load_config(None))."""
    return model_in_force()[1]


def model_in_force() -> tuple[int | None, MatchConfig]:
    """(version or None for the defaults, its MatchConfig) — solve_params snapshots it into a round."""
    with session_scope() as s:
        info = store_fit.latest(s)
    if info is None:
        return None, load_config(None)
    return info.id, config_from_dict(info.config, f"fit model v{info.id}")


def current(user: UserInfo) -> tuple[int | None, dict[str, Any]]:
    """(version number or None for the defaults, the config as plain data) — the page edits this."""
    access.require(user, *READ, action="fit_model.read")
    with session_scope() as s:
        info = store_fit.latest(s)
        return (None if info is None else info.id), _stored(s)


def history(user: UserInfo) -> pd.DataFrame:
    access.require(user, *EDIT, action="fit_model.history")
    with session_scope() as s:
        rows = store_fit.history(s)
    return pd.DataFrame([{"version": r.id, "note": r.note, "created_by": r.created_by, "created_at": r.created_at}
                         for r in rows], columns=["version", "note", "created_by", "created_at"])


def _rosters(session) -> MatchingInput:
    cad = store_data.load_kind(session, "cadres")
    cls = store_data.load_kind(session, "classes")
    prefs = store_data.load_kind(session, "preferences")
    prev = store_rounds.assignment_in_force(session, as_of=date.today())
    prev = prev[["cadre_id", "class_id"]] if len(prev) else None
    return MatchingInput(cad, cls, prefs if len(prefs) else None, None, None, prev)


def _fit(inp: MatchingInput, cfg: MatchConfig) -> Problem:
    return Problem(inp, cfg.replace(own_unit="neutral" if cfg.own_unit == "forbid" else cfg.own_unit))


def differs(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether two plain-data configs mean different models (raises ConfigError on a bad value)."""
    return config_from_dict(new) != config_from_dict(old)


def preview(user: UserInfo, new: dict[str, Any]) -> dict[str, Any]:
    """How many cadre × class pairs (and cadres, classes) the change from the model in force to `new`
    changes the fit of, on the current rosters. Raises ConfigError naming every bad value."""
    access.require(user, *EDIT, action="fit_model.preview")
    cfg_new = config_from_dict(new)
    with session_scope() as s:
        old = config_from_dict(_stored(s))
        inp = _rosters(s)
    if inp.cadres.empty or inp.classes.empty:
        return {"pairs": 0, "pairs_changed": 0, "cadres_changed": 0, "classes_changed": 0}
    a, b = _fit(inp, old), _fit(inp, cfg_new)
    fa, fb = a.fit / a.scale, b.fit / b.scale
    diff = ~np.isclose(fa, fb, rtol=0, atol=1e-12)
    return {"pairs": int(diff.size), "pairs_changed": int(diff.sum()),
            "cadres_changed": int(diff.any(axis=1).sum()), "classes_changed": int(diff.any(axis=0).sum())}


def save(user: UserInfo, new: dict[str, Any], note: str = "") -> int:
    """A new version of the fit model (validated first; audit-logged with the preview's counts)."""
    access.require(user, *EDIT, action="fit_model.save")
    cfg = config_from_dict(new)
    summary = preview(user, new)
    with session_scope() as s:
        return store_fit.save_version(s, config_to_dict(cfg), note, user.username, {"preview": summary})


def warnings(user: UserInfo) -> list[VocabWarning]:
    """Every expertise, unit and class tag of the current rosters that no fit-table row mentions."""
    access.require(user, *READ, action="fit_model.read")
    with session_scope() as s:
        cfg = config_from_dict(_stored(s))
        cad, cls = store_data.load_kind(s, "cadres"), store_data.load_kind(s, "classes")
    return check(cad, cls, cfg)


def known(user: UserInfo) -> dict[str, list[str]]:
    """Per word kind, the words the fit tables in force mention (targets for a mapping)."""
    access.require(user, *READ, action="fit_model.read")
    with session_scope() as s:
        cfg = config_from_dict(_stored(s))
    return {k: sorted(v) for k, v in known_words(cfg).items()}


def filters(user: UserInfo) -> tuple[list[str], list[str]]:
    """(colleges, class tags) of the current class list, for the cadre × class view's filters."""
    access.require(user, *EDIT, action="fit_model.grid")
    with session_scope() as s:
        cls = store_data.load_kind(s, "classes")
    tags = sorted({t for v in cls["tags"] for t in _tags(v)}) if len(cls) else []
    return sorted(set(cls["college"])) if len(cls) else [], tags


def with_alias(config: dict[str, Any], word: str, known: str) -> dict[str, Any]:
    """`config` with `word` read as the known word `known` (aliases)."""
    word, known = str(word).strip(), str(known).strip()
    if not word or not known or word == known:
        raise InvalidData("请选择要对应的已知词", "choose a known word to map to", [word])
    out = copy.deepcopy(config)
    out.setdefault("aliases", {})[word] = known
    return out


def with_affinity(config: dict[str, Any], kind: str, word: str, tag: str, value: Any) -> dict[str, Any]:
    """`config` with an affinity row: expertise/unit `word` ↔ class tag `tag` = value."""
    if kind not in TABLE_OF:
        raise InvalidData("只能为专长或单位添加匹配行", "affinity rows are for an expertise or a unit", [kind])
    word, tag = str(word).strip(), str(tag).strip()
    if not word or not tag:
        raise InvalidData("词与标签都不能为空", "both the word and the tag are needed", [word, tag])
    out = copy.deepcopy(config)
    out.setdefault(TABLE_OF[kind], {}).setdefault(word, {})[tag] = str(value)
    return out


def map_word(user: UserInfo, kind: str, word: str, known: str) -> int:
    """One click: save a new version where `word` means the known word `known`."""
    access.require(user, *EDIT, action="fit_model.save")
    if kind not in WORD_KINDS:
        raise InvalidData("未知的词类", "unknown word kind", [kind])
    with session_scope() as s:
        base = _stored(s)
    return save(user, with_alias(base, word, known), f"对应 {word} → {known}")


def add_affinity(user: UserInfo, kind: str, word: str, tag: str, value: Any) -> int:
    """One click: save a new version with the affinity row `word` ↔ `tag` = value."""
    access.require(user, *EDIT, action="fit_model.save")
    with session_scope() as s:
        base = _stored(s)
    return save(user, with_affinity(base, kind, word, tag, value), f"匹配行 {word} ↔ {tag} = {value}")
