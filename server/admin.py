"""``python -m server.admin``: operator commands, run with the service's own environment (or ``--data-dir``).

    python -m server.admin accounts                       # every account: id, email, devices, storage, state
    python -m server.admin disable seller@example.com     # no sign-in, no sync; its devices are signed out
    python -m server.admin enable seller@example.com
    python -m server.admin export seller@example.com out.zip   # records, conflicts, devices, photos
    python -m server.admin delete seller@example.com --yes     # everything, photos and media included
    python -m server.admin after-restore                  # after putting a database backup back
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from server.app import DATA_DIR_ENV
from server.config import ConfigError, ServerConfig, config_from_env
from server.db import Database, migrate
from server.models import Account, AuthSession, Blob, Device, SyncConflict, SyncHead, utcnow
from server.quota import stored_bytes
from server.storage import account_prefixes, blob_key, open_store
from server.sync_engine import current_records


class AdminError(Exception):
    """A command that cannot be done as asked; the message says why."""


def after_restore(db: Database) -> int:
    """Give every account a new sync epoch, so each device compares all its records with the restored data
    (and sends back what the backup lacks) at its next round. Returns how many accounts were marked."""
    with db.writer() as session:
        result = session.execute(update(Account).values(sync_epoch=secrets.token_hex(8)))
        return int(result.rowcount)  # type: ignore[attr-defined]


def list_accounts(db: Database) -> list[dict[str, Any]]:
    """Every account with its devices, storage used and whether it is disabled."""
    with db.reader() as session:
        devices = dict(session.execute(select(Device.account_id, func.count()).group_by(Device.account_id)).all())
        return [{"id": account.id, "email": account.email, "created_at": account.created_at.isoformat(),
                 "devices": devices.get(account.id, 0), "storage_bytes": stored_bytes(session, account.id),
                 "disabled": account.disabled_at is not None}
                for account in session.scalars(select(Account).order_by(Account.id))]


def _account_id(db: Database, email: str) -> int:
    with db.reader() as session:
        found = session.scalar(select(Account.id).where(Account.email == email.strip().lower()))
    if found is None:
        raise AdminError(f"There is no account {email}.")
    return found


def set_disabled(db: Database, email: str, disabled: bool) -> None:
    """Disable (sign every device out, refuse sign-in and sync) or enable an account."""
    account_id = _account_id(db, email)
    now = utcnow()
    with db.writer() as session:
        session.execute(update(Account).where(Account.id == account_id).values(disabled_at=now if disabled else None))
        if disabled:
            session.execute(update(AuthSession).where(AuthSession.account_id == account_id,
                                                      AuthSession.revoked_at.is_(None))
                            .values(revoked_at=now, revoked_reason="disabled"))


def export_account(db: Database, config: ServerConfig, email: str, target: Path) -> int:
    """Write the account's records as they stand, open conflicts, devices and backed-up photos to a zip.
    Returns how many records it holds."""
    account_id = _account_id(db, email)
    store = open_store(config)
    with db.reader() as session:
        account = session.get(Account, account_id)
        assert account is not None
        heads = current_records(session, account_id, session.scalars(
            select(SyncHead.record_id).where(SyncHead.account_id == account_id)))
        conflicts = session.scalars(select(SyncConflict).where(SyncConflict.account_id == account_id,
                                                               SyncConflict.resolved_at.is_(None))).all()
        devices = session.scalars(select(Device).where(Device.account_id == account_id)).all()
        blobs = session.scalars(select(Blob).where(Blob.account_id == account_id)).all()
        summary = {
            "email": account.email, "created_at": account.created_at.isoformat(),
            "devices": [{"id": d.device_uid, "name": d.name, "last_seen_at": d.last_seen_at.isoformat()}
                        for d in devices],
            "records": [r.model_dump(mode="json") for r in heads.values() if not r.deleted],
            "conflicts": [{"id": c.id, "kind": c.kind, "record": c.record_id, "deleted": c.deleted, "data": c.data,
                           "created_at": c.created_at.isoformat()} for c in conflicts],
            "photos": [{"sha256": b.sha256, "size": b.size, "content_type": b.content_type} for b in blobs],
        }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", json.dumps(summary, indent=1, ensure_ascii=False))
        for blob in blobs:
            try:
                pieces = store.chunks(blob_key(account_id, blob.sha256))
            except FileNotFoundError:
                continue  # listed in account.json; the bytes are gone
            with archive.open(f"photos/{blob.sha256}", "w", force_zip64=True) as member:
                for chunk in pieces:
                    member.write(chunk)
    return len(summary["records"])


def delete_account(db: Database, config: ServerConfig, email: str) -> None:
    """Delete the account and everything stored with it (rows cascade; photos and media files go too)."""
    account_id = _account_id(db, email)
    with db.writer() as session:
        session.execute(delete(Account).where(Account.id == account_id))
    store = open_store(config)
    for prefix in account_prefixes(account_id):
        store.delete_prefix(prefix)


def _run(args: argparse.Namespace, db: Database, config: ServerConfig) -> str:
    if args.command == "accounts":
        rows = list_accounts(db)
        if args.json:
            return json.dumps(rows, indent=1)
        lines = [f"{'id':>6}  {'email':40} {'devices':>7} {'storage':>14}  state"]
        lines += [f"{r['id']:>6}  {r['email']:40} {r['devices']:>7} {r['storage_bytes']:>14,}  "
                  f"{'disabled' if r['disabled'] else 'active'}" for r in rows]
        return "\n".join(lines)
    if args.command in ("disable", "enable"):
        set_disabled(db, args.email, args.command == "disable")
        return f"{args.email} {args.command}d."
    if args.command == "export":
        count = export_account(db, config, args.email, args.target)
        return f"{count} records of {args.email} written to {args.target}."
    if args.command == "delete":
        if not args.yes:
            raise AdminError("Deleting an account cannot be undone: add --yes.")
        delete_account(db, config, args.email)
        return f"{args.email} and everything stored with it deleted."
    count = after_restore(db)
    return f"{count} accounts marked as restored: every device compares its records at its next sync."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m server.admin", description="SellerDesk service administration.")
    parser.add_argument("--data-dir", type=Path, help="the one-machine server's data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("accounts", help="list every account")
    listing.add_argument("--json", action="store_true")
    for name, summary in (("disable", "sign an account out everywhere and refuse it"), ("enable", "allow it again"),
                          ("delete", "delete an account and everything in it")):
        command = commands.add_parser(name, help=summary)
        command.add_argument("email")
        if name == "delete":
            command.add_argument("--yes", action="store_true", help="yes, for good")
    export = commands.add_parser("export", help="write an account's data to a zip")
    export.add_argument("email")
    export.add_argument("target", type=Path)
    commands.add_parser("after-restore", help="mark every account as restored from a backup")
    return parser


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    """Parse the command line and run one command against the configured database (migrated first)."""
    args = _parser().parse_args(argv)
    data_dir = args.data_dir or (Path(os.environ[DATA_DIR_ENV]) if os.environ.get(DATA_DIR_ENV) else None)
    try:
        config = config_from_env(os.environ, data_dir)
    except ConfigError as exc:
        print(f"server.admin: {exc}", file=sys.stderr)
        return 2
    db = Database(config.database_url, pool_size=1)
    try:
        migrate(db)
        out(_run(args, db, config))
        return 0
    except AdminError as exc:
        print(f"server.admin: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
