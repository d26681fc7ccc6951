"""The bundle's size budget: ≤ 350 MB unpacked and ≤ 130 MB compressed (gzip level 6, or the installer itself).

``python installers/size_budget.py dist/SellerDesk [ARCHIVE]`` prints the figures beside their goals and the
largest parts, and exits 1 when either is over; installers/build.py runs the same check on every build.
"""

from __future__ import annotations

import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
UNPACKED_GOAL = 350 * MB
COMPRESSED_GOAL = 130 * MB
GZIP_LEVEL = 6  # level 9 costs 2.7× the CPU for < 1 % smaller


@dataclass(frozen=True)
class Sizes:
    """What a seller downloads and what lands on their disk, in bytes."""

    unpacked: int
    compressed: int
    compressed_as: str

    @property
    def within_budget(self) -> bool:
        """Both figures at or under their goals."""
        return self.unpacked <= UNPACKED_GOAL and self.compressed <= COMPRESSED_GOAL

    def report(self) -> str:
        """One line per figure, each beside its goal."""
        def line(label: str, value: int, goal: int) -> str:
            verdict = "ok" if value <= goal else "OVER BUDGET"
            return f"{label:<12} {value / MB:7.1f} MB  (goal ≤ {goal / MB:.0f} MB)  {verdict}"

        return "\n".join([line("unpacked", self.unpacked, UNPACKED_GOAL),
                          line("compressed", self.compressed, COMPRESSED_GOAL) + f"  [{self.compressed_as}]"])


def folder_size(path: Path) -> int:
    """Bytes in every file below ``path`` (a symlink counts as the link, not a second copy)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def write_tarball(bundle: Path, target: Path, arcname: str) -> Path:
    """``bundle`` as a .tar.gz at gzip level 6 (symlinks kept as links)."""
    with tarfile.open(target, "w:gz", compresslevel=GZIP_LEVEL) as tar:
        tar.add(bundle, arcname=arcname)
    return target


def measure(bundle: Path, archive: Path | None = None) -> Sizes:
    """The bundle's sizes; without an installer or archive, a gzip-6 tarball is made in a temporary folder."""
    if archive is not None:
        return Sizes(folder_size(bundle), archive.stat().st_size, archive.name)
    with tempfile.TemporaryDirectory() as tmp:
        made = write_tarball(bundle, Path(tmp) / "bundle.tar.gz", bundle.name)
        return Sizes(folder_size(bundle), made.stat().st_size, "tar.gz, gzip level 6")


def largest_parts(bundle: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest top-level folders and files of the bundle's library folder, for the build log."""
    base = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    parts = [(p.name, folder_size(p) if p.is_dir() else p.stat().st_size) for p in base.iterdir()
             if not p.is_symlink()]
    return sorted(parts, key=lambda part: -part[1])[:count]


def check(bundle: Path, archive: Path | None = None) -> Sizes:
    """Measure, print the figures and the largest parts; raise SystemExit when over budget."""
    sizes = measure(bundle, archive)
    print(sizes.report())
    print("largest: " + ", ".join(f"{name} {size / MB:.0f} MB" for name, size in largest_parts(bundle)))
    if not sizes.within_budget:
        raise SystemExit("size budget exceeded (see the figures above); see build.spec for what is left out")
    return sizes


def main(argv: list[str]) -> int:
    """Check the bundle (and archive) named on the command line."""
    if not argv or len(argv) > 2:
        print("usage: size_budget.py BUNDLE_DIR [ARCHIVE]", file=sys.stderr)
        return 2
    check(Path(argv[0]), Path(argv[1]) if len(argv) == 2 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
