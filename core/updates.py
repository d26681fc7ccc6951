"""Updates from a signed feed: check, download in the background, apply when SellerDesk closes (new version at the
next start).

The feed is a TUF repository made with tufup (installers/update_feed.py, published by the release workflow): its
metadata is signed with the project's keys, and the app trusts only the root metadata shipped inside it
(``resources/update-root.json``). tufup checks every signature, version and expiry, and the archive's length and
SHA-256, before anything is unpacked; a feed that fails any check is refused and nothing is changed. One feed per
system (``SellerDesk-<system>-<arch>``); an archive holds the whole bundle, like the installer.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import core
from core.errors import Cancelled, SellerDeskError
from core.i18n import _
from core.paths import resources_dir

ROOT_FILE = "update-root.json"
STAGED_FILE = "staged.json"
UPDATES_ENV = "SELLERDESK_UPDATES_DIR"
log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


def platform_tag() -> str:
    """``linux-x86_64``, ``macos-arm64``, ``windows-x86_64``: the suffix of each system's files and feed."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    return f"{system}-{ {'amd64': 'x86_64', 'aarch64': 'arm64'}.get(machine, machine)}"


def feed_name() -> str:
    """The app name this system's feed and archives go by."""
    return f"SellerDesk-{platform_tag()}"


def installed_dir() -> Path | None:
    """Where the running bundle lives (the .app on macOS); None in a checkout."""
    if not getattr(sys, "frozen", False):
        return None
    program = Path(sys.executable).resolve()
    return program.parents[2] if sys.platform == "darwin" and program.parent.name == "MacOS" else program.parent


def updates_dir() -> Path:
    """Downloads, the feed's metadata and a staged update: ``SELLERDESK_UPDATES_DIR`` or ``updates/`` in the default
    data folder (one per computer user, whichever data folder is open)."""
    explicit = os.environ.get(UPDATES_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from core.paths import default_data_dir

    return default_data_dir() / "updates"


@dataclass(frozen=True)
class Update:
    """A newer version the feed offers."""

    version: str
    size: int


@dataclass(frozen=True)
class Staged:
    """A downloaded, checked and unpacked update, waiting for SellerDesk to close."""

    version: str
    source: Path
    target: Path


class Updater:
    """Check the feed, download and stage an update, apply a staged one."""

    def __init__(self, metadata_url: str, targets_url: str, *, install_dir: Path | None = None,
                 current: str = core.__version__, root: Path | None = None, work_dir: Path | None = None) -> None:
        self.metadata_url = metadata_url.rstrip("/") + "/"
        self.targets_url = targets_url.rstrip("/") + "/"
        self.install_dir = install_dir if install_dir is not None else installed_dir()
        self.current = current
        self.root = root if root is not None else resources_dir() / ROOT_FILE
        self.work = work_dir or updates_dir()

    @classmethod
    def from_settings(cls, settings: Any) -> Updater:
        """The feed the settings name (``updates.metadata_url``; ``{platform}`` becomes this system's tag)."""
        return cls(str(settings.get("updates.metadata_url")).replace("{platform}", platform_tag()),
                   str(settings.get("updates.targets_url")))

    def unavailable(self) -> str:
        """Why this copy cannot update itself ('' when it can)."""
        if self.install_dir is None:
            return _("this is a checkout: it updates with git and pip, not from the update feed")
        if not self.root.is_file():
            return _("this build carries no update key (resources/update-root.json), so it cannot check a feed")
        return ""

    def _client(self) -> Any:
        reason = self.unavailable()
        if reason:
            raise SellerDeskError(_("SellerDesk cannot update itself: {reason}").format(reason=reason))
        from tufup.client import Client

        metadata, targets, extract = self.work / "metadata", self.work / "downloads", self.work / "unpacked"
        for folder in (metadata, targets):
            folder.mkdir(parents=True, exist_ok=True)
        if not (metadata / "root.json").exists():
            shutil.copyfile(self.root, metadata / "root.json")
        assert self.install_dir is not None
        return Client(app_name=feed_name(), app_install_dir=self.install_dir, current_version=self.current,
                      metadata_dir=metadata, metadata_base_url=self.metadata_url, target_dir=targets,
                      target_base_url=self.targets_url, extract_dir=extract, refresh_required=True)

    def check(self) -> Update | None:
        """A newer version from the feed, or None; a feed that fails its signatures is an error, never an update."""
        client = self._client()
        try:
            found = client.check_for_updates()
        # tuf's errors (bad signature, expired, rolled back, unreachable) all land here; tufup ends the process
        # (SystemExit) when a required refresh fails, which must not end the window.
        except (Exception, SystemExit) as exc:
            raise SellerDeskError(_("the update feed could not be checked ({error}); nothing was downloaded").format(
                error=f"{type(exc).__name__}: {exc}")) from exc
        if not found:
            return None
        return Update(str(found.version), int(sum(t.length for t in client.new_targets.values())))

    def download(self, *, progress: Progress | None = None, cancel: threading.Event | None = None) -> Staged | None:
        """Check, download and verify the newer version, unpack it beside the app and stage it; None if up to date."""
        client = self._client()
        try:
            found = client.check_for_updates()
        except (Exception, SystemExit) as exc:
            raise SellerDeskError(_("the update feed could not be checked ({error})").format(
                error=f"{type(exc).__name__}: {exc}")) from exc
        if not found:
            return None
        unpacked = self.work / "unpacked"
        shutil.rmtree(unpacked, ignore_errors=True)
        unpacked.mkdir(parents=True)

        def hook(bytes_downloaded: int, bytes_expected: int) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(_("the update download was cancelled; it starts again at the next check"))
            if progress is not None:
                progress(bytes_downloaded, bytes_expected, "update")

        staged: list[Staged] = []

        def stage(src_dir: Path, dst_dir: Path, **_kwargs: Any) -> None:
            staged.append(Staged(str(found.version), Path(src_dir), Path(dst_dir)))

        client.download_and_apply_update(skip_confirmation=True, install=stage, progress_hook=hook)
        if not staged or not any(staged[0].source.iterdir()):
            raise SellerDeskError(_("the update was downloaded but failed its checks; it was not kept"))
        record = {"version": staged[0].version, "source": str(staged[0].source), "target": str(staged[0].target)}
        (self.work / STAGED_FILE).write_text(json.dumps(record), encoding="utf-8")
        return staged[0]

    def staged(self) -> Staged | None:
        """The update waiting to be applied, if any (and only if it is newer than this copy)."""
        path = self.work / STAGED_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found = Staged(str(data["version"]), Path(data["source"]), Path(data["target"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        from packaging.version import Version

        if Version(found.version) <= Version(self.current) or not found.source.is_dir():
            path.unlink(missing_ok=True)
            return None
        return found

    def apply(self) -> str:
        """Put a staged update in place of this copy (the new version runs at the next start); '' if none.

        Every entry is removed before its replacement moves in, so files the running process has open keep
        their old contents; the previous version's library folder goes entirely, as the installer does.
        On Windows running files cannot be replaced: tufup's script does it once this process has ended.
        """
        found = self.staged()
        if found is None:
            return ""
        (self.work / STAGED_FILE).unlink()
        if sys.platform == "win32":
            import contextlib
            import subprocess

            from tufup.utils.platform_specific import install_update

            # tufup starts a hidden robocopy script (it retries while files are in use) and ends the process; the
            # window is closing anyway and ends in its own order.
            with contextlib.suppress(SystemExit):
                install_update(src_dir=found.source, dst_dir=found.target, purge_dst_dir=False,
                               process_creation_flags=subprocess.CREATE_NO_WINDOW)
            return found.version
        for entry in sorted(found.source.iterdir()):
            old = found.target / entry.name
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            elif old.exists() or old.is_symlink():
                old.unlink()
            shutil.move(str(entry), str(old))
        log.info("update %s applied to %s", found.version, found.target)
        return found.version


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``update check|download|apply``."""
    group = sub.add_parser("update", help="updates from the signed feed")
    actions = group.add_subparsers(dest="action", required=True)
    for name, text in (("check", "is a newer SellerDesk out?"),
                       ("download", "download and check it now; it is applied when SellerDesk closes"),
                       ("apply", "put a downloaded update in place now (the new version runs at the next start)")):
        actions.add_parser(name, help=text).set_defaults(handler=_update)


def _update(args: argparse.Namespace, app: Any) -> int:
    updater = Updater.from_settings(app.settings)
    if args.action == "check":
        found = updater.check()
        print(_("SellerDesk {version} is available ({size} MB): sellerdesk update download").format(
            version=found.version, size=f"{found.size / 1e6:.0f}") if found else _up_to_date(updater))
    elif args.action == "download":
        staged = updater.download(progress=lambda done, total, _w: print(
            "  " + _("{done} of {total} MB").format(done=f"{done / 1e6:.0f}", total=f"{total / 1e6:.0f}"),
            file=sys.stderr, flush=True) if done == total else None)
        print(_("SellerDesk {version} is downloaded and checked; it is put in place when SellerDesk closes "
                "(or now: sellerdesk update apply).").format(version=staged.version) if staged
              else _up_to_date(updater))
    else:
        version = updater.apply()
        print(_("SellerDesk {version} is in place; it runs from the next start.").format(version=version)
              if version else _("No downloaded update is waiting."))
    return 0


def _up_to_date(updater: Updater) -> str:
    return _("SellerDesk {version} is up to date.").format(version=updater.current)
