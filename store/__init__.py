"""Persistence: SQLAlchemy models, Alembic migrations, audit log, and services that take and
return the canonical DataFrames of docs/ARCHITECTURE.md."""
from store.engine import database_url, make_engine, migrate, normalise_url

__all__ = ["database_url", "make_engine", "migrate", "normalise_url"]
