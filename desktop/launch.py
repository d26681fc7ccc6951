"""The ``sellerdesk`` entry point: a subcommand runs the command line (Qt never loads); none opens the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the CLI or the window. Qt is imported only on the window path."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--self-test"]:
        from desktop.self_test import run_self_test

        return run_self_test(argv[1:])
    try:  # Ctrl+C while a command's modules load, or while it closes down, is as quiet as during it
        from core.cli import build_parser, run_command

        if argv[:1] == ["--background"]:  # the login entry's runner (core/autostart.py): no window, a tray icon
            from desktop.background import run_background

            return run_background(build_parser(argv[1:]).parse_args(argv[1:]).data_dir)
        args = build_parser(argv).parse_args(argv)
        if args.command is not None:
            return run_command(args)
    except KeyboardInterrupt:
        from core.cli import cancelled

        return cancelled()
    from desktop.main import run_gui

    return run_gui(args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
