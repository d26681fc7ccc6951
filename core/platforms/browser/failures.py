"""What a portal showed when a step failed: screenshot, page HTML and a note, kept for the seller (and support).

Folders go to ``<data dir>/portal-failures/<platform>/<local time>-<step>/``; only the newest ones are kept so
a portal that keeps failing cannot fill the disk.
"""

from __future__ import annotations

import logging
import re
import shutil
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from core.platforms.browser.deadline import Watchdog

log = logging.getLogger(__name__)

FAILURES_DIR = "portal-failures"
SCREENSHOT = "screenshot.png"
PAGE_HTML = "page.html"
NOTE = "step.txt"
# Saving what the page showed must never hang the error report itself (browser.json capture_seconds).
CAPTURE_SECONDS = 5.0


def _slug(step: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")[:40] or "step"


def save_failure(data_dir: Path, platform: str, step: str, page: Page | None, problem: str, *,
                 when: datetime, product: str | None = None, keep: int = 20, watchdog: Watchdog | None = None,
                 capture_seconds: float = CAPTURE_SECONDS) -> Path:
    """Save the page as it was when ``step`` failed; returns the folder. Capture problems are noted, not raised.

    The screenshot and the page HTML together get ``capture_seconds``: past that the ``watchdog`` closes the
    browser (a page whose script never returns would otherwise hold ``page.content()`` for ever).
    """
    root = data_dir / FAILURES_DIR / platform
    stamp = when.astimezone().strftime("%Y%m%d-%H%M%S-%f")
    folder = root / f"{stamp}-{_slug(step)}"
    folder.mkdir(parents=True, exist_ok=True)
    notes = [f"platform: {platform}", f"step: {step}", f"time: {when.astimezone().isoformat()}",
             f"product: {product or '-'}", f"problem: {problem}"]
    if page is not None and not page.is_closed():
        notes.append(f"address: {page.url}")
        guard: AbstractContextManager[None] = (
            watchdog.limit(capture_seconds, "saving what the page showed") if watchdog is not None else nullcontext())
        with guard:
            notes.extend(capture_page(page, folder, capture_seconds))
        if watchdog is not None and watchdog.fired == "saving what the page showed":
            notes.append(f"the page stopped responding while it was saved; the browser was closed after "
                         f"{capture_seconds:g} s")
    else:
        notes.append("the browser tab was already closed: no screenshot or page")
    (folder / NOTE).write_text("\n".join(notes) + "\n", encoding="utf-8")
    _prune(root, keep)
    log.warning("%s: step '%s' failed (%s); saved in %s", platform, step, problem, folder)
    return folder


def capture_page(page: Page, folder: Path, seconds: float) -> list[str]:
    """Write the page's screenshot and HTML into ``folder`` (made if needed); returns notes on what failed.
    Call it under a watchdog limit: ``page.content()`` has no timeout of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    notes = []
    try:
        # Bytes, written here: a path would make Playwright write it from a thread pool of its own.
        (folder / SCREENSHOT).write_bytes(page.screenshot(full_page=True, timeout=seconds * 1000))
    except PlaywrightError as exc:
        notes.append(f"no screenshot: {exc.message.splitlines()[0]}")
    try:
        (folder / PAGE_HTML).write_text(page.content(), encoding="utf-8")
    except PlaywrightError as exc:
        notes.append(f"no page HTML: {exc.message.splitlines()[0]}")
    return notes


def _prune(root: Path, keep: int) -> None:
    folders = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in folders[:-keep] if keep > 0 else []:
        shutil.rmtree(old, ignore_errors=True)
