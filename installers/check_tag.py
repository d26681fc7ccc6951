"""Refuse a release tag that differs from the one version source: ``python installers/check_tag.py v1.2.3``.

The version is ``core.__version__`` (pyproject.toml reads it from there). A tag must be exactly ``v`` + that
version; anything else exits 1 with a message saying which of the two to change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_version() -> str:
    """``core.__version__`` of this checkout (not of whatever SellerDesk happens to be installed)."""
    sys.path.insert(0, str(ROOT))
    try:
        import core
    finally:
        sys.path.remove(str(ROOT))
    if Path(core.__file__).resolve().parent != ROOT / "core":
        raise SystemExit(f"check_tag: imported core from {core.__file__}, not from {ROOT}")
    return core.__version__


def main(argv: list[str]) -> int:
    """Exit 0 when the tag names this version, 1 (with the reason) when it does not."""
    if len(argv) != 1:
        print("usage: check_tag.py TAG   (e.g. v1.2.3, or refs/tags/v1.2.3)", file=sys.stderr)
        return 2
    tag = argv[0].removeprefix("refs/tags/")
    version = source_version()
    if tag != f"v{version}":
        print(f"check_tag: tag {tag!r} does not match the version in core/__init__.py ({version!r}): "
              f"tag v{version}, or change __version__ first", file=sys.stderr)
        return 1
    print(f"tag {tag} matches version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
