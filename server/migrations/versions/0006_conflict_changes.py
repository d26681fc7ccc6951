"""sync_conflicts.listed_version and accounts.conflicts_floor: a device is sent only the conflicts that changed
since the list it holds

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflicts_floor', sa.BigInteger(), server_default='0', nullable=False))
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed_version', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index('ix_sync_conflicts_listed', ['account_id', 'listed_version'], unique=False)
    # Nothing that changed before now was stamped: a list a device holds from before is sent again whole.
    op.execute("UPDATE accounts SET conflicts_floor = conflicts_version")


def downgrade() -> None:
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflicts_listed')
        batch_op.drop_column('listed_version')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('conflicts_floor')
