"""The ``sellerdesk`` command line: every core capability, without loading Qt."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import core
from core.errors import SellerDeskError
from core.i18n import N_, _

log = logging.getLogger("sellerdesk.cli")

Handler = Callable[[argparse.Namespace, Any], int]


def json_parent() -> argparse.ArgumentParser:
    """A parent parser adding ``--json`` to a subcommand (it may also be given before the subcommand)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON instead of text")
    return parent


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (Decimals and dates as strings); indented only for a person's terminal."""
    # indent= forces json's pure-Python encoder: 10,000 products would cost a third of a second.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str) + "\n")


# A table column's heading: the column's key in capitals in English, in the interface language when the table is
# printed; the keys themselves (and --json, which scripts read) never change.
HEADINGS = {"amount": N_("AMOUNT"), "buyer": N_("BUYER"), "change": N_("CHANGE"),
            "commission_percent": N_("COMMISSION_PERCENT"), "computer": N_("COMPUTER"),
            "conversion": N_("CONVERSION"), "costs": N_("COSTS"), "currency": N_("CURRENCY"),
            "description": N_("DESCRIPTION"), "detail": N_("DETAIL"), "engagement": N_("ENGAGEMENT"),
            "field": N_("FIELD"), "figure": N_("FIGURE"), "id": N_("ID"), "images": N_("IMAGES"), "key": N_("KEY"),
            "kind": N_("KIND"), "last seen": N_("LAST SEEN"), "listing_fee": N_("LISTING_FEE"),
            "message": N_("MESSAGE"), "mine": N_("MINE"), "name": N_("NAME"), "note": N_("NOTE"),
            "orders": N_("ORDERS"), "platform": N_("PLATFORM"), "previous": N_("PREVIOUS"), "price": N_("PRICE"),
            "product": N_("PRODUCT"), "profit": N_("PROFIT"), "quantity": N_("QUANTITY"), "rate": N_("RATE"),
            "revenue": N_("REVENUE"), "roi": N_("ROI"), "sign-in ends": N_("SIGN-IN ENDS"), "since": N_("SINCE"),
            "sku": N_("SKU"), "source": N_("SOURCE"), "spent_on": N_("SPENT_ON"), "state": N_("STATE"),
            "status": N_("STATUS"), "stored": N_("STORED"), "theirs": N_("THEIRS"), "this period": N_("THIS PERIOD"),
            "time": N_("TIME"), "title": N_("TITLE"), "units": N_("UNITS"), "value": N_("VALUE"), "what": N_("WHAT"),
            "when": N_("WHEN"), "where": N_("WHERE")}


def heading(column: str) -> str:
    """The heading of the table column ``column`` in the interface language."""
    return _(HEADINGS[column]) if column in HEADINGS else column.upper()


PHOTOS = (N_("{count} photo"), N_("{count} photos"))  # for counted(n, *PHOTOS)


def counted(number: int, one: str, many: str) -> str:
    """``number`` with its noun in the interface language: ``one``/``many`` are N_-marked ("{count} photo")."""
    return _(one if number == 1 else many).format(count=number)


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Write rows as an aligned text table (for people; scripts use --json), headed in the interface language."""
    if not rows:
        return
    headings = {c: heading(c) for c in columns}
    widths = {c: max(len(headings[c]), *(len(str(r.get(c) if r.get(c) is not None else "")) for r in rows))
              for c in columns}
    widths = {c: min(w, 50) for c, w in widths.items()}
    lines = ["  ".join(headings[c].ljust(widths[c]) for c in columns)]
    for r in rows:
        cells = []
        for c in columns:
            text = str(r.get(c) if r.get(c) is not None else "")
            cells.append((text[: widths[c] - 1] + "…" if len(text) > widths[c] else text).ljust(widths[c]))
        lines.append("  ".join(cells).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def _config_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cfg = sub.add_parser("config", help="read and change settings")
    cfg_sub = cfg.add_subparsers(dest="action", required=True)
    p = cfg_sub.add_parser("list", parents=[json_parent()], help="every setting with its value and meaning")
    p.set_defaults(handler=_config_list)
    p = cfg_sub.add_parser("get", parents=[json_parent()], help="one setting's value")
    p.add_argument("key")
    p.set_defaults(handler=_config_get)
    p = cfg_sub.add_parser("set", parents=[json_parent()], help="change a setting")
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=_config_set)
    p = cfg_sub.add_parser("unset", help="return a setting to its default")
    p.add_argument("key")
    p.set_defaults(handler=_config_unset)
    from core.preferences.commands import add_secret_commands

    add_secret_commands(cfg_sub)


def _config_list(args: argparse.Namespace, app: Any) -> int:
    values = app.settings.all()
    if app.json:
        print_json([{"key": v.spec.key, "value": v.value, "default": v.spec.default, "source": v.source,
                     "type": v.spec.type, "description": v.spec.description} for v in values])
    else:
        print_table([{"key": v.spec.key, "value": v.value, "source": v.source, "description": v.spec.description}
                     for v in values], ["key", "value", "source", "description"])
    return 0


def _config_get(args: argparse.Namespace, app: Any) -> int:
    value = app.settings.resolve(args.key)
    if app.json:
        print_json({"key": args.key, "value": value.value, "source": value.source})
    else:
        print(value.value)
    return 0


def _config_set(args: argparse.Namespace, app: Any) -> int:
    stored = app.settings.set(args.key, args.value)
    if args.key == "publishing.background":  # the login entry follows the setting
        from core.autostart import apply

        sys.stderr.write(apply(app.data_dir, bool(stored)) + "\n")
    if app.json:
        print_json({"key": args.key, "value": stored})
    else:
        print(f"{args.key} = {stored}")
    return 0


def _config_unset(args: argparse.Namespace, app: Any) -> int:
    app.settings.unset(args.key)
    if args.key == "publishing.background":
        from core.autostart import apply

        sys.stderr.write(apply(app.data_dir, bool(app.settings.get(args.key))) + "\n")
    print(_("{key} is back to its default ({value})").format(key=args.key, value=app.settings.get(args.key)))
    return 0


# Each command group lives with its feature; only the group a command names is imported, so that
# `sellerdesk products list` never pays for Pillow, google-genai or httpx.
COMMAND_GROUPS = {
    "products": "core.products.commands",
    "images": "core.images.commands",
    "content": "core.content.commands",
    "platforms": "core.platforms.commands",
    "publish": "core.publishing.commands",
    "jobs": "core.publishing.commands",
    "run-scheduler": "core.publishing.commands",
    "analytics": "core.analytics.commands",
    "listings": "core.listings.commands",
    "stock": "core.listings.commands",
    "sales": "core.listings.commands",
    "engagement": "core.listings.commands",
    "config": "core.cli",
    "components": "core.components",
    "background": "core.autostart",
    "update": "core.updates",
    "doctor": "core.doctor",
    "data": "core.trust.commands",
    "sync": "core.sync.commands",
}


def _named_group(argv: Sequence[str]) -> str | None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--data-dir")
    pre.add_argument("--json", action="store_true")
    pre.add_argument("command", nargs="?")
    known, _ = pre.parse_known_args(list(argv))
    return known.command if known.command in COMMAND_GROUPS else None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``config`` command group (settings)."""
    _config_commands(sub)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command-line grammar: every group for help, or just the group ``argv`` names."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="sellerdesk",
        description="SellerDesk: photograph a product once, list and post it everywhere you sell. "
        "Without a command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"SellerDesk {core.__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep the database, images, logs and browser profiles in DIR "
                        "(default: SELLERDESK_DATA_DIR or the system's user data folder)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = _named_group(argv) if argv is not None else None
    for group, module in COMMAND_GROUPS.items():
        if named is None or group == named:
            importlib.import_module(module).register(sub)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed subcommand; SellerDesk errors become one line on stderr and exit status 1."""
    from core.app import App
    from core.logs import setup_logging, stop_logging

    app = None
    try:
        app = App(args.data_dir, json_output=args.json)
        setup_logging(app.logs_dir, app.settings.get("logging.level"))
        handler: Handler = args.handler
        code = handler(args, app)
        sys.stdout.flush()  # here, so a reader that went away is met by the handler below, not at exit
        return code
    except SellerDeskError as exc:
        log.warning("command failed: %s", exc)
        sys.stderr.write(f"sellerdesk: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return cancelled()
    except BrokenPipeError:
        return _pipe_closed()
    except EOFError:
        sys.stderr.write("sellerdesk: " + _("nothing to read: standard input is closed. Type the value at the "
                                            "prompt, or pipe it in (see the command's --help).") + "\n")
        return 1
    except Exception as exc:
        # A bug, not bad input: keep the details in the log, give the seller one line and where to look.
        log.exception("unexpected error in %s", args.command)
        where = app.logs_dir if app is not None else _("the log folder")
        sys.stderr.write("sellerdesk: " + _("unexpected error ({error}); details are in {folder}").format(
            error=type(exc).__name__, folder=where) + "\n")
        return 2
    finally:
        if app is not None:
            app.close()
        stop_logging()


def cancelled() -> int:
    """Ctrl+C: one line instead of a traceback, and 130 (128 + SIGINT) as a shell reports an interrupted command."""
    sys.stderr.write("sellerdesk: " + _("cancelled") + "\n")
    return 130


def _pipe_closed() -> int:
    """The reader went away (``sellerdesk … | head``): say nothing more, and keep Python from complaining at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, as a shell reports a command that wrote into a closed pipe


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sellerdesk COMMAND ...`` (without a command, print the help: the window lives in desktop/)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:  # Ctrl+C while the command's modules load, or while it closes down, is as quiet as during it
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return run_command(args)
    except KeyboardInterrupt:
        return cancelled()


if __name__ == "__main__":
    sys.exit(main())
