"""The store's change marker, the one key every page cache and memo is keyed on."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.engine import database_url
from store.models import Activity, AuditEntry


def store_version(session: Session) -> str:
    """A cheap fingerprint: the database URL, the newest audit id (every audited write appends
    one) and the number of ledger rows (bulk ledger writes), so a write anywhere is seen at the
    next rerun, and two databases never share a version."""
    top = session.scalar(select(func.max(AuditEntry.id))) or 0
    activities = session.scalar(select(func.count()).select_from(Activity)) or 0
    return f"{database_url()}#{int(top)}#{int(activities)}"
