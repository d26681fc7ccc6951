"""Content-addressed picture store: each original kept once, each platform variant made once.

Layout under the store's root::

    originals/<first two hex digits>/<sha256>.<ext>       the seller's bytes, untouched
    variants/<sha256>/<preset>-<presethash>[-focal].jpg   made on demand, metadata-free

A variant's name carries a hash of its preset definition and focal point, so editing presets.json or
moving the focal point makes a new file, and the stale one is removed when the new one is written.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import NotFound, ValidationError
from core.i18n import _
from core.images.output import Variant, existing_variant, notes_path, write_atomically, write_variant
from core.images.presets import Focal, Preset, load_presets, resolve
from core.images.validate import check_picture, read_source
from core.images.variants import render

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "GIF": "gif"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredImage:
    """An original photo in the store; width and height are as the seller sees it (upright)."""

    sha256: str
    path: Path
    width: int
    height: int
    format: str
    original_name: str
    fresh: bool = field(default=False, compare=False)  # written by this add (not in the store before)


class ImageStore:
    """Originals and their per-platform variants under one folder (usually <data dir>/images)."""

    def __init__(self, root: Path, presets: Mapping[str, Preset] | None = None) -> None:
        self.root = root
        self._presets = dict(presets) if presets is not None else None

    @property
    def presets(self) -> dict[str, Preset]:
        """The presets this store renders with (read from resources on first use)."""
        if self._presets is None:
            self._presets = load_presets()
        return self._presets

    def add(self, path: Path) -> StoredImage:
        """Check a seller's photo and keep it; adding identical bytes again stores nothing new.

        Raises ImageRejected when the file is not a usable picture.
        """
        data = read_source(path)
        info = check_picture(data, path.name)
        sha = hashlib.sha256(data).hexdigest()
        target = self.root / "originals" / sha[:2] / f"{sha}.{_EXTENSIONS[info.format]}"
        fresh = not target.exists()
        if fresh:
            write_atomically(target, data)
        return StoredImage(sha, target, info.width, info.height, info.format, path.name, fresh)

    def add_all(self, paths: Sequence[Path]) -> list[StoredImage]:
        """Keep every photo, or none: when one is refused (or cannot be written), those this call stored go.

        Photos that were in the store already stay: another product may use them.
        """
        stored: list[StoredImage] = []
        try:
            for path in paths:
                stored.append(self.add(path))
        except BaseException:
            self.forget_fresh(stored)
            raise
        return stored

    def forget_fresh(self, stored: Sequence[StoredImage]) -> None:
        """Remove the photos these adds wrote (the product they were for was not saved)."""
        for image in stored:
            if image.fresh:
                self.discard(image.sha256)

    def discard(self, sha256: str) -> None:
        """Remove a stored original and its platform variants (a photo no product uses any more)."""
        folder = self.root / "originals" / _checked(sha256)[:2]
        for path in folder.glob(f"{sha256}.*") if folder.is_dir() else []:
            path.unlink(missing_ok=True)
        shutil.rmtree(self.root / "variants" / sha256, ignore_errors=True)

    def original_path(self, sha256: str) -> Path:
        """Path of a stored original; NotFound if the store does not hold it."""
        folder = self.root / "originals" / _checked(sha256)[:2]
        matches = sorted(folder.glob(f"{sha256}.*")) if folder.is_dir() else []
        if not matches:
            raise NotFound(
                _("Picture {id} is not in the image store at {folder}.").format(id=sha256[:12], folder=self.root),
                hint=_("Add the photo to the product again."),
            )
        return matches[0]

    def variants(
        self, sha256: str, platforms: Sequence[str], focal: Focal | None = None, fill: str = "white"
    ) -> list[Variant]:
        """The stored photo's picture for each platform (or 'all'), made now only if not made before.

        *fill* is the seller's padding (setting images.padding: white or blur) for platforms that allow it.
        """
        chosen = resolve(platforms, self.presets)
        folder = self.root / "variants" / _checked(sha256)
        found: dict[str, Variant] = {}
        missing: list[Preset] = []
        for preset in chosen:
            variant = existing_variant(preset.name, self._variant_path(folder, preset, focal, fill))
            if variant is None:
                missing.append(preset)
            else:
                found[preset.name] = variant
        if missing:
            source = self.original_path(sha256)
            for rendered in render(read_source(source), source.name, missing, focal, fill):
                path = self._variant_path(folder, rendered.preset, focal, fill)
                found[rendered.preset.name] = write_variant(rendered, path, keep_notes=True)
                self._drop_stale(folder, rendered.preset.name, keep=path)
        return [found[preset.name] for preset in chosen]

    @staticmethod
    def _variant_path(folder: Path, preset: Preset, focal: Focal | None, fill: str) -> Path:
        suffix = "-focal" if preset.uses_focal(focal) else ""
        return folder / f"{preset.name}-{preset.cache_key(focal, fill)}{suffix}.{preset.extension}"

    @staticmethod
    def _drop_stale(folder: Path, preset: str, keep: Path) -> None:
        # Preset names are [a-z0-9_], so "<name>-" never matches another preset's files.
        for old in folder.glob(f"{preset}-*"):
            if old not in (keep, notes_path(keep)):
                old.unlink(missing_ok=True)


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValidationError(_("{id} is not a picture id (64 hex digits).").format(id=f"'{sha256}'"), field="sha256")
    return sha256
