"""schedules on every computer: a publish job names the computer that publishes it, and a move asked for

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-03 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0090"
branch_labels = None
depends_on = None

_COLUMNS = (("owner_device", 36), ("owner_name", 100), ("move_to", 36), ("move_to_name", 100))


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: copying would drop the partial unique index on open jobs. Existing jobs keep
    # no owner, which means this computer's.
    for name, length in _COLUMNS:
        op.add_column("publish_jobs", sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    for name, _length in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE publish_jobs DROP COLUMN {name}")
