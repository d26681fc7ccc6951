"""accounts.open_conflicts and accounts.conflicts_version (the conflict list's ETag without reading the list), and
an index finding a record's conflicts

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_conflicts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('conflicts_version', sa.BigInteger(), server_default='0', nullable=False))
    # The list's version starts at the time in microseconds, not 0: after a downgrade and this upgrade again, a
    # version handed out before (still in a desktop's If-None-Match) is never handed out for another list.
    op.execute(sa.text("UPDATE accounts SET conflicts_version = :start, open_conflicts = (SELECT count(*) FROM "
                       "sync_conflicts WHERE sync_conflicts.account_id = accounts.id AND "
                       "sync_conflicts.resolved_at IS NULL)").bindparams(start=time.time_ns() // 1000))
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflicts_record', ['account_id', 'record_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflicts_record')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('conflicts_version')
        batch_op.drop_column('open_conflicts')
