"""What Meta and Pinterest do with an image URL: really download it over HTTP and look at the picture.

So an address that does not answer (a media host that was never set up, a link that expired or was taken down
too early) fails the way it fails in production, and the stand-ins judge the bytes that actually arrived.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import httpx
from PIL import Image

# platform-facts.md, Instagram: JPEG only, <= 8 MB, width 320-1440 px, aspect ratio between 4:5 and 1.91:1.
IG_MAX_BYTES = 8 * 1024 * 1024
IG_MIN_WIDTH, IG_MAX_WIDTH = 320, 1440
IG_MIN_ASPECT, IG_MAX_ASPECT = 4 / 5, 1.91
FB_MAX_BYTES = 10 * 1024 * 1024  # platform-facts.md: Pages photo < 10 MB


class FetchFailed(Exception):
    """The URL could not be downloaded, or what came back is not a picture."""


@dataclass(frozen=True)
class Fetched:
    """A downloaded picture."""

    url: str
    format: str  # Pillow's name: JPEG, PNG, ...
    width: int
    height: int
    size: int

    @property
    def aspect(self) -> float:
        return self.width / self.height


def read_picture(data: bytes, source: str) -> Fetched:
    """Decode ``data`` (from ``source``) enough to know its format and size."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            fmt, (width, height) = str(image.format), image.size
    except Exception as exc:  # Pillow raises many kinds for garbage
        raise FetchFailed(f"not a picture ({type(exc).__name__})") from exc
    return Fetched(source, fmt, width, height, len(data))


def fetch(url: str, *, timeout: float = 5.0) -> Fetched:
    """GET ``url`` (no credentials, like a platform's crawler) and decode the picture."""
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise FetchFailed(f"could not download {url} ({type(exc).__name__})") from exc
    if response.status_code != 200:
        raise FetchFailed(f"downloading {url} answered HTTP {response.status_code}")
    return read_picture(response.content, url)


def instagram_shape_problem(picture: Fetched) -> tuple[int, str] | None:
    """(subcode, message) for why Instagram would refuse this picture's size or shape when the container is made."""
    if picture.size > IG_MAX_BYTES:
        return 2207004, f"The image is too large to download ({picture.size} bytes; the limit is {IG_MAX_BYTES})."
    if not IG_MIN_WIDTH <= picture.width <= IG_MAX_WIDTH:
        return 2207009, f"The image width {picture.width}px is outside {IG_MIN_WIDTH}-{IG_MAX_WIDTH}px."
    if not IG_MIN_ASPECT - 1e-3 <= picture.aspect <= IG_MAX_ASPECT + 1e-3:
        return 2207009, (f"The submitted image with aspect ratio ('{picture.width}/{picture.height}') cannot be "
                         "published. Please submit an image with a valid aspect ratio.")
    return None
