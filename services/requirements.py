"""工作要求 (requirements) for the admin: what is in force, its history, and saving a new version
or new settings. Saving validates first (compliance.requirements): invalid input raises RulesError
naming every problem and writes nothing. Evaluation everywhere reads `in_force()`; with nothing
saved it is the defaults (compliance/default_rules.toml).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from compliance.requirements import (
    Requirements,
    add_version,
    dump_requirements,
    parse_requirements,
    requirements_frame,
    requirements_from_dict,
    with_settings,
)
from services import access
from services.db import session_scope
from store import requirements as store_req
from store.auth import UserInfo

ROLES = ("admin",)

__all__ = ["ROLES", "add", "frame", "history", "in_force", "in_force_from", "settings", "update_settings"]


def in_force_from(session) -> Requirements:
    """The requirements stored in `session`'s database (the defaults when none was saved)."""
    doc = store_req.current_document(session)
    return requirements_from_dict({}) if doc is None else parse_requirements(doc[1], f"工作要求 #{doc[0]}")


def in_force() -> Requirements:
    """The requirements every evaluation uses (no access check: they are not personal data)."""
    with session_scope() as s:
        return in_force_from(s)


def frame(user: UserInfo) -> pd.DataFrame:
    """One row per version, rule and level (requirements_frame) of the requirements in force."""
    access.require(user, *ROLES, action="requirements.view")
    return requirements_frame(in_force())


def settings(user: UserInfo) -> dict:
    """等次 thresholds and the confirmed-only switch in force."""
    access.require(user, *ROLES, action="requirements.view")
    req = in_force()
    c = req.conclusion
    return {"good": c.good, "fairly_good": c.fairly_good, "average": c.average,
            "count_confirmed_only": req.confirmed_only, "versions": len(req.versions)}


def history(user: UserInfo) -> pd.DataFrame:
    access.require(user, *ROLES, action="requirements.history")
    with session_scope() as s:
        return pd.DataFrame(store_req.history(s), columns=["id", "saved_at", "actor", "note"])


def _save(user: UserInfo, new: Requirements, note: str, change: dict) -> Requirements:
    text = dump_requirements(new)
    parse_requirements(text)                 # what is stored reads back (never store what cannot load)
    with session_scope() as s:
        store_req.save_document(s, text, user.username, note, change)
    return new


def add(user: UserInfo, effective: date, rules: dict, note: str = "") -> Requirements:
    """A new version in force from `effective` (earlier periods keep the earlier version).
    `rules` = {rule_id: {field: value, "levels": {level: {field: value}}}}."""
    access.require(user, *ROLES, action="requirements.add")
    new = add_version(in_force(), effective, rules, note)     # RulesError: nothing written
    return _save(user, new, note, {"effective": effective.isoformat(), "rules": rules})


def update_settings(user: UserInfo, *, good: float | None = None, fairly_good: float | None = None,
                    average: float | None = None, count_confirmed_only: bool | None = None,
                    note: str = "") -> Requirements:
    """Other 等次 thresholds or the 'count only confirmed entries' switch."""
    access.require(user, *ROLES, action="requirements.settings")
    given = {"good": good, "fairly_good": fairly_good, "average": average,
             "count_confirmed_only": count_confirmed_only}
    new = with_settings(in_force(), **given)
    return _save(user, new, note, {k: v for k, v in given.items() if v is not None})
