"""Prove the release gate can fail: break a copy of a built bundle in the ways a bad build breaks, one at a time,
and require the frozen self-test to fail each time, naming the part that broke.

``python installers/mutation_check.py dist/SellerDesk`` — the copies are hard links (cheap), and a mutated file is
unlinked before it is replaced, so the bundle itself is never touched. Exits 1 when a broken copy passes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build import cli_executable, run_frozen_self_test

NATIVE_PLATFORM_PLUGIN = {"linux": "*qxcb*", "win32": "qwindows*", "darwin": "*qcocoa*"}


def _delete(*patterns: str) -> Callable[[Path], list[Path]]:
    def mutate(bundle: Path) -> list[Path]:
        hits = [path for pattern in patterns for path in bundle.rglob(pattern) if path.is_file()]
        for path in hits:
            path.unlink()
        return hits
    return mutate


def _empty(pattern: str) -> Callable[[Path], list[Path]]:
    def mutate(bundle: Path) -> list[Path]:
        hits = [path for path in bundle.rglob(pattern) if path.is_file()]
        for path in hits:
            mode = path.stat().st_mode
            path.unlink()  # a hard link: replace the name, never write through to the real bundle
            path.touch(mode=mode)
        return hits
    return mutate


@dataclass(frozen=True)
class Mutation:
    """One way a build can break, and the self-test line that must report it."""

    name: str
    failing_check: str
    mutate: Callable[[Path], list[Path]] | None = None  # breaks the bundle's copy
    env: dict[str, str] | None = None
    break_components: Callable[[Path], list[Path]] | None = None  # breaks the added portal driver


MUTATIONS = [
    Mutation("the OS's platform plugin deleted", "platform plugin",
             _delete(f"platforms/{NATIVE_PLATFORM_PLUGIN.get(sys.platform, '*qxcb*')}")),
    Mutation("the SVG image and icon plugins deleted", "SVG icons", _delete("imageformats/*qsvg*",
                                                                            "iconengines/*qsvgicon*")),
    Mutation("Playwright's node emptied (0 bytes)", "Playwright",
             break_components=_empty("node.exe" if sys.platform == "win32" else "node")),
    Mutation("Playwright's driver scripts deleted", "Playwright", _delete("playwright/driver/package/cli.js")),
    Mutation("Babel's data for a supported locale (ta_IN) deleted", "locales", _delete("babel/locale-data/ta_IN.dat")),
    Mutation("keyring left with its fail backend", "keyring",
             env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}),
]


def linked_copy(bundle: Path, target: Path) -> Path:
    """A copy of ``bundle`` made of hard links (falls back to real copies across file systems)."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(bundle, target, symlinks=True, copy_function=link)
    return target


def check_mutation(bundle: Path, mutation: Mutation) -> str | None:
    """None when the self-test caught ``mutation``; otherwise what went wrong."""
    broken: list[Path] = []

    def break_components(folder: Path) -> None:
        if mutation.break_components is not None:
            broken.extend(mutation.break_components(folder))

    with tempfile.TemporaryDirectory(prefix="sellerdesk-mutant-") as tmp:
        copy = linked_copy(bundle, Path(tmp) / bundle.name)
        if mutation.mutate is not None:
            broken.extend(mutation.mutate(copy))
        proc = run_frozen_self_test(cli_executable(copy), mutation.env, break_components)
    if mutation.env is None and not broken:
        return f"{mutation.name}: nothing matched, so nothing was broken"
    if proc.returncode == 0:
        return f"{mutation.name}: the self-test still PASSED"
    if f"FAILED  {mutation.failing_check}:" not in proc.stdout:
        return f"{mutation.name}: the self-test failed, but not in its {mutation.failing_check} check"
    return None


def main(argv: list[str]) -> int:
    """Run every mutation against the bundle named in ``argv``; 0 only when each one made the self-test fail."""
    if len(argv) != 1:
        print("usage: mutation_check.py BUNDLE_DIR", file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    misses = []
    for mutation in MUTATIONS:
        miss = check_mutation(bundle, mutation)
        print(f"{'caught' if miss is None else 'MISSED'}  {mutation.name} → self-test's {mutation.failing_check}")
        if miss:
            misses.append(miss)
    print("mutation check passed: every broken copy failed the self-test" if not misses
          else "mutation check FAILED:\n  " + "\n  ".join(misses))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
