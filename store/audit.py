"""The audit log: every service write appends one row in the same transaction.

Entries record *differences*, never whole copies of rosters or the ledger (issue 18: an import
must not keep a second copy of every person's data, nor write a 147 MB row):
- bulk replaces of a roster or rule list (action "replace") and bulk ledger imports ("import"):
  before = {"rows": n, "sha256": …} of what was stored, after = {"rows", "sha256", "summary"}
  plus, when there are at most DETAIL_LIMIT differences, "added"/"removed" (ids for cadres and
  classes; for preferences/constraints/exemptions the rows added, and the rows removed without
  their free text, e.g. a reason, but with their sha256) and "changed" ({id: {field: [old, new]}});
- small ledger writes ("upsert", at most DETAIL_LIMIT activities): after = the activities as they
  now are (the dashboard applies them incrementally), before = the changed fields' old values;
- a deleted activity keeps only cadre, date, type and the sha256 of the record.
Anything else larger than MAX_PAYLOAD_BYTES is stored as its size and sha256 only.

On PostgreSQL the table is insert-only (migration 0003: a trigger refuses UPDATE and DELETE, and
the runtime role named by YIXIAN_DB_RUNTIME_ROLE keeps only SELECT and INSERT on it).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.frames import jsonable
from store.models import AuditEntry, utcnow

AUDIT_COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "before", "after"]
DETAIL_LIMIT = 200              # differences named one by one; more: counts and hashes only
MAX_PAYLOAD_BYTES = 256_000     # a before/after value larger than this is kept as size + sha256


def _canonical(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    """sha256 of a value's canonical JSON: proves what was stored without keeping it."""
    return hashlib.sha256(_canonical(value).encode("utf-8")).hexdigest()


def _bounded(value: Any) -> Any:
    value = jsonable(value)
    if value is None:
        return None
    text = _canonical(value)
    if len(text.encode("utf-8")) <= MAX_PAYLOAD_BYTES:
        return value
    return {"omitted": "too large for the audit log", "bytes": len(text.encode("utf-8")),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def record(session: Session, actor: str, action: str, entity: str, entity_id: Any,
           before: Any = None, after: Any = None) -> AuditEntry:
    if not actor or not str(actor).strip():
        from store.errors import InvalidData
        raise InvalidData("写入必须注明操作人", "every write needs the acting username")
    entry = AuditEntry(at=utcnow(), actor=str(actor), action=action, entity=entity,
                       entity_id="" if entity_id is None else str(entity_id),
                       before=_bounded(before), after=_bounded(after))
    session.add(entry)
    session.flush()
    return entry


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    return {f: [jsonable(old.get(f)), jsonable(new.get(f))] for f in new if old.get(f) != new.get(f)}


def keyed_diff(old_by: dict[str, dict], new_by: dict[str, dict],
               summary: dict[str, int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after of a bulk replace of rows with ids (cadres, classes): ids and changed fields."""
    before = {"rows": len(old_by), "sha256": digest([old_by[k] for k in sorted(old_by)])}
    after: dict[str, Any] = {"rows": len(new_by), "sha256": digest([new_by[k] for k in sorted(new_by)]),
                             "summary": summary}
    added = sorted(set(new_by) - set(old_by))
    removed = sorted(set(old_by) - set(new_by))
    changed = sorted(k for k in new_by if k in old_by and old_by[k] != new_by[k])
    if len(added) + len(removed) + len(changed) <= DETAIL_LIMIT:
        after |= {"added": added, "removed": removed,
                  "changed": {k: _changed_fields(old_by[k], new_by[k]) for k in changed}}
    return before, after


FREE_TEXT = ("name", "unit", "position", "reason", "summary")


def _without_free_text(rec: dict[str, Any]) -> dict[str, Any]:
    """A removed row as kept in the log: its identifying fields and a hash, not what people wrote."""
    kept = {f: v for f, v in rec.items() if f not in FREE_TEXT}
    return kept | {"sha256": digest(rec)} if len(kept) < len(rec) else kept


def rows_diff(old: list[dict], new: list[dict], key: Callable[[dict], Hashable],
              summary: dict[str, int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after of a bulk replace of rows without ids (preferences, constraints, exemptions):
    the rows added and removed (as a multiset), when few."""
    before = {"rows": len(old), "sha256": digest(old)}
    after: dict[str, Any] = {"rows": len(new), "sha256": digest(new), "summary": summary}
    old_c, new_c = Counter(map(key, old)), Counter(map(key, new))
    plus, minus = new_c - old_c, old_c - new_c
    if sum(plus.values()) + sum(minus.values()) <= DETAIL_LIMIT:
        by_key = {key(r): r for r in old + new}
        after |= {"added": [by_key[k] for k, n in plus.items() for _ in range(n)],
                  "removed": [_without_free_text(by_key[k]) for k, n in minus.items() for _ in range(n)]}
    return before, after


def upsert_entry(existing: dict[str, dict], inserted: list[dict], updated: list[dict],
                 key: str) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    """(action, before, after) of a ledger write: "upsert" with the touched activities when few,
    else "import" with counts and hashes."""
    n = len(inserted) + len(updated)
    if n <= DETAIL_LIMIT:
        before = {r[key]: {f: v for f, (v, _) in _changed_fields(existing[r[key]], r).items()} for r in updated}
        return "upsert", before or None, {r[key]: r for r in inserted + updated}
    after = {"summary": {"inserted": len(inserted), "updated": len(updated)},
             "sha256": digest(sorted(inserted + updated, key=lambda r: r[key]))}
    return "import", {"updated_before_sha256": digest([existing[r[key]] for r in updated])}, after


def deleted_entry(rec: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """What a deletion keeps of the record: a few identifying fields and its sha256."""
    return {f: rec.get(f) for f in fields} | {"sha256": digest(rec)}


def audit_rows(session: Session, limit: int | None = 200, entity: str | None = None,
               entity_id: Any = None, actor: str | None = None, action: str | None = None,
               since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """Newest first, filtered by any of entity, entity id, actor, action and a time window
    [since, until) in UTC. `at` is a UTC timestamp; before/after are the JSON values as written."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity is not None:
        q = q.where(AuditEntry.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == str(entity_id))
    if actor is not None:
        q = q.where(AuditEntry.actor == actor)
    if action is not None:
        q = q.where(AuditEntry.action == action)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    if limit is not None:
        q = q.limit(limit)
    rows = [[e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after]
            for e in session.scalars(q)]
    df = pd.DataFrame(rows, columns=AUDIT_COLUMNS, dtype=object)
    df["id"] = df["id"].astype("int64")
    df["at"] = pd.to_datetime(df["at"], utc=True)
    return df


def audit_vocabulary(session: Session) -> tuple[list[str], list[str], list[str]]:
    """The distinct actors, actions and entities in the log (for the viewer's filters)."""
    def distinct(col):
        return sorted(v for v in session.scalars(select(col).distinct()) if v)
    return distinct(AuditEntry.actor), distinct(AuditEntry.action), distinct(AuditEntry.entity)
