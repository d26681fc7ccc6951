"""``sellerdesk sync ...``: sign in or register, sync now, status, conflicts and their resolution, this computer's
name and the account's computers, sign out."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from core.cli import PHOTOS, counted, json_parent, print_json, print_table
from core.errors import NotFound, ValidationError
from core.i18n import N_, _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sync`` command group."""
    sync = sub.add_parser("sync", help="sync between your computers through a SellerDesk account (optional)")
    ssub = sync.add_subparsers(dest="action", required=True)

    for name, text in (("signin", "sign this computer in (the password is read from stdin or asked for)"),
                       ("register", "create an account and sign this computer in")):
        p = ssub.add_parser(name, parents=[json_parent()], help=text)
        p.add_argument("--email", required=True)
        p.add_argument("--server", metavar="URL", help="the sync service's address (saved as sync.server_url)")
        p.set_defaults(handler=_sign_in, create=name == "register")

    p = ssub.add_parser("resend", help="email the link that confirms this account's address again")
    p.set_defaults(handler=_resend)
    p = ssub.add_parser("reset-password", help="forgot the password: --email asks for a code by email, --code "
                                               "sets a new password with it (read from stdin or asked for)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--email", help="the account's address: a reset code is emailed to it")
    how.add_argument("--code", help="the code from the reset email")
    p.add_argument("--server", metavar="URL", help="the sync service's address (saved as sync.server_url)")
    p.set_defaults(handler=_reset_password)

    p = ssub.add_parser("now", parents=[json_parent()], help="send changes and fetch the other computers' now")
    p.set_defaults(handler=_now)
    p = ssub.add_parser("status", parents=[json_parent()], help="signed in or not, changes waiting, last sync")
    p.set_defaults(handler=_status)
    p = ssub.add_parser("conflicts", parents=[json_parent()], help="edits that met another computer's")
    p.set_defaults(handler=_conflicts)
    p = ssub.add_parser("resolve", parents=[json_parent()], help="settle a conflict by keeping one side")
    p.add_argument("id", help="the conflict's id (or its first characters)")
    p.add_argument("--keep", required=True, choices=["mine", "theirs"],
                   help="mine: the edit set aside; theirs: the version that stands now")
    p.set_defaults(handler=_resolve)
    p = ssub.add_parser("rename", parents=[json_parent()],
                        help="name this computer as your other computers show it (\"scheduled on Shop PC\")")
    p.add_argument("name", help="the new name, e.g. \"Shop PC\" (100 characters at most)")
    p.set_defaults(handler=_rename)
    p = ssub.add_parser("devices", parents=[json_parent()], help="the computers signed in to your account")
    p.set_defaults(handler=_devices)
    p = ssub.add_parser("signout", help="forget this computer's session (your data stays here)")
    p.set_defaults(handler=_sign_out)


def _password(create: bool) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(_("Password") + ": ")
    if create and getpass.getpass(_("Password again") + ": ") != password:
        raise ValidationError(_("The two passwords differ."), field="password")
    return password


def _sign_in(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount

    email = SyncAccount(app).sign_in(args.email, _password(args.create), create=args.create, server_url=args.server)
    if app.json:
        print_json({"email": email, "server_url": app.settings.get("sync.server_url")})
    elif args.create:
        print(_("Signed in as {email}. Check your email and open the link that confirms your address; sync starts "
                "then (sellerdesk sync now). No email? sellerdesk sync resend").format(email=email))
    else:
        print(_("Signed in as {email}. Sync now with: sellerdesk sync now").format(email=email))
    return 0


def _resend(_args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount

    print(SyncAccount(app).resend_verification())
    return 0


def _reset_password(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount

    account = SyncAccount(app)
    if args.email:
        print(account.request_password_reset(args.email, server_url=args.server))
        print(_("Then: sellerdesk sync reset-password --code CODE (the new password is read from stdin or asked "
                "for)"))
        return 0
    account.reset_password(args.code, _password(create=True), server_url=args.server)
    print(_("The password is changed and every computer is signed out. Sign in with: sellerdesk sync signin "
            "--email YOU@EXAMPLE.COM"))
    return 0


def _now(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount
    from core.sync.engine import sync_now
    from core.sync.status import read_status

    report = sync_now(SyncAccount(app))
    status = read_status(app)
    if app.json:
        print_json({**report.to_json(), "status": status.to_json()})
    else:
        print(_("Sent {changes} and {photos}; received {changes_in} and {photos_in}. {status}.").format(
            changes=_changes(report.pushed), photos=_photos(report.photos_up), changes_in=_changes(report.pulled),
            photos_in=_photos(report.photos_down), status=status.summary))
    return 0


def _changes(number: int) -> str:
    return counted(number, N_("{count} change"), N_("{count} changes"))


def _photos(number: int) -> str:
    return counted(number, *PHOTOS)


def _status(args: argparse.Namespace, app: Any) -> int:
    from core.sync.status import read_status

    status = read_status(app)
    if app.json:
        print_json(status.to_json())
    else:
        print(f"{status.summary}. {status.detail}")
    return 0


def _conflicts(args: argparse.Namespace, app: Any) -> int:
    from core.sync.conflicts import list_conflicts

    conflicts = list_conflicts(app.db)
    if app.json:
        print_json([c.to_json() for c in conflicts])
        return 0
    if not conflicts:
        print(_("No conflicts."))
        return 0
    for conflict in conflicts:
        print(f"{conflict.conflict_id[:8]}  {conflict.label}  " + _("(set aside from {computer})").format(
            computer=conflict.mine_device or _("a computer")))
        print_table([{"field": name, "mine": mine, "theirs": theirs}
                     for name, mine, theirs in conflict.differences() if mine != theirs], ["field", "mine", "theirs"])
    print(_("Keep one side with: sellerdesk sync resolve ID --keep mine|theirs"))
    return 0


def _resolve(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount
    from core.sync.conflicts import list_conflicts, resolve

    matches = [c for c in list_conflicts(app.db) if c.conflict_id.startswith(args.id)]
    if len(matches) != 1:
        raise NotFound(_("No single conflict has an id starting {id} ({count} do).").format(
            id=repr(args.id), count=len(matches)), hint=_("See them with: sellerdesk sync conflicts"))
    resolve(SyncAccount(app), matches[0].conflict_id, args.keep)
    if app.json:
        print_json({"id": matches[0].conflict_id, "kept": args.keep})
    else:
        print(_("Kept {side} for {what}.").format(side=args.keep, what=matches[0].label))
    return 0


def _rename(args: argparse.Namespace, app: Any) -> int:
    from core.sync.devices import rename

    name = rename(app.db, args.name)
    if app.json:
        print_json({"name": name})
    else:
        print(_("This computer is now called {name}. Your other computers show the new name once this computer "
                "and they have synced (sellerdesk sync now).").format(name=repr(name)))
    return 0


def _devices(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount
    from core.sync.devices import account_devices

    devices = account_devices(SyncAccount(app))
    if app.json:
        print_json([{"id": d.id, "name": d.name, "last_seen_at": d.last_seen_at.isoformat(), "current": d.current}
                    for d in devices])
        return 0
    print_table([{"computer": d.name + (" " + _("(this computer)") if d.current else ""),
                  "last seen": d.last_seen_at.strftime("%Y-%m-%d %H:%M UTC")} for d in devices],
                ["computer", "last seen"])
    print(_("Rename this computer with: sellerdesk sync rename \"NEW NAME\""))
    return 0


def _sign_out(args: argparse.Namespace, app: Any) -> int:
    from core.sync.account import SyncAccount

    SyncAccount(app).sign_out()
    print(_("Signed out. Your data stays on this computer; sign in again to carry on syncing."))
    return 0
