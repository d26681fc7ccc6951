"""photos get alt text (Pinterest and Instagram accept it; screen readers need it)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alt_text", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("product_images", schema=None) as batch_op:
        batch_op.drop_column("alt_text")
