"""sync: a global id (UUID) on every synced row, the outbox of local changes, what the service holds of each
record, conflicts kept for the seller, and this data dir's sync state

Revision ID: 0050
Revises: 0020
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "0050"
down_revision = "0020"
branch_labels = None
depends_on = None

_SYNCED = ("products", "product_images", "content_drafts", "publish_jobs")


def upgrade() -> None:
    conn = op.get_bind()
    for table in _SYNCED:
        # ADD COLUMN, not a batch copy: copying would drop the partial unique indexes' WHERE clauses.
        op.add_column(table, sa.Column("sync_id", sa.String(length=36), nullable=True))
        ids = conn.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()  # noqa: S608 (fixed table names)
        if ids:
            conn.execute(sa.text(f"UPDATE {table} SET sync_id = :sync_id WHERE id = :id"),  # noqa: S608
                         [{"id": row_id, "sync_id": str(uuid.uuid4())} for row_id in ids])
        op.create_index(f"ix_{table}_sync_id", table, ["sync_id"], unique=True)

    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("change_id"),
    )
    op.create_index("ix_sync_outbox_record", "sync_outbox", ["sync_id", "id"], unique=False)
    op.create_table(
        "sync_records",
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sync_id"),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("conflict_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("mine_data", sa.JSON(), nullable=False),
        sa.Column("mine_deleted", sa.Boolean(), nullable=False),
        sa.Column("mine_device", sa.String(length=100), nullable=False),
        sa.Column("theirs_data", sa.JSON(), nullable=False),
        sa.Column("theirs_deleted", sa.Boolean(), nullable=False),
        sa.Column("theirs_version", sa.Integer(), nullable=False),
        sa.Column("local_only", sa.Boolean(), nullable=False),
        sa.Column("created_at", core.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id"),
    )
    op.create_index("ix_sync_conflicts_sync_id", "sync_conflicts", ["sync_id"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
    op.drop_index("ix_sync_conflicts_sync_id", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_records")
    op.drop_index("ix_sync_outbox_record", table_name="sync_outbox")
    op.drop_table("sync_outbox")
    for table in reversed(_SYNCED):
        op.drop_index(f"ix_{table}_sync_id", table_name=table)
        # DROP COLUMN (SQLite 3.35+) keeps the table and its partial indexes as they are.
        op.drop_column(table, "sync_id")
