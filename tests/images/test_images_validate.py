"""Which files are taken as product photos, and what a seller is told about the others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from core.errors import SellerDeskError
from core.images.errors import ImageRejected
from core.images.validate import check_picture, read_source
from tests.images.photos import encode, exif, scene

Write = Callable[[str, bytes], Path]


def check(path: Path):  # type: ignore[no-untyped-def]
    return check_picture(read_source(path), path.name)


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("JPEG", {"quality": 90}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("WEBP", {"quality": 80}, "WEBP"),
        ("GIF", {}, "GIF"),
    ],
)
def test_pictures_are_recognised_by_content_not_by_name(
    write: Write, fmt: str, params: dict[str, object], expected: str
) -> None:
    # Every file is named .txt: only the bytes decide.
    path = write("product.txt", encode(scene(320, 240), fmt, **params))
    info = check(path)
    assert (info.format, info.width, info.height) == (expected, 320, 240)


def test_heic_from_an_iphone_is_accepted(write: Write) -> None:
    pillow_heif.register_heif_opener()
    path = write("IMG_0001.HEIC", encode(scene(320, 240), "HEIF", quality=80))
    info = check(path)
    assert (info.format, info.width, info.height) == ("HEIF", 320, 240)


def test_size_is_reported_upright_for_a_sideways_phone_photo(write: Write) -> None:
    path = write("sideways.jpg", encode(scene(320, 240), "JPEG", exif=exif(6)))
    info = check(path)
    assert (info.width, info.height) == (240, 320)


def test_a_pdf_named_jpg_is_refused_with_what_it_is_and_what_to_do(write: Write) -> None:
    path = write("photo.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    with pytest.raises(ImageRejected) as caught:
        check(path)
    assert str(caught.value) == (
        "photo.jpg is not a picture SellerDesk can read (it looks like a PDF). "
        "Save it as JPEG or PNG and add it again."
    )
    assert caught.value.reason == "unsupported"
    assert isinstance(caught.value, SellerDeskError)


@pytest.mark.parametrize(
    ("fmt", "looks_like"), [("BMP", "a BMP picture"), ("TIFF", "a TIFF picture"), ("ICO", "an icon file")]
)
def test_pictures_in_formats_the_platforms_do_not_take_are_refused_by_name(
    write: Write, fmt: str, looks_like: str
) -> None:
    path = write("product.jpg", encode(scene(200, 150), fmt))
    with pytest.raises(
        ImageRejected, match=rf"product\.jpg is not a picture .*\(it looks like {looks_like}\)"
    ):
        check(path)


def test_a_text_file_named_jpg_is_refused(write: Write) -> None:
    path = write("notes.jpg", b"Blue kurta, size M, Rs 499\nRed kurta, size L\n")
    with pytest.raises(ImageRejected, match=r"notes\.jpg is not a picture .* looks like a text file"):
        check(path)


def test_an_empty_file_is_refused(write: Write) -> None:
    path = write("empty.jpg", b"")
    with pytest.raises(ImageRejected, match=r"empty\.jpg is empty \(0 bytes\)") as caught:
        check(path)
    assert caught.value.reason == "empty"


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ImageRejected, match=r"gone\.jpg was not found") as caught:
        read_source(tmp_path / "gone.jpg")
    assert caught.value.reason == "missing"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_photo_is_refused_as_damaged(write: Write, fmt: str) -> None:
    data = encode(scene(400, 300, noise=20), fmt)
    path = write(f"cut.{fmt.lower()}", data[: len(data) * 6 // 10])
    with pytest.raises(ImageRejected, match=r"cut\.\w+ is damaged or incomplete") as caught:
        check(path)
    assert caught.value.reason == "damaged"
    assert "add it again" in str(caught.value)


def test_a_jpeg_with_garbage_after_the_header_is_refused(write: Write) -> None:
    data = encode(scene(200, 150), "JPEG")
    path = write("garbled.jpg", data[:200] + bytes(range(256)) * 20)
    with pytest.raises(ImageRejected, match="damaged"):
        check(path)


def test_a_decompression_bomb_is_refused_without_decoding_it(write: Write) -> None:
    # 20000×20000 declared in a file of a few kilobytes: decoding it would need 400 MB.
    bomb = encode(Image.new("1", (20000, 20000)), "PNG", optimize=True)
    assert len(bomb) < 200_000
    path = write("bomb.png", bomb)
    with pytest.raises(ImageRejected, match=r"bomb\.png is too big to open safely") as caught:
        check(path)
    assert caught.value.reason == "too_large"


def test_a_picture_just_over_the_pixel_limit_is_refused_with_its_size(write: Write) -> None:
    path = write("huge.png", encode(Image.new("1", (11000, 10000)), "PNG"))
    with pytest.raises(ImageRejected, match=r"11000×10000 pixels, 110 megapixels; the limit is 100"):
        check(path)
