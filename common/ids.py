"""Deterministic ids shared by the importer, the store and the demo generator."""
from __future__ import annotations

import hashlib
from datetime import date


def activity_id(cadre_id: str, day: date, type_code: str, venue: str, class_id: str, summary: str) -> str:
    """The id of a ledger row that has none: `A` + the first 12 hex digits of the sha1 of its
    fields, so that re-importing the same activity updates it instead of duplicating it."""
    key = f"{cadre_id},{day.isoformat()},{type_code},{venue},{class_id},{summary}"
    return "A" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
