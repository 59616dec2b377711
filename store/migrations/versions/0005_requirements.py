"""requirements_docs: the 工作要求 documents saved from the requirements screen (newest in force).

Revision ID: 0005
Revises: 0006 (the head on main when merged)
Create Date: 2026-11-30 03:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requirements_docs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.TEXT(), nullable=False, server_default=""),
        sa.Column("document", sa.TEXT(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("requirements_docs")
