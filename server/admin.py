"""``python -m server.admin``: operator commands, run with the service's own environment (or ``--data-dir``).

    python -m server.admin after-restore     # after putting a database backup back (see docs/operations.md)
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update

from server.app import DATA_DIR_ENV
from server.config import ConfigError, ServerConfig, config_from_env
from server.db import Database, migrate
from server.models import Account


def after_restore(db: Database) -> int:
    """Give every account a new sync epoch, so each device compares all its records with the restored data
    (and sends back what the backup lacks) at its next round. Returns how many accounts were marked."""
    with db.writer() as session:
        result = session.execute(update(Account).values(sync_epoch=secrets.token_hex(8)))
        return int(result.rowcount)  # type: ignore[attr-defined]


def _after_restore(db: Database, _config: ServerConfig, _args: argparse.Namespace) -> int:
    count = after_restore(db)
    print(f"{count} accounts marked as restored: every device compares its records at its next sync.")
    return 0


COMMANDS: dict[str, tuple[str, Callable[[Database, ServerConfig, argparse.Namespace], int]]] = {
    "after-restore": ("mark every account as restored from a backup", _after_restore),
}


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command against the configured database (migrated first)."""
    parser = argparse.ArgumentParser(prog="python -m server.admin", description="SellerDesk service administration.")
    parser.add_argument("--data-dir", type=Path, help="the one-machine server's data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (summary, _) in COMMANDS.items():
        commands.add_parser(name, help=summary)
    args = parser.parse_args(argv)
    data_dir = args.data_dir or (Path(os.environ[DATA_DIR_ENV]) if os.environ.get(DATA_DIR_ENV) else None)
    try:
        config = config_from_env(os.environ, data_dir)
    except ConfigError as exc:
        print(f"server.admin: {exc}", file=sys.stderr)
        return 2
    db = Database(config.database_url, pool_size=1)
    try:
        migrate(db)
        return COMMANDS[args.command][1](db, config, args)
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
