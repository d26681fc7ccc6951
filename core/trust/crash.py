"""Crash reports: any uncaught error (main or worker thread) is saved without secrets, for the seller to send."""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import core
from core.logs import redact

CRASH_DIR = "crash-reports"
log = logging.getLogger(__name__)


def write_report(data_dir: Path, exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None, thread: str = "main") -> Path:
    """Save a crash report: version, system, thread and traceback, with credentials and the home folder masked."""
    folder = data_dir / CRASH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    text = "\n".join([
        f"SellerDesk {core.__version__} crash report ({stamp})",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Thread: {thread}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)),
    ])
    home = str(Path.home())
    if len(home) > 1:
        text = text.replace(home, "~")  # the seller's user name is not ours to collect
    path = folder / f"crash-{stamp}.txt"
    path.write_text(redact(text), encoding="utf-8")
    return path


def install(data_dir: Path, on_crash: Callable[[Path], None] | None = None) -> None:
    """Route uncaught exceptions of every thread to a saved report; ``on_crash`` (e.g. a dialog) is told the path."""

    def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        path = write_report(data_dir, exc_type, exc, tb, thread)
        log.error("crash in %s: %s (report %s)", thread, exc_type.__name__, path)
        if on_crash is not None:
            on_crash(path)

    sys.excepthook = lambda t, e, tb: handle(t, e, tb, "main")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            handle(args.exc_type, args.exc_value, args.exc_traceback, args.thread.name if args.thread else "?")

    threading.excepthook = thread_hook
