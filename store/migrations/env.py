"""Alembic environment. Run programmatically through store.engine.migrate(engine): the caller
passes its open connection in config.attributes["connection"], so no alembic.ini is needed."""
from __future__ import annotations

import os

from alembic import context

from store.engine import BACKUP_ENV, DowngradeRefused, make_engine
from store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # e.g. `alembic revision --autogenerate` by a developer
        engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _is_downgrade() -> bool:
    env = getattr(context, "_proxy", None)           # the EnvironmentContext behind alembic.context
    fn = getattr(env, "context_opts", {}).get("fn")
    if getattr(fn, "__name__", "") == "downgrade":   # alembic.command.downgrade
        return True
    dest = str(context.get_revision_argument() or "")
    return dest == "base" or dest.startswith("-")


def _refuse_unconfirmed_downgrade() -> None:
    """A downgrade drops tables and their data: only with proof of a backup (README "Backup and
    restore"): store.engine.downgrade(..., yes_i_have_a_backup=True), `python -m store.engine
    downgrade REV --yes-i-have-a-backup`, `alembic -x yes-i-have-a-backup=1 downgrade REV` or
    YIXIAN_YES_I_HAVE_A_BACKUP=1."""
    if not _is_downgrade():
        return
    x = context.get_x_argument(as_dictionary=True)
    if (config.attributes.get("yes_i_have_a_backup") or x.get("yes-i-have-a-backup", "") not in ("", "0")
            or os.environ.get(BACKUP_ENV, "").strip() not in ("", "0")):
        return
    raise DowngradeRefused()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    _refuse_unconfirmed_downgrade()
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; use store.migrate(engine)")
run()
