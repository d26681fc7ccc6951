"""a covering index for the product list: search-as-you-type reads the index, not every description

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_listing", ["updated_at", "id", "deleted_at", "title", "sku", "category", "status"]
        )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_listing")
