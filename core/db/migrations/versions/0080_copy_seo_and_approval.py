"""listing copy: a web shop's SEO title and meta description, and the product facts an approval was given for

Revision ID: 0080
Revises: 0070
Create Date: 2026-12-03 03:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0080"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("content_drafts", sa.Column("seo_title", sa.Text(), nullable=False, server_default=""))
    op.add_column("content_drafts", sa.Column("seo_description", sa.Text(), nullable=False, server_default=""))
    op.add_column("content_drafts", sa.Column("approved_facts", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_drafts") as batch:
        batch.drop_column("approved_facts")
        batch.drop_column("seo_description")
        batch.drop_column("seo_title")
