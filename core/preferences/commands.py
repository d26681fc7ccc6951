"""``sellerdesk config set-secret`` and ``config secrets``: the Settings window's secrets, from a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from core.cli import json_parent, print_json, print_table
from core.i18n import _
from core.preferences.layout import SECRETS
from core.preferences.secrets import forget_secret, secret_field, store_secret, stored_secrets


def add_secret_commands(cfg_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``set-secret``, ``unset-secret`` and ``secrets`` to the ``config`` group."""
    p = cfg_sub.add_parser("set-secret", help="store a key or app secret in the keychain (typed at a hidden prompt, "
                                              "or read from standard input)")
    p.add_argument("name", help=", ".join(field.name for field in SECRETS))
    p.set_defaults(handler=_set_secret)
    p = cfg_sub.add_parser("unset-secret", help="remove a key or app secret from the keychain")
    p.add_argument("name")
    p.set_defaults(handler=_unset_secret)
    p = cfg_sub.add_parser("secrets", parents=[json_parent()], help="which keys and app secrets are stored "
                                                                    "(never their values)")
    p.set_defaults(handler=_list_secrets)


def _set_secret(args: argparse.Namespace, app: Any) -> int:
    field = secret_field(args.name)
    if sys.stdin.isatty():
        value = getpass.getpass(_("{label} (not shown as you type)").format(label=_(field.place.label)) + ": ")
    else:
        value = sys.stdin.readline()
    store_secret(app.secrets, args.name, value)
    print(_("{label} is stored in {place}.").format(label=_(field.place.label), place=app.secrets.location))
    return 0


def _unset_secret(args: argparse.Namespace, app: Any) -> int:
    forget_secret(app.secrets, args.name)
    print(_("{label} is no longer stored.").format(label=_(secret_field(args.name).place.label)))
    return 0


def _list_secrets(args: argparse.Namespace, app: Any) -> int:
    stored = stored_secrets(app.secrets)
    if app.json:
        print_json([{"name": f.name, "stored": stored[f.name], "where": f.place.path} for f in SECRETS])
    else:
        print_table([{"name": f.name, "stored": "stored" if stored[f.name] else "-", "where": f.place.path}
                     for f in SECRETS], ["name", "stored", "where"])
    return 0
