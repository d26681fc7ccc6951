"""Photo makers and pixel checks for the image tests: every test file is generated, none are checked in."""

from __future__ import annotations

import io
import struct
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

# sRGB's primaries as D50 colorants (what an ICC matrix/TRC profile stores).
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


def scene(width: int, height: int, *, noise: float = 4.0, seed: int = 7) -> Image.Image:
    """A photo-like RGB picture: smooth gradients, fine texture, hard-edged shapes and mild sensor noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    pixels = np.stack(
        [
            40 + 170 * x / width,
            60 + 150 * y / height,
            120 + 60 * np.sin(x / 37.0) * np.cos(y / 53.0),
        ],
        axis=-1,
    )
    pixels += 18 * np.sin(x / 3.1 + y / 4.7)[..., None]  # fine texture, like fabric
    pixels += rng.normal(0, noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        x1, y1 = x0 + int(rng.integers(20, width // 4)), y0 + int(rng.integers(20, height // 4))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour, outline=(0, 0, 0), width=3)
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    """The bytes of *image* saved in *fmt*."""
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def exif(orientation: int = 1, *, gps: bool = False) -> bytes:
    """EXIF with an orientation, and optionally a camera make and a GPS position (private data)."""
    data = Image.Exif()
    data[0x0112] = orientation
    if gps:
        data[0x010F] = "PrivateCam"  # Make
        gps_ifd = data.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (12.0, 58.0, 13.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (77.0, 35.0, 40.0)
    return data.tobytes()


def rgb_profile(red: tuple[float, float, float], green: tuple[float, float, float], name: str) -> bytes:
    """A minimal ICC v2 matrix/TRC RGB display profile with the given colorants and gamma 2.2."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(s15(v) for v in values)

    text = name.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(SRGB_BLUE)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0test\0\0\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, payload in tags:
        payload += b"\0" * (-len(payload) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(payload))
        body += payload
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def pixel(data: bytes, xy: tuple[float, float]) -> tuple[int, ...]:
    """The colour at fractional position *xy* of an encoded picture."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return tuple(rgb.getpixel((int(xy[0] * (rgb.width - 1)), int(xy[1] * (rgb.height - 1)))))  # type: ignore[arg-type]


def close(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    """True when every channel is within *tolerance* of the expected value (JPEG shifts colours a little)."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def entry(**fields: Any) -> dict[str, Any]:
    """A preset definition for presets.json, with harmless defaults for what the test does not care about."""
    base: dict[str, Any] = {
        "kind": "platform",
        "mode": "fit",
        "format": "JPEG",
        "quality": 90,
        "max_bytes": 50_000_000,
        "background": "#FFFFFF",
    }
    return base | fields


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB between two same-size RGB pictures (higher is more alike)."""
    x = np.asarray(a.convert("RGB"), dtype=np.float64)
    y = np.asarray(b.convert("RGB"), dtype=np.float64)
    mse = float(np.mean((x - y) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def decode(data: bytes) -> Image.Image:
    """Decode encoded bytes into a loaded RGB picture."""
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")
