"""The local SQLite database."""

# The newest Alembic revision in core/db/migrations/versions. Start-up compares the database with it so that
# the migration scripts are loaded only when there is something to upgrade; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0101"
DB_FILE = "sellerdesk.db"  # in the data dir
