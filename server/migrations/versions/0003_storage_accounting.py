"""every byte an account stores counts: sizes of synced versions and conflicts, their sum per account; and
accounts an operator disabled

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_ROW_OVERHEAD = 200  # server.sync_engine.ROW_OVERHEAD at the time of this revision


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sync_bytes', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('disabled_at', server.models.UTCDateTime(), nullable=True))
    for table in ('sync_changes', 'sync_conflicts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('size', sa.Integer(), server_default='0', nullable=False))
        op.execute(f"UPDATE {table} SET size = {_ROW_OVERHEAD} + length(CAST(data AS TEXT))")  # noqa: S608
    op.execute("UPDATE accounts SET sync_bytes = "
               "(SELECT coalesce(sum(size), 0) FROM sync_changes WHERE sync_changes.account_id = accounts.id) + "
               "(SELECT coalesce(sum(size), 0) FROM sync_conflicts WHERE sync_conflicts.account_id = accounts.id)")


def downgrade() -> None:
    for table in ('sync_conflicts', 'sync_changes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('size')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('sync_bytes')
