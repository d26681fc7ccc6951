"""Before a Snapdeal post is queued, a photo in which the product fills less than Snapdeal's 75 % is named (core and
CLI), while a photo that can be cropped closer passes without a word. Photos are generated and really stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from core.app import App
from core.platforms.connections import record_connected
from core.products.photos import add_photos
from core.publishing.bulk import create_jobs
from core.publishing.timezones import seller_zone
from tests.platforms.conftest import add_product

KOLKATA = seller_zone("Asia/Kolkata")


def _photo(folder: Path, name: str, size: tuple[int, int], box: tuple[int, int, int, int]) -> Path:
    image = Image.new("RGB", size, (228, 226, 222))
    ImageDraw.Draw(image).rounded_rectangle(box, radius=12, fill=(40, 90, 150))
    path = folder / name
    image.save(path, quality=92)
    return path


def _snapdeal_product(app: App, folder: Path, photos: list[Path], title: str) -> int:
    product = add_product(app, platforms=("snapdeal",), photos=0, currency="INR", sku=None, title=title)
    add_photos(app.db, app.image_store, product, photos)
    return product


def test_a_photo_the_product_does_not_fill_is_named_before_the_post_is_queued(app: App, tmp_path: Path) -> None:
    record_connected(app.db, "snapdeal", "Clay Corner", "S1", None, {})
    far = _photo(tmp_path, "far.jpg", (800, 600), (355, 255, 445, 345))  # too small to crop closer
    close = _photo(tmp_path, "close.jpg", (4000, 3000), (1500, 800, 2500, 2200))  # cropped closer: fine
    product = _snapdeal_product(app, tmp_path, [close, far], "Brass charm")
    at = datetime.now(UTC) + timedelta(days=2)
    result = create_jobs(app, [product], ["snapdeal"], at, now=datetime.now(UTC), zone=KOLKATA)
    assert len(result.jobs) == 1 and result.skipped == []  # the seller decides: the post is still scheduled
    (note,) = result.notes
    assert note.startswith(f"#{product} 'Brass charm' on Snapdeal, photo 2: Snapdeal asks for the product to fill at "
                           "least 75 % of the picture; in this photo it fills ")
    assert note.endswith("Take the photo closer to the product, or use a larger photo.")


def test_publish_at_prints_the_fill_note(app: App, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    record_connected(app.db, "snapdeal", "Clay Corner", "S1", None, {})
    far = _photo(tmp_path, "far.jpg", (800, 600), (355, 255, 445, 345))
    product = _snapdeal_product(app, tmp_path, [far], "Brass charm")
    at = (datetime.now(UTC) + timedelta(days=2)).astimezone(KOLKATA)
    result = cli("publish", str(product), "--platform", "snapdeal", "--at", at.strftime("%Y-%m-%dT%H:%M"))
    assert result.code == 0, result.out + result.err
    assert ("Note: #1 'Brass charm' on Snapdeal, photo 1: Snapdeal asks for the product to fill at least 75 % of "
            "the picture; in this photo it fills") in result.out
