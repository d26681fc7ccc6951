"""The signed update feed (a tufup/TUF repository per system), made and extended by the maintainers and the workflow.

  python installers/update_feed.py init FEED KEYS      once: make the signing keys (KEYS — keep them secret: the
                                                       UPDATE_KEYS secret) and the root metadata of every system's
                                                       feed; copies it to resources/update-root.json, which the app
                                                       trusts (commit that file)
  python installers/update_feed.py pack BUNDLE OUT     a built bundle (dist/SellerDesk, or SellerDesk.app) as a
                                                       .tar.gz the release job can add
  python installers/update_feed.py add FEED KEYS PACKED VERSION PLATFORM
                                                       sign VERSION into PLATFORM's feed; prints the archive to
                                                       publish next to the release
Metadata lives in FEED/<platform>/metadata (the workflow keeps it on the gh-pages branch); the archives are
release assets (the app fetches them from releases/latest/download/).
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = ("linux-x86_64", "windows-x86_64", "macos-arm64", "macos-x86_64")
# The feed must be signed again within these days (every release does it); the root key is kept longest.
EXPIRY_DAYS = {"root": 730, "targets": 400, "snapshot": 400, "timestamp": 400}


def _repository(feed: Path, keys: Path, platform: str, *, create_keys: bool = False):  # type: ignore[no-untyped-def]
    """tufup's repository for ``platform``; its keys made only when asked (tufup would ask on stdin otherwise)."""
    from tufup.repo import Repository

    repository = Repository(app_name=f"SellerDesk-{platform}", repo_dir=(feed / platform).resolve(),
                            keys_dir=keys.resolve(), expiration_days=dict(EXPIRY_DAYS))
    for folder in (repository.metadata_dir, repository.targets_dir):
        folder.mkdir(parents=True, exist_ok=True)
    if create_keys:
        repository.initialize()
    else:
        repository._load_keys_and_roles(create_keys=False)
    return repository


def _elsewhere():  # type: ignore[no-untyped-def]
    """tufup writes its config file into the current folder: let it write into a throw-away one."""
    import contextlib

    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.chdir(stack.enter_context(tempfile.TemporaryDirectory())))
    return stack


def init(feed: Path, keys: Path, trusted: Path = ROOT / "resources" / "update-root.json") -> Path:
    """Keys, and one root metadata shared by every system's feed; the app's trusted copy at ``trusted``."""
    feed, keys, trusted = feed.resolve(), keys.resolve(), trusted.resolve()
    with _elsewhere():
        _repository(feed, keys, PLATFORMS[0], create_keys=True)
        root_dir = feed / PLATFORMS[0] / "metadata"
        for platform in PLATFORMS[1:]:
            metadata = feed / platform / "metadata"
            metadata.mkdir(parents=True, exist_ok=True)
            for name in ("root.json", "1.root.json"):
                shutil.copyfile(root_dir / name, metadata / name)
            _repository(feed, keys, platform)
    shutil.copyfile(root_dir / "root.json", trusted)
    return trusted


def pack(bundle: Path, out: Path) -> Path:
    """``bundle``'s contents (symlinks kept) as a .tar.gz for ``add``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        for entry in sorted(bundle.iterdir()):
            tar.add(entry, arcname=entry.name)
    return out


def add(feed: Path, keys: Path, packed: Path, version: str, platform: str) -> Path:
    """Sign ``version`` of ``platform`` into its feed; returns the archive the app downloads."""
    feed, keys, packed = feed.resolve(), keys.resolve(), packed.resolve()
    with _elsewhere(), tempfile.TemporaryDirectory() as tmp:
        repository = _repository(feed, keys, platform)
        with tarfile.open(packed) as tar:
            tar.extractall(tmp, filter="tar")
        repository.add_bundle(new_bundle_dir=Path(tmp), new_version=version, skip_patch=True)
        repository.publish_changes(private_key_dirs=[keys])
    return feed / platform / "targets" / f"SellerDesk-{platform}-{version}.tar.gz"


def main(argv: list[str]) -> int:
    """The commands above."""
    commands = {"init": (init, 2), "pack": (pack, 2), "add": (add, 5)}
    if not argv or argv[0] not in commands or len(argv) - 1 != commands[argv[0]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    function, _count = commands[argv[0]]
    args: list[object] = [Path(a) for a in argv[1:4]] + argv[4:]
    print(function(*args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
