"""Writing finished pictures to disk, whole or not at all."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.errors import StorageError
from core.fileio import atomic_write_bytes
from core.images.variants import Rendered

# Where /proc cannot tell (macOS), the umask as the program started: read once, while one thread runs.
_STARTING_UMASK = os.umask(0o022)
os.umask(_STARTING_UMASK)


@dataclass(frozen=True)
class Variant:
    """A platform-ready picture on disk."""

    preset: str
    path: Path
    width: int
    height: int
    bytes: int
    format: str
    notes: tuple[str, ...] = ()  # what the seller should know: a photo too small, a crop padded, ...


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write *data* to *path* whole or not at all; a failure becomes a StorageError naming the file.

    ``durable=False`` skips the fsync: right for pictures that can be made again from the original, where
    an fsync per file (about 3 ms, nine files a photo) would only slow a batch down.
    """
    try:
        atomic_write_bytes(path, data, durable=durable)
        if os.name == "posix":
            # The temporary file is created 0600; a picture is an ordinary file (0644 under the usual umask).
            os.chmod(path, 0o666 & ~_umask())
    except OSError as err:
        raise StorageError(
            f"Could not write {path} ({err.strerror or err}).",
            hint="Check that the folder is writable and the disk has free space, then try again.",
        ) from err


def notes_path(path: Path) -> Path:
    """Where a cached picture's notes are kept, beside it."""
    return path.with_name(path.name + ".notes.json")


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for a moment, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _STARTING_UMASK


def write_variant(rendered: Rendered, path: Path, *, keep_notes: bool = False) -> Variant:
    """Write one rendered picture and describe it; *keep_notes* also stores its notes beside it (a cache)."""
    if keep_notes:
        notes = notes_path(path)
        if rendered.notes:
            write_atomically(notes, json.dumps(list(rendered.notes)).encode("utf-8"), durable=False)
        else:
            notes.unlink(missing_ok=True)
    write_atomically(path, rendered.data, durable=False)
    return Variant(
        rendered.preset.name,
        path,
        rendered.width,
        rendered.height,
        len(rendered.data),
        rendered.preset.format,
        rendered.notes,
    )


def existing_variant(preset: str, path: Path) -> Variant | None:
    """Describe a picture written earlier, or None if it is missing or unreadable (it is then redone)."""
    try:
        with Image.open(path) as image:
            width, height, fmt = image.width, image.height, image.format or "?"
        size = path.stat().st_size
        notes_file = notes_path(path)
        notes = tuple(json.loads(notes_file.read_text(encoding="utf-8"))) if notes_file.exists() else ()
    except (OSError, SyntaxError, ValueError):
        return None
    return Variant(preset, path, width, height, size, fmt, tuple(str(n) for n in notes))
