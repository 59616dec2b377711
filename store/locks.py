"""Serialise read-check-write sequences across threads and processes sharing one database.

Called first thing in every write service:
- PostgreSQL: a transaction-scoped advisory lock per area (released at commit/rollback).
- SQLite: a no-op write that takes the database's single write lock *before* anything is read,
  so a concurrent writer waits (busy_timeout) instead of failing with "database is locked" when
  its read snapshot turns stale. (A caller that already read in the same transaction can still
  get that error from SQLite: it is reported, never silently lost.)
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def serialise(session: Session, area: str) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"yixian:{area}"})
    elif dialect == "sqlite":
        session.execute(text("DELETE FROM audit_log WHERE 1 = 0"))
