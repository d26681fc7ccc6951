"""``sellerdesk data ...``: export everything, empty the bin, delete or restore all data, backups, the audit log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.errors import ValidationError
from core.i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``data`` command group."""
    data = sub.add_parser("data", help="export, delete and restore your data; backups; the audit log")
    dsub = data.add_subparsers(dest="action", required=True)

    p = dsub.add_parser("export", parents=[json_parent()], help="write everything you own to a zip file")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=_export)

    p = dsub.add_parser("purge", parents=[json_parent()],
                        help="remove for good what was deleted more than 30 days ago (--now: all of it)")
    p.add_argument("--now", action="store_true")
    p.set_defaults(handler=_purge)

    p = dsub.add_parser("delete-all", help="move all data to the trash (restorable for 30 days)")
    p.add_argument("--yes", action="store_true", help="confirm")
    p.set_defaults(handler=_delete_all)

    p = dsub.add_parser("restore-all", help="bring back data deleted with delete-all")
    p.add_argument("--set", help="which deleted set (default: the newest)")
    p.set_defaults(handler=_restore_all)

    p = dsub.add_parser("backups", parents=[json_parent()], help="check the database and list its backups")
    p.set_defaults(handler=_backups)

    p = dsub.add_parser("audit", parents=[json_parent()], help="who used secrets, published, exported, deleted")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--category", choices=["secrets", "publishing", "stock", "data"],
                   help="only keys and passwords, publishing, stock or your data")
    p.add_argument("--search", default="", help="only entries whose words hold this text")
    p.set_defaults(handler=_audit)


def _export(args: argparse.Namespace, app: Any) -> int:
    from core.trust.export import export_all

    path = export_all(app, args.file)
    if app.json:
        print_json({"file": str(path), "bytes": path.stat().st_size})
    else:
        print(_("Wrote {file} ({size} MB). It opens without SellerDesk: see README.txt inside.").format(
            file=path, size=f"{path.stat().st_size / 1e6:.1f}"))
    return 0


def _purge(args: argparse.Namespace, app: Any) -> int:
    from core.trust.deletion import purge

    report = purge(app, everything=args.now)
    if app.json:
        print_json(vars(report))
    else:
        print(_("Removed for good: {products} products, {photos} photos, {sets} deleted data sets.").format(
            products=report.products, photos=report.photos, sets=report.trashed_sets))
    return 0


def _delete_all(args: argparse.Namespace, app: Any) -> int:
    from core.trust.deletion import delete_all_data

    if not args.yes:
        raise ValidationError(_("Deleting all data needs --yes."),
                              hint=_("It can be undone for 30 days with: sellerdesk data restore-all"))
    target = delete_all_data(app)
    print(_("All data moved to {folder}, with this folder's secrets (tokens, API keys). Undo within 30 days: "
            "sellerdesk data restore-all (or remove it for good now: sellerdesk data purge --now)").format(
        folder=target))
    return 0


def _restore_all(args: argparse.Namespace, app: Any) -> int:
    from core.trust.deletion import restore_all_data

    app.close()
    restore_all_data(app.data_dir, args.set)
    print(_("Your data is back."))
    return 0


def _backups(args: argparse.Namespace, app: Any) -> int:
    from core.trust.backup import daily_backups, daily_maintenance

    done = daily_maintenance(app.data_dir)
    backups = daily_backups(app.data_dir)
    if app.json:
        print_json({"integrity": done.integrity, "backups": [str(b) for b in backups]})
    else:
        print(_("Database check: {result}").format(result=done.integrity))
        for backup in backups:
            print(f"  {backup}")
    return 0 if done.healthy else 1


def _audit(args: argparse.Namespace, app: Any) -> int:
    from core.analytics.periods import zone
    from core.trust.audit import recent_events
    from core.trust.audit_text import plain_lines

    prefixes = {"secrets": ("secret",), "publishing": ("listing", "platform"), "stock": ("stock",),
                "data": ("data", "products")}.get(args.category or "", ("",))
    events = [e for e in recent_events(app.db, args.limit if not args.search else 5000)
              if e["kind"].startswith(prefixes)]
    lines = plain_lines(app.db, events, zone(app.settings.get("general.timezone")))
    chosen = [(e, line) for e, line in zip(events, lines, strict=True) if line.matches(text=args.search)]
    chosen = chosen[:args.limit]
    if app.json:
        print_json([{**e, "what": line.what} for e, line in chosen])
    else:
        print_table([{"when": line.when, "what": line.what} for _e, line in chosen], ["when", "what"])
    return 0
