"""The image store keeps each photo once and makes each platform picture once, until something changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from core.errors import NotFound, ValidationError
from core.images.errors import ImageRejected
from core.images.presets import Preset
from core.images.store import ImageStore
from core.images.variants import render
from tests.images.photos import encode, entry, exif, scene

Write = Callable[[str, bytes], Path]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records which presets the store actually renders (a cache hit renders nothing)."""
    calls: list[list[str]] = []

    def counting(data: bytes, name: str, presets: list[Preset], focal: Any = None, fill: str = "white") -> Any:
        calls.append([p.name for p in presets])
        return render(data, name, presets, focal, fill)

    monkeypatch.setattr("core.images.store.render", counting)
    return calls


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_identical_photos_are_stored_once(tmp_path: Path, write: Write) -> None:
    data = encode(scene(640, 480), "JPEG")
    store = ImageStore(tmp_path / "images")
    first = store.add(write("front.jpg", data))
    again = store.add(write("copy of front.jpg", data))
    assert first.sha256 == again.sha256 and first.path == again.path
    assert (first.original_name, again.original_name) == ("front.jpg", "copy of front.jpg")
    assert files(tmp_path / "images") == [first.path]
    assert first.path.relative_to(tmp_path / "images").parts == (
        "originals",
        first.sha256[:2],
        f"{first.sha256}.jpg",
    )
    assert first.path.read_bytes() == data  # the seller's original, untouched


def test_stored_photo_reports_its_real_format_and_upright_size(tmp_path: Path, write: Write) -> None:
    stored = ImageStore(tmp_path).add(write("looks-like.png", encode(scene(640, 480), "JPEG", exif=exif(8))))
    assert (stored.format, stored.width, stored.height) == ("JPEG", 480, 640)
    assert stored.path.suffix == ".jpg"


def test_a_bad_photo_is_not_stored(tmp_path: Path, write: Write) -> None:
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ImageRejected):
        store.add(write("scan.jpg", b"%PDF-1.4 scanned invoice"))
    assert not (tmp_path / "images").exists()


def test_variants_are_made_once_and_then_served_from_the_cache(
    tmp_path: Path, write: Write, renders: list[list[str]]
) -> None:
    store = ImageStore(tmp_path)
    sha = store.add(write("p.jpg", encode(scene(1600, 1200), "JPEG"))).sha256
    first = store.variants(sha, ["instagram", "etsy"])
    mtimes = [v.path.stat().st_mtime_ns for v in first]
    again = store.variants(sha, ["etsy", "instagram"])
    assert renders == [["instagram", "etsy"]]  # the second call rendered nothing
    assert [v.path for v in again] == [first[1].path, first[0].path]
    assert [v.path.stat().st_mtime_ns for v in first] == mtimes
    assert (again[1].width, again[1].height, again[1].bytes) == (1080, 1350, first[0].path.stat().st_size)
    assert first[0].path.parent == tmp_path / "variants" / sha


def test_editing_a_preset_regenerates_only_that_platform(
    tmp_path: Path,
    write: Write,
    renders: list[list[str]],
    custom_presets: Callable[..., dict[str, Preset]],
) -> None:
    definitions = {"shop": entry(width=800, height=800), "blog": entry(long_edge=600)}
    store = ImageStore(tmp_path, custom_presets(**definitions))
    sha = store.add(write("p.jpg", encode(scene(1600, 1200), "JPEG"))).sha256
    old_shop, blog = store.variants(sha, ["shop", "blog"])

    definitions["shop"] = entry(width=800, height=800, background="#000000")  # the platform changed its rule
    store = ImageStore(tmp_path, custom_presets(**definitions))
    new_shop, same_blog = store.variants(sha, ["shop", "blog"])
    assert renders[-1] == ["shop"]
    assert new_shop.path != old_shop.path and not old_shop.path.exists()  # the stale picture is gone
    assert same_blog.path == blog.path


def test_moving_the_focal_point_regenerates_focal_crops_only(
    tmp_path: Path, write: Write, renders: list[list[str]]
) -> None:
    store = ImageStore(tmp_path)
    sha = store.add(write("p.jpg", encode(scene(1600, 1200), "JPEG"))).sha256
    centred, fitted = store.variants(sha, ["pinterest", "etsy"])
    left, fitted_again = store.variants(sha, ["pinterest", "etsy"], focal=(0.1, 0.5))
    right, _ = store.variants(sha, ["pinterest", "etsy"], focal=(0.9, 0.5))
    assert renders == [["pinterest", "etsy"], ["pinterest"], ["pinterest"]]
    assert fitted_again.path == fitted.path
    assert left.path.name.endswith("-focal.jpg") and not centred.path.name.endswith("-focal.jpg")
    kept = [p.name for p in (tmp_path / "variants" / sha).glob("pinterest-*") if not p.name.endswith(".notes.json")]
    assert kept == [right.path.name]


def test_notes_and_the_sellers_padding_are_kept_with_the_cached_picture(
    tmp_path: Path, write: Write, renders: list[list[str]]
) -> None:
    store = ImageStore(tmp_path)
    tall = Image.new("RGB", (600, 1800), (200, 205, 210))
    ImageDraw.Draw(tall).rectangle((220, 100, 380, 1700), fill=(30, 80, 40))
    sha = store.add(write("bottle.jpg", encode(tall, "JPEG", quality=92))).sha256
    (white,) = store.variants(sha, ["pinterest"])
    (blurred,) = store.variants(sha, ["pinterest"], fill="blur")
    assert white.path != blurred.path and "padded with white" in white.notes[0]
    (again,) = store.variants(sha, ["pinterest"], fill="blur")  # from the cache, notes and all
    assert renders == [["pinterest"], ["pinterest"]]
    assert again.path == blurred.path and again.notes == blurred.notes and "blurred" in again.notes[0]
    (meesho,) = store.variants(sha, ["meesho"], fill="blur")
    assert meesho.path == store.variants(sha, ["meesho"])[0].path  # white-background platforms ignore it


def test_a_lost_variant_is_made_again(tmp_path: Path, write: Write) -> None:
    store = ImageStore(tmp_path)
    sha = store.add(write("p.jpg", encode(scene(800, 600), "JPEG"))).sha256
    (thumb,) = store.variants(sha, ["thumbnail"])
    thumb.path.write_bytes(b"")  # half-synced or damaged cache file
    (again,) = store.variants(sha, ["thumbnail"])
    assert again.path == thumb.path and again.bytes > 1000


def test_asking_for_a_photo_the_store_does_not_hold(tmp_path: Path) -> None:
    store = ImageStore(tmp_path)
    with pytest.raises(NotFound, match="not in the image store"):
        store.variants("ab" * 32, ["etsy"])
    with pytest.raises(ValidationError, match="not a picture id"):
        store.original_path("../../etc/passwd")
