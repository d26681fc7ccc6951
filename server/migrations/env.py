"""Alembic environment: the service runs migrations itself, on the connection it hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from server.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things, so column changes copy the table.
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # developer use: `alembic` pointed at a scratch database to autogenerate a revision
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        _run(conn)
