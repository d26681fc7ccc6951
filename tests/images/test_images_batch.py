"""Batches: every photo processed or explained, progress reported, and Cancel stops promptly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from core.images.batch import make_variants
from core.images.errors import UnknownPreset
from core.images.variants import render
from tests.images.photos import encode, scene

Write = Callable[[str, bytes], Path]


@pytest.fixture
def photos(write: Write) -> list[Path]:
    """Five small photos from a seller's phone."""
    return [write(f"item{i}.jpg", encode(scene(800, 600, seed=i), "JPEG")) for i in range(5)]


def test_every_photo_gets_every_platform_picture(tmp_path: Path, photos: list[Path]) -> None:
    out = tmp_path / "out"
    results = make_variants(photos, ["instagram", "etsy"], out)
    assert [r.source for r in results] == photos
    assert all(r.ok for r in results)
    expected = sorted(f"item{i}-{platform}.jpg" for i in range(5) for platform in ("instagram", "etsy"))
    assert sorted(p.name for p in out.iterdir()) == expected
    first = results[0].variants[0]
    assert (first.preset, first.width, first.height, first.format) == ("instagram", 1080, 1350, "JPEG")
    with Image.open(first.path) as picture:
        assert picture.size == (1080, 1350) and first.bytes == first.path.stat().st_size


def test_a_bad_file_is_explained_and_the_rest_still_done(
    tmp_path: Path, photos: list[Path], write: Write
) -> None:
    bad = write("invoice.jpg", b"%PDF-1.4")
    results = make_variants([photos[0], bad, photos[1]], ["thumbnail"], tmp_path / "out")
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reason == "unsupported"
    assert results[1].error is not None and results[1].error.startswith("invoice.jpg is not a picture")
    assert results[1].variants == ()


def test_progress_reports_each_photo_once_in_the_callers_thread(tmp_path: Path, photos: list[Path]) -> None:
    seen: list[tuple[int, int, Path, str]] = []
    make_variants(
        photos,
        ["thumbnail"],
        tmp_path / "out",
        progress=lambda done, total, path: seen.append((done, total, path, threading.current_thread().name)),
        workers=2,
    )
    assert [(done, total) for done, total, _, _ in seen] == [(i, 5) for i in range(1, 6)]
    assert sorted(path for _, _, path, _ in seen) == sorted(photos)
    assert {thread for *_, thread in seen} == {threading.current_thread().name}  # safe to emit a Qt signal


def test_cancel_stops_promptly_and_keeps_what_finished(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(f"p{i}.jpg", encode(scene(400, 300, seed=i), "JPEG")) for i in range(20)]

    def slow_render(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)  # a 12 MP photo takes longer than these tiny ones
        return render(*args, **kwargs)

    monkeypatch.setattr("core.images.batch.render", slow_render)
    cancel = threading.Event()

    def progress(done: int, total: int, path: Path) -> None:
        if done == 3:
            cancel.set()  # the seller presses Cancel

    out = tmp_path / "out"
    started = time.monotonic()
    results = make_variants(paths, ["thumbnail"], out, progress=progress, cancel=cancel, workers=2)
    assert time.monotonic() - started < 2.0
    # Photos finished or in flight when Cancel came are kept; the rest of the 20 are never started.
    assert 3 <= len(results) <= 8
    assert all(r.ok for r in results)
    made = sorted(p.name for p in out.iterdir())
    assert made == sorted(f"{r.source.stem}-thumbnail.jpg" for r in results)  # nothing half-written


def test_cancel_before_starting_does_nothing(tmp_path: Path, photos: list[Path]) -> None:
    cancel = threading.Event()
    cancel.set()
    assert make_variants(photos, ["etsy"], tmp_path / "out", cancel=cancel) == []
    assert not (tmp_path / "out").exists()


def test_an_unknown_platform_is_refused_before_any_work(tmp_path: Path, photos: list[Path]) -> None:
    with pytest.raises(UnknownPreset, match="'myspace'"):
        make_variants(photos, ["etsy", "myspace"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_photos_with_the_same_name_from_different_folders_do_not_overwrite(tmp_path: Path) -> None:
    paths = []
    for folder in ("front", "back"):
        path = tmp_path / folder / "IMG_0001.jpg"
        path.parent.mkdir()
        path.write_bytes(encode(scene(400, 300), "JPEG"))
        paths.append(path)
    make_variants(paths, ["thumbnail"], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "IMG_0001-2-thumbnail.jpg",
        "IMG_0001-thumbnail.jpg",
    ]


def test_an_output_folder_that_cannot_be_written_stops_the_batch_with_what_was_not_made(
    tmp_path: Path, photos: list[Path]
) -> None:
    blocked = tmp_path / "out"
    blocked.write_text("a file where the folder should be")
    results = make_variants(photos, ["thumbnail"], blocked, workers=1)
    assert results[0].reason == "storage" and results[0].error is not None
    assert "Could not write" in results[0].error
    assert len(results) < len(photos)  # the batch stopped: the rest were not started


def test_a_full_disk_leaves_no_photo_half_made(
    tmp_path: Path, photos: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.images import output

    real = output.atomic_write_bytes
    writes = iter(range(1_000))

    def fills_up(path: Path, data: bytes, *, durable: bool = True) -> None:
        if next(writes) >= 5:  # two photos of two pictures fit, the third photo's second does not
            raise OSError(28, "No space left on device")
        real(path, data, durable=durable)

    monkeypatch.setattr(output, "atomic_write_bytes", fills_up)
    out = tmp_path / "out"
    results = make_variants(photos, ["instagram", "etsy"], out, workers=1)
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].reason == "storage" and "No space left" in str(results[2].error)
    # Every photo has all of its pictures or none of them.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"item{i}-{platform}.jpg" for i in range(2) for platform in ("instagram", "etsy")
    )


def test_memory_budget_holds_back_photos_that_do_not_fit(tmp_path: Path, photos: list[Path]) -> None:
    from core.images.batch import MemoryBudget, estimated_memory
    from core.images.presets import load_presets

    chosen = [load_presets()["instagram"]]
    cost = estimated_memory(photos[0].read_bytes(), "item0.jpg", chosen)
    assert cost > 0
    tight = MemoryBudget(limit=cost * 2)  # room for two photos at a time, whatever the cores
    results = make_variants(photos, ["instagram"], tmp_path / "out", workers=8, budget=tight)
    assert all(r.ok for r in results) and len(results) == 5
    assert tight.used == 0 and cost <= tight.peak <= 2 * cost * 1.2
    alone = MemoryBudget(limit=1)  # every photo larger than the whole budget: each runs alone, none refused
    assert all(r.ok for r in make_variants(photos, ["instagram"], tmp_path / "alone", workers=4, budget=alone))
    assert alone.peak <= cost * 1.2  # never two at once
