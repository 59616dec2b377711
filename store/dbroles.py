"""PostgreSQL roles: the app's runtime role may read and write the data but only append to the
audit log (README "Database roles"). Migrations run as the owner of the tables; the runtime role
(`YIXIAN_DB_RUNTIME_ROLE`) is granted what the app needs, minus UPDATE/DELETE/TRUNCATE on
audit_log and minus writes to alembic_version. A trigger (migration 0003) refuses UPDATE and
DELETE on audit_log for every role, the owner included; only the owner can disable it.
"""
from __future__ import annotations

import os
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

RUNTIME_ROLE_ENV = "YIXIAN_DB_RUNTIME_ROLE"
_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def runtime_role() -> str | None:
    role = os.environ.get(RUNTIME_ROLE_ENV, "").strip()
    if not role:
        return None
    if not _ROLE.match(role):
        raise ValueError(f"{RUNTIME_ROLE_ENV}={role!r}: expected a plain role name (letters, digits, _)")
    return role


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_runtime_role(conn: Connection, role: str) -> None:
    """Run as the tables' owner, in the schema the app uses (the connection's current_schema)."""
    if not _ROLE.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    r, s = _q(role), _q(schema)
    for stmt in (
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        # the log: read and append only
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {s}.audit_log FROM {r}",
        f"GRANT SELECT, INSERT ON {s}.audit_log TO {r}",
        # the schema version: read only (the app checks it at start; migrations run as the owner)
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.alembic_version FROM {r}",
        f"GRANT SELECT ON {s}.alembic_version TO {r}",
    ):
        conn.execute(text(stmt))
