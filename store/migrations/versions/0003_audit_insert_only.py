"""audit_log is insert-only: a trigger refuses UPDATE and DELETE (PostgreSQL and SQLite); on
PostgreSQL the runtime role named by YIXIAN_DB_RUNTIME_ROLE (if set when this runs) may only
SELECT and INSERT on audit_log (store.dbroles).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 02:10:00
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION yixian_audit_log_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is insert-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_log_insert_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION yixian_audit_log_insert_only()")
        from store.dbroles import grant_runtime_role, runtime_role

        role = runtime_role()
        if role:
            grant_runtime_role(op.get_bind(), role)
    elif dialect == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log "
                       f"BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only: {what} refused'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_insert_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS yixian_audit_log_insert_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
