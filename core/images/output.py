"""Writing finished pictures to disk, whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.errors import StorageError
from core.fileio import atomic_write_bytes
from core.images.variants import Rendered


@dataclass(frozen=True)
class Variant:
    """A platform-ready picture on disk."""

    preset: str
    path: Path
    width: int
    height: int
    bytes: int
    format: str


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write *data* to *path* whole or not at all; a failure becomes a StorageError naming the file.

    ``durable=False`` skips the fsync: right for pictures that can be made again from the original, where
    an fsync per file (about 3 ms, nine files a photo) would only slow a batch down.
    """
    try:
        atomic_write_bytes(path, data, durable=durable)
    except OSError as err:
        raise StorageError(
            f"Could not write {path} ({err.strerror or err}).",
            hint="Check that the folder is writable and the disk has free space, then try again.",
        ) from err


def write_variant(rendered: Rendered, path: Path) -> Variant:
    """Write one rendered picture and describe it."""
    write_atomically(path, rendered.data, durable=False)
    return Variant(
        rendered.preset.name,
        path,
        rendered.width,
        rendered.height,
        len(rendered.data),
        rendered.preset.format,
    )


def existing_variant(preset: str, path: Path) -> Variant | None:
    """Describe a picture written earlier, or None if it is missing or unreadable (it is then redone)."""
    try:
        with Image.open(path) as image:
            width, height, fmt = image.width, image.height, image.format or "?"
        size = path.stat().st_size
    except (OSError, SyntaxError, ValueError):
        return None
    return Variant(preset, path, width, height, size, fmt)
