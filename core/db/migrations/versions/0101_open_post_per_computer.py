"""one open post of a product per platform per computer: two computers' posts scheduled before they synced are
both kept (one is held back, core.publishing.rivals) instead of one being merged away

Revision ID: 0101
Revises: 0100
Create Date: 2026-12-03 10:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None

_OPEN = "state NOT IN ('published', 'cancelled')"
_INDEX = "CREATE UNIQUE INDEX uq_publish_jobs_open ON publish_jobs ({columns}) WHERE " + _OPEN


def upgrade() -> None:
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute(_INDEX.format(columns="product_id, platform, coalesce(listing_id, 0), coalesce(owner_device, '')"))


def downgrade() -> None:
    # Of two computers' open posts of one product and platform, the one held back is cancelled: the index allows
    # one. Which one is held back is decided in core.publishing.rivals; here the later scheduled one is cancelled.
    op.execute(f"""
        UPDATE publish_jobs SET state = 'cancelled'
        WHERE {_OPEN} AND EXISTS (
            SELECT 1 FROM publish_jobs AS other
            WHERE other.product_id = publish_jobs.product_id AND other.platform = publish_jobs.platform
              AND coalesce(other.listing_id, 0) = coalesce(publish_jobs.listing_id, 0)
              AND other.state NOT IN ('published', 'cancelled')
              AND (other.created_at, other.id) < (publish_jobs.created_at, publish_jobs.id))
    """)  # noqa: S608 -- built from this module's constant only
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute(_INDEX.format(columns="product_id, platform, coalesce(listing_id, 0)"))
