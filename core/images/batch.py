"""Make platform pictures for many photos at once: every core, progress, cancellation.

Threads, not processes: Pillow releases the GIL while it decodes, resamples, rotates and encodes, so two
threads ran a decode-resize-encode loop 1.95x faster than one. On 100 12 MP photos a thread pool kept
the cores as busy as a process pool did, at half the peak memory, with no pickling, no freeze support
needed in the packaged app, and the cancel flag shared directly.

Memory is bounded by a budget, not by the number of cores: each photo's needs are estimated from its
header before it is decoded, and a photo waits until it fits; a very large photo (a 99 MP PNG) runs alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.errors import StorageError
from core.images.errors import ImageRejected
from core.images.geometry import plan
from core.images.normalise import oriented_size
from core.images.output import Variant, write_variant
from core.images.presets import Focal, Preset, load_presets, resolve
from core.images.validate import open_picture, read_source, upright_orientation
from core.images.variants import decode_scale, render

ProgressCallback = Callable[[int, int, Path], None]
# How often the waiting loop looks at the cancel flag while photos are in flight.
_POLL_SECONDS = 0.05


class CancelToken(Protocol):
    """Anything with is_set(), such as threading.Event."""

    def is_set(self) -> bool:
        """True once the seller has asked to stop."""
        ...


@dataclass(frozen=True)
class FileResult:
    """What happened to one photo: its pictures, or why it was refused (message and reason code)."""

    source: Path
    variants: tuple[Variant, ...] = ()
    error: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when the photo was turned into pictures."""
        return self.error is None


# Memory for the photos in flight, on top of the ~100 MB the program itself holds: a batch stays within
# 400 MB on any number of cores. Measured with benchmarks/images.py (a 100-photo batch of 12 MP photos).
MEMORY_BUDGET = 280_000_000
# Bytes a photo's work holds per decoded pixel (Pillow keeps RGB as 4 bytes: the decode, its upright and
# sRGB copy, the halvings) and per output pixel (the scaled pictures kept for smaller presets, canvases,
# encoded files). A 12 MP phone photo made for every platform measured 65 MB; this estimates 69 MB.
BYTES_PER_DECODED_PIXEL = 10
BYTES_PER_OUTPUT_PIXEL = 2.5
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h


@functools.cache
def _big_blocks_back_to_the_system() -> None:
    """Have glibc give large blocks (decodes, pictures) back to the system as soon as they are freed.

    By default glibc raises its mmap threshold each time a large block is freed, after which pictures come from
    the heap, whose freed space threads keep: a 100-photo batch then peaked at 500 MB instead of 260 MB. Setting
    the threshold (1 MB) turns that adjustment off. Elsewhere (macOS, Windows, musl) nothing is changed.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):
        return


def default_workers() -> int:
    """One thread per core, at most 8; the memory budget decides how many photos are worked on at once."""
    return max(1, min(8, os.cpu_count() or 1))


class MemoryBudget:
    """Admits photos while their estimated memory fits the budget; one photo larger than all of it runs alone."""

    def __init__(self, limit: int = MEMORY_BUDGET) -> None:
        self.limit = limit
        self.used = 0
        self.peak = 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def held(self, cost: int) -> Iterator[None]:
        """Wait until *cost* bytes fit (or nothing else is running), hold them, give them back after."""
        with self._changed:
            self._changed.wait_for(lambda: self.used == 0 or self.used + cost <= self.limit)
            self.used += cost
            self.peak = max(self.peak, self.used)
        try:
            yield
        finally:
            with self._changed:
                self.used -= cost
                self._changed.notify_all()


def estimated_memory(data: bytes, name: str, presets: Sequence[Preset]) -> int:
    """Bytes rendering this photo will hold at most, from its header alone (no pixels are decoded)."""
    image = open_picture(data, name)
    photo = oriented_size(image.size, upright_orientation(image, name))
    need = decode_scale(presets, photo) if presets else 1.0
    scale = 1.0
    if image.format == "JPEG":  # DCT scaling: the decode is 1/2, 1/4 or 1/8 when that covers every preset
        while scale > 1 / 8 and scale / 2 >= need:
            scale /= 2
    decoded = photo[0] * photo[1] * scale * scale
    canvases = [plan(preset, photo, max_scale=scale).canvas for preset in presets]
    outputs = sum(width * height for width, height in canvases)
    return len(data) + int(decoded * BYTES_PER_DECODED_PIXEL + outputs * BYTES_PER_OUTPUT_PIXEL)


def make_variants(
    paths: Sequence[Path],
    platforms: Sequence[str],
    out_dir: Path,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    *,
    focal: Focal | None = None,
    fill: str = "white",
    workers: int | None = None,
    presets: dict[str, Preset] | None = None,
    budget: MemoryBudget | None = None,
) -> list[FileResult]:
    """Write each photo's picture for each platform (names, or 'all') to out_dir/<stem>-<platform>.jpg.

    Refused photos do not stop the batch: they come back as results with ``error`` set. A photo whose
    pictures cannot be written (a full disk, a folder that cannot be written) comes back with reason
    ``storage``, none of its pictures left behind, and stops the batch: photos not yet started are not
    in the results. ``progress`` is called in the caller's thread after each photo as (done, total, that
    photo's path). When ``cancel`` is set, photos not yet started are skipped, those in flight finish,
    and the results so far are returned (in the order of *paths*). Raises UnknownPreset before any work
    for an unknown platform. *fill* is the seller's padding (white or blur) where a platform allows it.
    """
    chosen = resolve(platforms, presets if presets is not None else load_presets())
    _big_blocks_back_to_the_system()
    unique = list(dict.fromkeys(paths))
    stems = _output_stems(unique)
    total = len(unique)
    results: dict[Path, FileResult] = {}
    stop = _Stop(cancel)
    job = _Job(out_dir, chosen, focal, fill, budget or MemoryBudget(), stop)

    def record(future: Future[FileResult | None], path: Path) -> None:
        result = future.result()
        if result is not None:
            results[path] = result
            if progress is not None:
                progress(len(results), total, path)

    with ThreadPoolExecutor(max_workers=workers or default_workers(), thread_name_prefix="images") as pool:
        futures = {pool.submit(job.one_photo, path, stems[path]): path for path in unique}
        pending: set[Future[FileResult | None]] = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    record(future, futures[future])
                if stop.is_set():
                    break
            for future in pending:
                future.cancel()
            # Photos already in flight finish within a fraction of a second; keep what they made.
            for future in wait(pending).done:
                if not future.cancelled():
                    record(future, futures[future])
        finally:
            for future in pending:
                future.cancel()
    return [results[path] for path in unique if path in results]


class _Stop:
    """Set by the seller's Cancel, or by the batch itself when pictures can no longer be written."""

    def __init__(self, cancel: CancelToken | None) -> None:
        self._cancel = cancel
        self._failed = threading.Event()

    def fail(self) -> None:
        self._failed.set()

    def is_set(self) -> bool:
        return self._failed.is_set() or (self._cancel is not None and self._cancel.is_set())


@dataclass(frozen=True)
class _Job:
    out_dir: Path
    presets: list[Preset]
    focal: Focal | None
    fill: str
    budget: MemoryBudget
    stop: _Stop

    def one_photo(self, path: Path, stem: str) -> FileResult | None:
        if self.stop.is_set():
            return None
        try:
            data = read_source(path)
            with self.budget.held(estimated_memory(data, path.name, self.presets)):
                if self.stop.is_set():
                    return None
                rendered = render(data, path.name, self.presets, self.focal, self.fill)
        except ImageRejected as err:
            return FileResult(path, error=str(err), reason=err.reason)
        written: list[Variant] = []
        try:
            for item in rendered:
                target = self.out_dir / f"{stem}-{item.preset.name}.{item.preset.extension}"
                written.append(write_variant(item, target))
        except StorageError as err:
            self.stop.fail()
            for variant in written:  # all of a photo's pictures, or none: no photo left half-made
                variant.path.unlink(missing_ok=True)
            return FileResult(path, error=str(err), reason="storage")
        return FileResult(path, tuple(written))


def _output_stems(paths: list[Path]) -> dict[Path, str]:
    """A distinct file-name stem per photo: photo, photo-2, ... when two folders hold photo.jpg."""
    stems: dict[Path, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem, n = path.stem, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{path.stem}-{n}"
        taken.add(stem.lower())
        stems[path] = stem
    return stems
