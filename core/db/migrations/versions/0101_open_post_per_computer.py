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
# Not possibly out already (rivals' "started": being published, or its outcome unknown), for job table ``t``.
_WAITING = "NOT ({t}.state = 'publishing' OR coalesce({t}.outcome_unknown, 0) = 1)"
_INDEX = "CREATE UNIQUE INDEX uq_publish_jobs_open ON publish_jobs ({columns}) WHERE " + _OPEN


def upgrade() -> None:
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute(_INDEX.format(columns="product_id, platform, coalesce(listing_id, 0), coalesce(owner_device, '')"))


def downgrade() -> None:
    # Of two computers' open posts of one product and platform, the one held back is cancelled: the index allows
    # one. As core.publishing.rivals decides, one that may be out already (being published, or its outcome unknown)
    # is kept first (else the other would go out a second time), then the one scheduled first.
    first = "(" + _WAITING.format(t="other") + ", other.created_at, other.id) < (" \
        + _WAITING.format(t="publish_jobs") + ", publish_jobs.created_at, publish_jobs.id)"
    op.execute(f"""
        UPDATE publish_jobs SET state = 'cancelled'
        WHERE {_OPEN} AND EXISTS (
            SELECT 1 FROM publish_jobs AS other
            WHERE other.product_id = publish_jobs.product_id AND other.platform = publish_jobs.platform
              AND coalesce(other.listing_id, 0) = coalesce(publish_jobs.listing_id, 0)
              AND other.state NOT IN ('published', 'cancelled') AND {first})
    """)  # noqa: S608 -- built from this module's constants only
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute(_INDEX.format(columns="product_id, platform, coalesce(listing_id, 0)"))
