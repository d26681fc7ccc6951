"""Render every requested preset from one photo: decode once, scale down in a cascade, encode each.

Speed matters (a batch is hundreds of 12 MP photos), so the photo is decoded once, JPEGs at the smallest
DCT scale that still covers the largest preset, then halved with box averaging into a small pyramid.
Each preset is scaled from the smallest level that still has enough pixels, so no resampling step
shrinks by more than 2x (a resampling filter's cost grows with the shrink factor: it reads more source
pixels per output pixel). Rotation and colour conversion run on the levels presets use, usually not the
full-size decode.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from core.images.errors import ImageRejected
from core.images.geometry import Plan, plan
from core.images.normalise import (
    flatten,
    oriented_size,
    resampleable,
    to_srgb,
    upright,
)
from core.images.presets import Focal, Preset
from core.images.validate import load_picture, open_picture, upright_orientation

# When the byte limit is exceeded: lower the JPEG quality in steps down to the floor, then shrink.
QUALITY_STEP = 6
QUALITY_FLOOR = 60
SHRINK_STEP = 0.85
# A level may stand in for a preset that needs up to 3% more pixels than it has. A 4000 px photo then serves
# 2048 px presets from its 1/2-scale DCT decode instead of a full decode plus a resample of all 12 MP
# (about a quarter of the time for all platforms); a 3% enlargement is invisible.
ENLARGE_TOLERANCE = 1.03


@dataclass(frozen=True)
class Rendered:
    """One preset's finished picture, encoded and ready to write."""

    preset: Preset
    data: bytes
    width: int
    height: int
    quality: int


def render(data: bytes, name: str, presets: Sequence[Preset], focal: Focal | None = None) -> list[Rendered]:
    """Make every preset's picture from one photo's bytes; raises ImageRejected if the photo is unusable.

    *name* is the file name used in messages; *focal* is the seller's focal point (x, y in 0..1 of the
    upright photo) for presets in focal mode.
    """
    image = open_picture(data, name)
    turn = upright_orientation(image, name)
    raw_size = image.size
    photo = oriented_size(raw_size, turn)
    plans = [(preset, plan(preset, photo, focal)) for preset in presets]
    if not plans:
        return []
    largest = max(p.scale for _, p in plans)
    if largest < 1:
        # JPEG only (a no-op elsewhere): decode at 1/2, 1/4 or 1/8 scale when that still covers every preset.
        need = largest / ENLARGE_TOLERANCE
        image.draft(None, (math.ceil(raw_size[0] * need), math.ceil(raw_size[1] * need)))
    load_picture(image, name)
    pyramid = _Pyramid(resampleable(image), turn, image.info.get("icc_profile"), photo)

    contents: dict[Plan, Image.Image] = {}
    encoded: dict[tuple[Plan, tuple[int, int, int], int], bytes] = {}
    results: dict[str, Rendered] = {}
    for preset, layout in sorted(plans, key=lambda item: -item[1].scale):
        if layout not in contents:
            contents[layout] = _content(pyramid.level_for(layout.scale), layout, photo)
        picture = _compose(contents[layout], layout, preset.background)
        key = (layout, preset.background, preset.quality)
        if key not in encoded:
            encoded[key] = _jpeg(picture, preset.quality)
        results[preset.name] = _within_limit(picture, encoded[key], preset, name)
    return [results[preset.name] for preset in presets]


class _Pyramid:
    """The decoded photo and its successive halvings.

    Halving is box averaging on the raw pixels (cheap); a level is turned upright and converted to sRGB
    only when a preset first uses it, which is usually a half or quarter level, not the full decode.
    """

    def __init__(self, image: Image.Image, turn: int, icc: bytes | None, photo: tuple[int, int]) -> None:
        self._raw = [image]
        self._ready: dict[int, Image.Image] = {}
        self._turn = turn
        self._icc = icc
        self._photo_width = photo[0]

    def level_for(self, scale: float) -> Image.Image:
        """The smallest level with (nearly) *scale* pixels per photo pixel, upright and in sRGB."""
        scale /= ENLARGE_TOLERANCE
        while min(self._raw[-1].size) >= 4 and self._scale(self._raw[-1]) / 2 >= scale:
            self._raw.append(self._raw[-1].reduce(2))
        usable = [i for i, level in enumerate(self._raw) if self._scale(level) >= scale - 1e-9]
        index = usable[-1] if usable else 0  # enlarging: start from the most detailed level
        if index not in self._ready:
            self._ready[index] = to_srgb(upright(self._raw[index], self._turn), self._icc)
        return self._ready[index]

    def _scale(self, level: Image.Image) -> float:
        return oriented_size(level.size, self._turn)[0] / self._photo_width


def _content(level: Image.Image, layout: Plan, photo: tuple[int, int]) -> Image.Image:
    """The part of the photo a plan shows, scaled from a pyramid level to the plan's size."""
    sx, sy = level.width / photo[0], level.height / photo[1]
    box = (layout.box[0] * sx, layout.box[1] * sy, layout.box[2] * sx, layout.box[3] * sy)
    whole = (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
    exact = all(abs(a - b) < 1e-6 for a, b in zip(box, whole, strict=True))
    if exact and (whole[2] - whole[0], whole[3] - whole[1]) == layout.size:
        return level.crop(whole)  # the level already has exactly these pixels
    # The pyramid keeps every reduction within 2x, where HAMMING's short kernel measures 42-45 dB PSNR
    # against LANCZOS (no visible difference) at a third of the cost; enlarging needs a smooth BICUBIC.
    enlarging = layout.size[0] > box[2] - box[0]
    resample = Image.Resampling.BICUBIC if enlarging else Image.Resampling.HAMMING
    return level.resize(layout.size, resample, box=box)


def _compose(content: Image.Image, layout: Plan, background: tuple[int, int, int]) -> Image.Image:
    """Place the content on the preset's canvas (padding for fit) with transparency flattened."""
    if layout.canvas == content.size:
        return flatten(content, background)
    canvas = Image.new("RGB", layout.canvas, background)
    canvas.paste(content, layout.offset, content.getchannel("A") if content.mode == "RGBA" else None)
    return canvas


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    """Encode with no metadata at all: no EXIF (GPS, camera serial), no comments, no ICC."""
    out = io.BytesIO()
    picture.info.clear()  # Pillow copies some of info (comment, XMP) into the file when asked nothing
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _within_limit(picture: Image.Image, data: bytes, preset: Preset, name: str) -> Rendered:
    """Lower quality step by step, then size, until the picture fits the preset's byte limit."""
    quality = preset.quality
    floor = min(QUALITY_FLOOR, preset.quality)
    smallest = preset.limits.min_width or 16
    while len(data) > preset.max_bytes:
        if quality > floor:
            quality = max(floor, quality - QUALITY_STEP)
        else:
            width, height = round(picture.width * SHRINK_STEP), round(picture.height * SHRINK_STEP)
            if width < smallest:
                raise ImageRejected(
                    name,
                    "too_big_for_platform",
                    f"cannot be made smaller than {preset.label}'s limit of {preset.max_bytes:,} bytes",
                    hint="Crop the photo to the product, or choose a simpler photo, and try again.",
                )
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        data = _jpeg(picture, quality)
    return Rendered(preset, data, picture.width, picture.height, quality)
