"""SQLAlchemy 2 models. The schema itself is created by the Alembic migrations in
store/migrations (the models and the migrations are checked against each other in tests).

Text columns are NOT NULL with "" for empty, mirroring the canonical DataFrames. Assignments
keep cadre/class names denormalised: a round's history must stay readable after rosters change.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on both backends (SQLite stores naive text; we re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(
                UTC)
        return value


ID = String(64)
TEXT = Text()


class Base(DeclarativeBase):
    # SQLAlchemy reads this mutable class attribute by design (hence RUF012 silenced)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}  # noqa: RUF012


class Cadre(Base):
    __tablename__ = "cadres"
    cadre_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(TEXT)
    unit: Mapped[str] = mapped_column(TEXT)
    position: Mapped[str] = mapped_column(TEXT)
    level: Mapped[str] = mapped_column(String(16))
    expertise: Mapped[list[Any]] = mapped_column(JSON)
    discipline: Mapped[str] = mapped_column(TEXT)
    capacity: Mapped[int] = mapped_column(Integer)


class SchoolClass(Base):
    __tablename__ = "classes"
    class_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(TEXT)
    college: Mapped[str] = mapped_column(TEXT)
    major: Mapped[str] = mapped_column(TEXT)
    discipline: Mapped[str] = mapped_column(TEXT)
    grade: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    tags: Mapped[list[Any]] = mapped_column(JSON)
    priority: Mapped[bool] = mapped_column(Boolean)


class Preference(Base):
    __tablename__ = "preferences"
    __table_args__ = (UniqueConstraint("cadre_id", "rank", name="uq_preferences_cadre_rank"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(ID, ForeignKey("cadres.cadre_id", name="fk_preferences_cadre"))
    rank: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(TEXT)


class Constraint(Base):
    __tablename__ = "constraints"
    # rule_index = row position; explanations refer to a rule by it, so it is the key.
    rule_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    cadre_id: Mapped[str] = mapped_column(ID)
    class_id: Mapped[str] = mapped_column(ID)
    college: Mapped[str] = mapped_column(TEXT)
    level: Mapped[str] = mapped_column(String(16))
    min: Mapped[int | None] = mapped_column(Integer)
    max: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(TEXT)


class Exemption(Base):
    __tablename__ = "exemptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(ID, ForeignKey("cadres.cadre_id", name="fk_exemptions_cadre"))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(TEXT)


class CalendarTerm(Base):
    __tablename__ = "calendar_terms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    start: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    holidays: Mapped[list[CalendarHoliday]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="CalendarHoliday.position")


class CalendarHoliday(Base):
    __tablename__ = "calendar_holidays"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    term_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_terms.id", ondelete="CASCADE", name="fk_holidays_term"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    term: Mapped[CalendarTerm] = relationship(back_populates="holidays")


class AssignmentRound(Base):
    __tablename__ = "assignment_rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(TEXT)
    kind: Mapped[str] = mapped_column(String(16))          # initial | topup | scenario
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft | published | archived
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)   # frames.frames_to_json snapshot
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    effective_date: Mapped[date | None] = mapped_column(Date)
    archived_by: Mapped[str | None] = mapped_column(String(64))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment_rounds.id", name="fk_rounds_parent"))


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_round", "round_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_rounds.id", ondelete="CASCADE", name="fk_assignments_round"))
    cadre_id: Mapped[str] = mapped_column(ID, index=True)
    name: Mapped[str] = mapped_column(TEXT)
    class_id: Mapped[str] = mapped_column(ID, index=True)
    class_name: Mapped[str] = mapped_column(TEXT)
    college: Mapped[str] = mapped_column(TEXT)
    score: Mapped[float | None] = mapped_column(Float)
    parts: Mapped[dict[str, Any]] = mapped_column(JSON)     # {"part_expertise": 0.3, ...}
    preference_rank: Mapped[int | None] = mapped_column(Integer)
    locked: Mapped[bool] = mapped_column(Boolean)
    changed: Mapped[bool] = mapped_column(Boolean)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_cadre_date", "cadre_id", "date"),)
    activity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    cadre_id: Mapped[str] = mapped_column(ID)
    date: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(32))
    venue: Mapped[str] = mapped_column(String(32))
    class_id: Mapped[str] = mapped_column(ID)
    students: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(TEXT)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("sso_id", name="uq_users_sso_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(TEXT)
    college: Mapped[str | None] = mapped_column(TEXT)
    cadre_id: Mapped[str | None] = mapped_column(ID)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # accounts (migration 0002): forced change, lockout with back-off, campus single sign-on id
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sso_id: Mapped[str | None] = mapped_column(String(128))


class UserSession(Base):
    """A server-side login session; the browser holds only a signed cookie naming its token.
    Only the SHA-256 of the token is stored, so a copy of the database opens no session."""
    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_user_sessions_user"), index=True)
    via: Mapped[str] = mapped_column(String(16))            # password | cas | oidc
    client: Mapped[str] = mapped_column(TEXT)               # remote address as seen by the app
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppSecret(Base):
    """Process-independent secrets (e.g. the cookie signing key when YIXIAN_SECRET_KEY is unset)."""
    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(TEXT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Scenario(Base):
    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(TEXT)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    base: Mapped[dict[str, Any]] = mapped_column(JSON)      # {"kind": "published"|"round"|"scenario", "id": n}
    edits: Mapped[list[Any]] = mapped_column(JSON)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RequirementsDoc(Base):
    """工作要求: every saved requirements document (TOML text, compliance.requirements format); the
    newest row is in force. Rows are only added, so the history stays (with the audit log)."""
    __tablename__ = "requirements_docs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(TEXT, default="")
    document: Mapped[str] = mapped_column(TEXT)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(TEXT)
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)


# --- cadres in the app (issue 14): wishes, acknowledgements, evidence, review ----------------

class WishCollection(Base):
    """The admin's call for wishes (征求干部联系意向): open until `deadline` (UTC)."""
    __tablename__ = "wish_collections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(TEXT)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    max_wishes: Mapped[int] = mapped_column(Integer)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WishAnswer(Base):
    """One cadre's answer to a collection (kept even when they state no wish)."""
    __tablename__ = "wish_answers"
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("wish_collections.id", ondelete="CASCADE", name="fk_wish_answers_collection"), primary_key=True)
    cadre_id: Mapped[str] = mapped_column(ID, primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Wish(Base):
    __tablename__ = "wishes"
    __table_args__ = (UniqueConstraint("collection_id", "cadre_id", "rank", name="uq_wishes_rank"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("wish_collections.id", ondelete="CASCADE", name="fk_wishes_collection"), index=True)
    cadre_id: Mapped[str] = mapped_column(ID)
    rank: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(TEXT)


class WishConflict(Base):
    """亲属/利益回避 declared by the cadre: a class or a college; the reason only the admin sees."""
    __tablename__ = "wish_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("wish_collections.id", ondelete="CASCADE", name="fk_wish_conflicts_collection"), index=True)
    cadre_id: Mapped[str] = mapped_column(ID)
    class_id: Mapped[str] = mapped_column(ID)
    college: Mapped[str] = mapped_column(TEXT)
    reason: Mapped[str] = mapped_column(TEXT)


class Acknowledgement(Base):
    """确认知晓: a cadre acknowledged their class of a published round."""
    __tablename__ = "acknowledgements"
    round_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_rounds.id", ondelete="CASCADE", name="fk_ack_round"), primary_key=True)
    cadre_id: Mapped[str] = mapped_column(ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """Evidence for an activity: the file itself, its content hash and a small thumbnail."""
    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("activity_id", "sha256", name="uq_attachments_activity_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(ID, index=True)
    cadre_id: Mapped[str] = mapped_column(ID, index=True)
    filename: Mapped[str] = mapped_column(TEXT)
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityReview(Base):
    """Where an activity stands: pending (no row), confirmed, returned (with a reason) or withdrawn
    (the activity row is gone from `activities`; its content is kept here, with the reason)."""
    __tablename__ = "activity_reviews"
    activity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    cadre_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(TEXT)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FitModelVersion(Base):
    """One saved version of the school's fit model (人岗相宜): the matching config as plain data
    (matching.config.config_to_dict), newest id = the one in force. Versions are never edited."""
    __tablename__ = "fit_model_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(TEXT)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Setting(Base):
    """One value the admin sets once in the app (e.g. the 公示 period, channel and issuing office)."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(TEXT)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
