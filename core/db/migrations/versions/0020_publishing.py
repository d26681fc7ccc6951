"""publishing: retry time, live note, unknown-outcome flag, attempt and publish times, one open job per product and
platform, and the stored history of every job transition

Revision ID: 0020
Revises: 0010
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publish_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_at", core.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("outcome_unknown", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("started_at", core.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("published_at", core.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index("uq_publish_jobs_open", ["product_id", "platform"], unique=True,
                              sqlite_where=sa.text("state NOT IN ('published', 'cancelled')"))
    op.create_table(
        "publish_job_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.types.UTCDateTime(), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=False),
        sa.Column("to_state", sa.String(length=30), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["publish_jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publish_job_events", schema=None) as batch_op:
        batch_op.create_index("ix_publish_job_events_job", ["job_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publish_job_events", schema=None) as batch_op:
        batch_op.drop_index("ix_publish_job_events_job")
    op.drop_table("publish_job_events")
    with op.batch_alter_table("publish_jobs", schema=None) as batch_op:
        batch_op.drop_index("uq_publish_jobs_open", sqlite_where=sa.text("state NOT IN ('published', 'cancelled')"))
        batch_op.drop_column("published_at")
        batch_op.drop_column("started_at")
        batch_op.drop_column("outcome_unknown")
        batch_op.drop_column("note")
        batch_op.drop_column("retry_at")
