"""listings: every product live on a platform with what was last sent there; follow-up jobs (update, stock,
take-down, relist) on the same queue; sales taken off stock once; when sales and engagement were last fetched

Revision ID: 0060
Revises: 0050
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "0060"
down_revision = "0050"
branch_labels = None
depends_on = None

_OPEN = "state NOT IN ('published', 'cancelled')"


def upgrade() -> None:
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("remote_id", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("pending", sa.String(length=20), nullable=True),
        sa.Column("sent_price", core.db.types.Money(), nullable=False),
        sa.Column("sent_quantity", sa.Integer(), nullable=False),
        sa.Column("sent_copy", sa.String(length=64), nullable=False),
        sa.Column("check_needed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("engagement_error", sa.Text(), nullable=True),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "remote_id"),
    )
    op.create_index("ix_listings_product", "listings", ["product_id", "platform"])
    op.create_index("ix_listings_check", "listings", ["check_needed"])
    # ADD COLUMN, not a batch copy: copying would drop the partial unique indexes' WHERE clauses.
    op.add_column("publish_jobs", sa.Column("action", sa.String(length=20), nullable=False,
                                            server_default="publish"))
    # Alembic's add_column cannot name a foreign key on SQLite; SQLite itself can, for a column that starts NULL.
    op.execute("ALTER TABLE publish_jobs ADD COLUMN listing_id INTEGER REFERENCES listings (id) ON DELETE CASCADE")
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute(f"CREATE UNIQUE INDEX uq_publish_jobs_open ON publish_jobs "
               f"(product_id, platform, coalesce(listing_id, 0)) WHERE {_OPEN}")
    # Sales recorded before stock was kept in step are history: they must not lower today's counts again.
    op.add_column("sale_events", sa.Column("stock_applied", sa.Boolean(), nullable=False,
                                           server_default=sa.text("0")))
    op.execute("UPDATE sale_events SET stock_applied = 1")
    # The runner asks every few seconds whether any sale waits to be counted: a partial index answers at once.
    op.execute("CREATE INDEX ix_sale_events_unapplied ON sale_events (id) WHERE stock_applied = 0")
    op.add_column("platform_connections", sa.Column("sales_checked_at", core.db.types.UTCDateTime(), nullable=True))
    op.add_column("platform_connections", sa.Column("engagement_checked_at", core.db.types.UTCDateTime(),
                                                    nullable=True))
    # Every product already published gets its listing; what was sent is taken to be the product as it is now.
    op.execute("""
        INSERT INTO listings (product_id, platform, remote_id, url, state, sent_price, sent_quantity, sent_copy,
                              check_needed, published_at, job_id, created_at, updated_at)
        SELECT j.product_id, j.platform, j.remote_id, j.remote_url, 'live', p.price, p.quantity, '', 0,
               coalesce(j.published_at, j.updated_at), j.id, j.updated_at, j.updated_at
        FROM publish_jobs j JOIN products p ON p.id = j.product_id
        WHERE j.state = 'published' AND j.remote_id IS NOT NULL
        GROUP BY j.platform, j.remote_id
    """)


def downgrade() -> None:
    op.drop_column("platform_connections", "engagement_checked_at")
    op.drop_column("platform_connections", "sales_checked_at")
    op.drop_index("ix_sale_events_unapplied", table_name="sale_events")
    op.drop_column("sale_events", "stock_applied")
    op.drop_index("uq_publish_jobs_open", table_name="publish_jobs")
    op.execute("DELETE FROM publish_jobs WHERE action != 'publish'")
    with op.batch_alter_table("publish_jobs") as batch_op:
        batch_op.drop_column("listing_id")
        batch_op.drop_column("action")
    op.execute(f"CREATE UNIQUE INDEX uq_publish_jobs_open ON publish_jobs (product_id, platform) WHERE {_OPEN}")
    op.drop_index("ix_listings_check", table_name="listings")
    op.drop_index("ix_listings_product", table_name="listings")
    op.drop_table("listings")
