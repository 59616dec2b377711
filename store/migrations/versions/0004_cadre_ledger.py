"""Cadres in the app: wish collections, wishes and declared conflicts, acknowledgements, evidence
attachments, activity reviews (confirmed / returned / withdrawn).

Revision ID: 0004
Revises: 0003 (the lead re-chains it after 0002 accounts when that lands)
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wish_collections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_wishes', sa.Integer(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('wish_answers',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['wish_collections.id'], name='fk_wish_answers_collection',
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'cadre_id')
    )
    op.create_table('wishes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['wish_collections.id'], name='fk_wishes_collection',
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('collection_id', 'cadre_id', 'rank', name='uq_wishes_rank')
    )
    with op.batch_alter_table('wishes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wishes_collection_id'), ['collection_id'], unique=False)
    op.create_table('wish_conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('class_id', sa.String(length=64), nullable=False),
    sa.Column('college', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['wish_collections.id'], name='fk_wish_conflicts_collection',
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wish_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wish_conflicts_collection_id'), ['collection_id'], unique=False)
    op.create_table('acknowledgements',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['assignment_rounds.id'], name='fk_ack_round', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'cadre_id')
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('activity_id', sa.String(length=64), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'sha256', name='uq_attachments_activity_hash')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_cadre_id'), ['cadre_id'], unique=False)
    op.create_table('activity_reviews',
    sa.Column('activity_id', sa.String(length=64), nullable=False),
    sa.Column('cadre_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('activity_id')
    )
    with op.batch_alter_table('activity_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_reviews_cadre_id'), ['cadre_id'], unique=False)


def downgrade() -> None:
    for table in ('activity_reviews', 'attachments', 'acknowledgements', 'wish_conflicts', 'wishes',
                  'wish_answers', 'wish_collections'):
        op.drop_table(table)
