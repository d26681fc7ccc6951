"""product cost price: what one item costs the seller, for gross profit in Analytics

Revision ID: 0070
Revises: 0060
Create Date: 2026-12-03 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "0070"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: copying would drop the partial unique index on live SKUs.
    op.add_column("products", sa.Column("cost_price", core.db.types.Money(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("cost_price")
