"""Optional parts added after SellerDesk is installed: the portal driver ("Indian marketplaces").

Meesho, Snapdeal and IndiaMART are driven through the seller's own Chrome or Edge by Playwright, whose driver runs
on Node.js — about 110 MB, a third of the app. The installers leave Node out to stay small; the seller adds it once,
when they want those portals (Help › Add Indian marketplaces…, or ``sellerdesk components add portals``). The
download is checked against the SHA-256 that the build recorded in the bundle (``resources/portal-driver.json``)
before anything is unpacked, then kept per user (``components/`` in the default data folder) for every data folder.

From a source checkout the driver's Node sits in the playwright package and nothing needs adding.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import Cancelled, SellerDeskError, ValidationError
from core.i18n import N_, _
from core.paths import resources_dir

MANIFEST_FILE = "portal-driver.json"
COMPONENTS_ENV = "SELLERDESK_COMPONENTS_DIR"
NODE_ENV = "PLAYWRIGHT_NODEJS_PATH"  # playwright's own override of its driver's Node
PURPOSE = N_("Meesho, Snapdeal and IndiaMART are driven through your Chrome or Edge by a helper program (Node.js, "
             "part of Playwright). It is not part of the installer, to keep it small.")  # shown with _()
CHUNK = 256 * 1024

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DriverManifest:
    """What the build recorded about the portal driver it tested with."""

    file: str
    url: str
    sha256: str
    size: int
    node_version: str

    @classmethod
    def from_json(cls, data: object) -> DriverManifest:
        """Read the manifest; a damaged one is a clear error, never a half-checked download."""
        if not isinstance(data, dict):
            raise ValidationError("the portal driver's manifest is not a JSON object")
        try:
            made = cls(str(data["file"]), str(data["url"]), str(data["sha256"]).lower(), int(data["size"]),
                       str(data["node_version"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"the portal driver's manifest lacks or mangles {exc}") from exc
        if len(made.sha256) != 64 or any(c not in "0123456789abcdef" for c in made.sha256):
            raise ValidationError("the portal driver's manifest has no valid SHA-256")
        return made


@dataclass(frozen=True)
class DriverStatus:
    """Whether the portals can run, and why not."""

    needed: bool  # False in a source checkout: the playwright package carries Node
    installed: bool
    node: Path | None
    manifest: DriverManifest | None

    def describe(self) -> str:
        """One sentence for the seller."""
        if not self.needed:
            return _("Indian marketplaces: ready (Node.js comes with this installation).")
        if self.installed:
            return _("Indian marketplaces: installed (Node.js {version}).").format(
                version=self.manifest.node_version if self.manifest else "")
        size = _(" ({size} MB download)").format(size=f"{self.manifest.size / 1e6:.0f}") if self.manifest else ""
        return _("Indian marketplaces: not added yet{size}. {purpose} Add it with Help › Add Indian marketplaces… or "
                 "'sellerdesk components add portals'.").format(size=size, purpose=_(PURPOSE))


def node_name() -> str:
    """Node's file name on this system."""
    return "node.exe" if sys.platform == "win32" else "node"


def components_dir() -> Path:
    """Where added parts live: ``SELLERDESK_COMPONENTS_DIR`` or ``components/`` in the default data folder."""
    explicit = os.environ.get(COMPONENTS_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from core.paths import default_data_dir

    return default_data_dir() / "components"


def load_manifest(folder: Path | None = None) -> DriverManifest | None:
    """The bundle's manifest, or None where the driver is not a separate part (a source checkout)."""
    path = (folder or resources_dir()) / MANIFEST_FILE
    if not path.exists():
        return None
    try:
        return DriverManifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}") from exc


def _install_folder(manifest: DriverManifest) -> Path:
    return components_dir() / f"portal-driver-{manifest.sha256[:16]}"


def status(manifest: DriverManifest | None = None) -> DriverStatus:
    """Is the portal driver needed here, and is it in place?"""
    manifest = manifest or load_manifest()
    if manifest is None:
        return DriverStatus(needed=False, installed=True, node=None, manifest=None)
    node = _install_folder(manifest) / node_name()
    present = node.is_file()
    return DriverStatus(needed=True, installed=present, node=node if present else None, manifest=manifest)


def activate(manifest: DriverManifest | None = None) -> Path | None:
    """Point Playwright at the added Node, if there is one (the frozen app calls this at start)."""
    found = status(manifest)
    if found.node is not None:
        os.environ[NODE_ENV] = str(found.node)
    return found.node


def install(source: str | None = None, *, progress: Progress | None = None, cancel: threading.Event | None = None,
            manifest: DriverManifest | None = None) -> Path:
    """Download (or copy from ``source``, a file or https URL), check the SHA-256, unpack; returns Node's path.

    Nothing is kept unless the whole file arrived and matched; an interrupted or wrong download leaves the
    previous state as it was.
    """
    manifest = manifest or load_manifest()
    if manifest is None:
        raise ValidationError(_("this SellerDesk already carries the portal driver; nothing to add"))
    target = _install_folder(manifest)
    if (target / node_name()).is_file():
        activate(manifest)
        return target / node_name()
    components_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=components_dir(), prefix=".adding-") as tmp:
        archive = Path(tmp) / manifest.file
        digest = _fetch(source or manifest.url, archive, manifest.size, progress, cancel)
        if digest != manifest.sha256:
            raise ValidationError(_("the downloaded portal driver does not match this SellerDesk (SHA-256 {got}… "
                                    "instead of {wanted}…); nothing was installed. Try again, or download it from the "
                                    "release page and add it with --from FILE.").format(got=digest[:16],
                                                                                        wanted=manifest.sha256[:16]))
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(unpacked, filter="data")
        node = unpacked / node_name()
        if not node.is_file():
            raise ValidationError(_("{file} holds no {node}").format(file=manifest.file, node=node_name()))
        node.chmod(0o755)
        shutil.rmtree(target, ignore_errors=True)
        unpacked.replace(target)
    activate(manifest)
    return target / node_name()


def _fetch(source: str, archive: Path, size: int, progress: Progress | None,
           cancel: threading.Event | None) -> str:
    """Copy ``source`` to ``archive`` in chunks, reporting progress and honouring ``cancel``; returns the SHA-256."""
    digest, done = hashlib.sha256(), 0

    def take(chunk: bytes) -> None:
        nonlocal done
        if cancel is not None and cancel.is_set():
            raise Cancelled(_("adding the portal driver was cancelled; nothing was installed"))
        out.write(chunk)
        digest.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, size, "portal driver")

    with archive.open("wb") as out:
        if source.startswith(("https://", "http://")):
            import httpx

            try:
                with httpx.stream("GET", source, follow_redirects=True, timeout=httpx.Timeout(60, connect=15)) as got:
                    if got.status_code != 200:
                        raise SellerDeskError(_("the portal driver could not be downloaded from {source} (HTTP "
                                                "{status}); nothing was installed").format(source=source,
                                                                                         status=got.status_code))
                    for chunk in got.iter_bytes(CHUNK):
                        take(chunk)
            except httpx.HTTPError as exc:
                raise SellerDeskError(_("the portal driver could not be downloaded ({error}); check the connection "
                                        "and try again").format(error=exc)) from exc
        else:
            path = Path(source.removeprefix("file://")).expanduser()
            if not path.is_file():
                raise ValidationError(_("{path} does not exist").format(path=path))
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    take(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, archive: Path, url: str, node_version: str) -> DriverManifest:
    """The build's half: record ``archive`` (its name, URL, SHA-256 and size) in ``folder``/portal-driver.json."""
    digest = hashlib.sha256()
    with archive.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    manifest = DriverManifest(archive.name, url, digest.hexdigest(), archive.stat().st_size, node_version)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest.__dict__, indent=2) + "\n", encoding="utf-8")
    return manifest


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``components list`` and ``components add portals [--from FILE|URL]``."""
    from core.cli import json_parent

    group = sub.add_parser("components", help="optional parts: the portal driver for Meesho, Snapdeal, IndiaMART")
    actions = group.add_subparsers(dest="action", required=True)
    p = actions.add_parser("list", parents=[json_parent()], help="which optional parts are in place")
    p.set_defaults(handler=_list)
    p = actions.add_parser("add", help="add an optional part (download checked against this build's SHA-256)")
    p.add_argument("name", choices=["portals"], help="portals: the driver for Meesho, Snapdeal and IndiaMART")
    p.add_argument("--from", dest="source", metavar="FILE|URL",
                   help="a downloaded SellerDesk-portal-driver-….tar.gz, or another address (default: the release)")
    p.set_defaults(handler=_add)


def _list(args: argparse.Namespace, app: Any) -> int:
    found = status()
    if app.json:
        from core.cli import print_json

        print_json({"portals": {"needed": found.needed, "installed": found.installed,
                                "node": str(found.node) if found.node else None,
                                "size": found.manifest.size if found.manifest else None}})
    else:
        print(found.describe())
    return 0


def _add(args: argparse.Namespace, app: Any) -> int:
    found = status()
    if not found.needed or found.installed:
        print(found.describe())
        return 0
    print(_(PURPOSE))
    shown = {"step": -1}

    def report(done: int, total: int, _what: str) -> None:
        step = done * 10 // max(total, 1)
        if step != shown["step"]:
            shown["step"] = step
            print("  " + _("{done} of {total} MB").format(done=f"{done / 1e6:.0f}", total=f"{total / 1e6:.0f}"),
                  file=sys.stderr, flush=True)

    node = install(args.source, progress=report)
    print(_("Indian marketplaces added (SHA-256 checked): {node}").format(node=node))
    return 0
