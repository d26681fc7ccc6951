"""``sellerdesk doctor``: checks what SellerDesk needs and says how to fix what is wrong."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.db.database import DB_FILE, check_database_file
from core.errors import SellerDeskError
from core.i18n import format_duration

# Where installed Chrome/Edge usually live, for the portals (Playwright drives them through "channel").
_BROWSER_CANDIDATES = {
    "chrome": ["google-chrome", "google-chrome-stable", "chrome",
               r"C:\Program Files\Google\Chrome\Application\chrome.exe",
               "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"],
    "msedge": ["microsoft-edge", "msedge",
               r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
               "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"],
    "chromium": ["chromium", "chromium-browser"],
}


@dataclass
class Check:
    """One check's outcome: ok or not, what was found, and the fix when not ok."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_data_dir(data_dir: Path) -> Check:
    """The data dir exists and SellerDesk can write to it."""
    if not data_dir.is_dir():
        return Check("data dir", False, f"{data_dir} does not exist", "Run any sellerdesk command to create it.")
    if not os.access(data_dir, os.W_OK):
        return Check("data dir", False, f"{data_dir} is read-only",
                     "Fix its permissions or choose another with --data-dir.")
    free = shutil.disk_usage(data_dir).free
    if free < 200 * 1024 * 1024:
        return Check("data dir", False, f"only {free // (1024 * 1024)} MB free on the disk of {data_dir}",
                     "Free some disk space; photos and backups need room.")
    return Check("data dir", True, f"{data_dir} (writable, {free // (1024 ** 3)} GB free)")


def check_database(data_dir: Path) -> Check:
    """The database file is SQLite, passes its integrity check, and its schema is one this version knows."""
    path = data_dir / DB_FILE
    if not path.exists():
        return Check("database", True, f"{path} will be created on first use")
    try:
        check_database_file(path)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except SellerDeskError as exc:
        return Check("database", False, exc.message, exc.hint or "")
    except sqlite3.DatabaseError as exc:
        return Check("database", False, f"{path}: {exc}", "Restore it from <data dir>/backups.")
    if result != "ok":
        return Check("database", False, f"{path} failed its integrity check: {result}",
                     "Restore it from <data dir>/backups.")
    from core.db.migrate import head_revision

    stored = revision[0] if revision else None
    head = head_revision()
    if stored != head:
        return Check("database", True, f"{path} is at schema {stored}; it will be upgraded to {head} on next start")
    return Check("database", True, f"{path} (schema {stored}, integrity ok)")


def check_keyring(app: Any) -> Check:
    """Secrets can really be stored and read back (keychain, or the encrypted file where there is none)."""
    from core.secrets.store import SecretStore

    probe = "doctor:probe"
    store = SecretStore(app.data_dir)  # no database: the probe is not worth an audit entry, and works without one
    try:
        store.set(probe, "ok")
        readable = store.get(probe) == "ok"
        store.delete(probe)
    except SellerDeskError as exc:
        return Check("keychain", False, exc.message, exc.hint or "")
    if not readable:
        return Check("keychain", False, "a secret written to the keychain could not be read back",
                     "Unlock your system keychain (or keyring) and try again.")
    where = "system keychain" if store.backend == "keychain" else "encrypted file (no system keychain found)"
    return Check("keychain", True, f"{where}: write, read and delete work")


def check_backups(data_dir: Path) -> Check:
    """A database backup from the last two days exists (SellerDesk makes one a day, at the first window, command
    or scheduler round of the day)."""
    from datetime import UTC, datetime, timedelta

    from core.trust.backup import daily_backups

    if not (data_dir / DB_FILE).exists():
        return Check("backups", True, "nothing to back up yet")
    backups = daily_backups(data_dir)
    if not backups:
        return Check("backups", False, "no database backup yet",
                     "Open SellerDesk once (it backs up daily), or run: sellerdesk data backups")
    newest = datetime.fromtimestamp(backups[-1].stat().st_mtime, UTC)
    age = datetime.now(UTC) - newest
    if age > timedelta(days=2):
        old = format_duration(age, unit="day")
        return Check("backups", False, f"the newest backup is {old} old ({backups[-1].name})",
                     "Run: sellerdesk data backups")
    return Check("backups", True, f"{len(backups)} daily backups, newest {backups[-1].name}")


def find_browser(channel: str, executable_path: str) -> str | None:
    """The browser the portals will use: the configured path if it exists, else the channel's usual install."""
    if executable_path:
        return executable_path if Path(executable_path).exists() else None
    names = _BROWSER_CANDIDATES.get(channel, []) + [n for c, ns in _BROWSER_CANDIDATES.items() if c != channel
                                                     for n in ns]
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and Path(name).exists() else None)
        if found:
            return found
    return None


def check_browser(channel: str, executable_path: str) -> Check:
    """Chrome, Edge or a configured Chromium is installed for Meesho, Snapdeal and IndiaMART."""
    found = find_browser(channel, executable_path)
    if found is None:
        where = executable_path or f"Chrome/Edge ({channel or 'any'})"
        return Check("browser", False, f"{where} was not found; Meesho, Snapdeal and IndiaMART need one",
                     "Install Google Chrome or Microsoft Edge, or set browser.executable_path.")
    return Check("browser", True, found)


def run_checks(app: Any) -> list[Check]:
    """Every check, in the order a seller should fix them."""
    return [
        check_data_dir(app.data_dir),
        check_database(app.data_dir),
        check_keyring(app),
        check_backups(app.data_dir),
        check_browser(app.settings.get("browser.channel"), app.settings.get("browser.executable_path")),
    ]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``doctor`` command."""
    from core.cli import json_parent

    p = sub.add_parser("doctor", parents=[json_parent()], help="check this installation and say how to fix it")
    p.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace, app: Any) -> int:
    from core.cli import print_json

    checks = run_checks(app)
    if app.json:
        print_json([asdict(c) for c in checks])
    else:
        for c in checks:
            print(f"{'ok     ' if c.ok else 'PROBLEM'}  {c.name:<9} {c.detail}")
            if not c.ok and c.fix:
                print(f"         {'':<9} fix: {c.fix}")
    return 0 if all(c.ok for c in checks) else 1
