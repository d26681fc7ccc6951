"""Decide by content (never by file name) whether a file is a picture SellerDesk can use.

Accepted: JPEG, PNG, WebP, HEIC/HEIF and GIF (first frame). Everything else, empty, damaged and
oversized files are refused with an ImageRejected that says which file, why, and what to do.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.images.errors import ImageRejected
from core.images.normalise import orientation, oriented_size

# A 100 MP picture needs ~300 MB decoded; anything larger is refused before decoding so a tiny file that
# declares huge dimensions (a decompression bomb) cannot exhaust memory.
MAX_PIXELS = 100_000_000

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF")

_SAVE_AS = "Save it as JPEG or PNG and add it again."
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"avc1", b"3gp4", b"3gp5", b"M4V "}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"II*\x00", "a TIFF picture"),
    (b"MM\x00*", "a TIFF picture"),
    (b"8BPS", "a Photoshop file"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
# catch_warnings swaps process-wide state; the lock keeps two of our threads from interleaving it.
_WARNINGS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Sniffed:
    """What a file's first bytes say it is: a Pillow format we accept, or a description for the seller."""

    format: str | None
    description: str


@dataclass(frozen=True)
class PictureInfo:
    """A validated picture: its format and its size as the seller sees it (EXIF orientation applied)."""

    format: str
    width: int
    height: int


def sniff(head: bytes) -> Sniffed:
    """Identify a file from its first bytes (32 are enough)."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return Sniffed(kind if kind in ACCEPTED_FORMATS else None, kind)
    if head[:2] == b"BM" and head[6:10] == b"\0\0\0\0":  # BMP: reserved header bytes are zero
        return Sniffed(None, "a BMP picture")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("WEBP", "WebP")
    if head[:4] == b"RIFF":
        return Sniffed(None, "a video or sound file")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return Sniffed("HEIF", "HEIC")
        if brand in (b"avif", b"avis"):
            return Sniffed(None, "an AVIF picture")
        if brand in _VIDEO_BRANDS:
            return Sniffed(None, "a video")
    text = head.lstrip().lower()
    if text.startswith((b"<svg", b"<?xml")):
        return Sniffed(None, "an SVG drawing or XML file")
    if text.startswith((b"<!doctype html", b"<html")):
        return Sniffed(None, "a web page")
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        return Sniffed(None, "an unknown kind of file")
    if all(ch.isprintable() or ch in "\r\n\t" for ch in decoded):
        return Sniffed(None, "a text file")
    return Sniffed(None, "an unknown kind of file")


def read_source(path: Path) -> bytes:
    """Read a seller's file whole, turning file-system failures into messages they can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise ImageRejected(
            path.name, "missing", "was not found", hint="Check the path and try again."
        ) from err
    except IsADirectoryError as err:
        raise ImageRejected(
            path.name, "unreadable", "is a folder, not a picture", hint="Choose the photo files inside it."
        ) from err
    except OSError as err:
        raise ImageRejected(
            path.name,
            "unreadable",
            f"could not be read ({err.strerror or err})",
            hint="Check that you may read the file and that no other program has it locked, then try again.",
        ) from err
    if not data:
        raise ImageRejected(
            path.name, "empty", "is empty (0 bytes)", hint="Copy the photo again from your phone or camera."
        )
    return data


def open_picture(data: bytes, name: str) -> Image.Image:
    """Open (header only) a picture we accept, refusing other content and oversized dimensions.

    Pixels are not decoded yet, so a caller can still ask JPEG for a smaller draft; call load_picture next.
    """
    sniffed = sniff(data[:32])
    if sniffed.format is None:
        raise ImageRejected(
            name,
            "unsupported",
            f"is not a picture SellerDesk can read (it looks like {sniffed.description})",
            hint=_SAVE_AS,
        )
    if sniffed.format == "HEIF":
        _register_heif()
    with decoding(name), _WARNINGS_LOCK, warnings.catch_warnings():
        # Our own limit below decides; Pillow's lower default would only print a warning.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=[sniffed.format])
    _check_pixels(image, name)
    return image


@contextlib.contextmanager
def decoding(name: str) -> Iterator[None]:
    """Turn Pillow's many ways of failing on bad data into one ImageRejected naming the file."""
    try:
        yield
    except Image.DecompressionBombError as err:
        raise _too_large(name, None) from err
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError) as err:
        raise _damaged(name) from err


def load_picture(image: Image.Image, name: str) -> None:
    """Decode the pixels, refusing truncated or corrupt data instead of showing a half-grey picture."""
    with decoding(name):
        image.load()
    _check_pixels(image, name)


def upright_orientation(image: Image.Image, name: str) -> int:
    """The picture's EXIF orientation; reading it can mean reading to the end of a PNG, so guard it too."""
    with decoding(name):
        return orientation(image)


def check_picture(data: bytes, name: str) -> PictureInfo:
    """Fully check a picture (every byte of pixel data is decoded) and report its format and size."""
    image = open_picture(data, name)
    with image:
        width, height = image.size
        turn = upright_orientation(image, name)
        # DCT scaling still entropy-decodes every block, so truncation is caught at an eighth of the cost.
        image.draft(None, (max(1, width // 8), max(1, height // 8)))
        load_picture(image, name)
        fmt = image.format or "?"
    width, height = oriented_size((width, height), turn)
    return PictureInfo(fmt, width, height)


@functools.cache
def _register_heif() -> None:
    # Imported on first HEIC only: pillow-heif loads libheif, which most sessions never need.
    import pillow_heif

    pillow_heif.register_heif_opener()


def _check_pixels(image: Image.Image, name: str) -> None:
    if image.width * image.height > MAX_PIXELS:
        raise _too_large(name, image.size)


def _too_large(name: str, size: tuple[int, int] | None) -> ImageRejected:
    limit = MAX_PIXELS // 1_000_000
    detail = (
        f"{size[0]}×{size[1]} pixels, {size[0] * size[1] / 1e6:.0f} megapixels; the limit is {limit}"
        if size
        else f"more than {limit} megapixels"
    )
    return ImageRejected(
        name,
        "too_large",
        f"is too big to open safely ({detail})",
        hint=f"Resize it to under {limit} megapixels (for example 8000×6000) and add it again.",
    )


def _damaged(name: str) -> ImageRejected:
    return ImageRejected(
        name,
        "damaged",
        "is damaged or incomplete (its picture data is cut short or corrupt)",
        hint="Copy it again from the phone or camera, or re-save it in a photo editor, then add it again.",
    )
