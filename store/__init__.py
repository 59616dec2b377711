"""Persistence: SQLAlchemy 2 models, Alembic migrations, audit log, and services that take and
return the canonical DataFrames of docs/ARCHITECTURE.md.

Modules (each service takes an open Session, runs in a SAVEPOINT, appends an audit row, and
leaves committing to the caller — services.db.session_scope):
- store.engine     database_url(), make_engine(url), migrate(engine), current_revision/head_revision
- store.frames     to_json(kind, df) / from_json(kind, data): exact canonical round trip; records()
- store.data       replace_kind(s), upsert_ledger, add_activity, delete_activity, load_kind,
                   load_calendar, save_calendar, refs, counts (reference policy in its docstring)
- store.rounds     create_round, save_round_result, get_round, list_rounds, published_round,
                   publish_round, archive_round, assignment_in_force, round_assignment
- store.scenarios  save_scenario, get_scenario, list_scenarios, delete_scenario
- store.auth       create_user, authenticate (lockout, LoginPolicy), set_password, set_active, get_user,
                   get_user_by_id, list_users, UserInfo; argon2id with a per-process bound (Busy)
- store.passwords  password_problems / check_password (≥10, not the username, not common), generate_password
- store.sessions   create_session, resume (idle/absolute, SessionPolicy), end_session,
                   end_user_sessions, purge_expired, app_secret
- store.accounts   users_frame, update_user, unlock, reset_password, provision_cadres,
                   provision_colleges, scope_options
- store.audit      record, audit_rows
- store.errors     StoreError (bilingual .message(lang)), NotFound, InvalidData, InvalidState,
                   ReferenceConflict
- store.bootstrap  `python -m store.bootstrap`: migrate; load data/demo when the database is empty;
                   `--no-demo --admin NAME` creates the first admin (production)
"""
from store.engine import database_url, make_engine, migrate, normalise_url

__all__ = ["database_url", "make_engine", "migrate", "normalise_url"]
