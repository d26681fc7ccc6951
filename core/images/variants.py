"""Render every requested preset from one photo: decode once, scale down in a cascade, encode each.

Speed matters (a batch is hundreds of 12 MP photos), so the photo is decoded once, JPEGs at the smallest
DCT scale that still covers the largest preset, then halved with box averaging into a small pyramid.
Each preset is scaled from the smallest level that still has enough pixels, so no resampling step
shrinks by more than 2x (a resampling filter's cost grows with the shrink factor: it reads more source
pixels per output pixel). Rotation and colour conversion run on the levels presets use, usually not the
full-size decode. No preset is made from fewer pixels than it shows: the decode is sized for the presets
asked for, and only a photo smaller than a fixed-size preset is enlarged (with a note saying so).

The product's box is found once on a small level (core.images.subject) and every crop keeps it whole.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageFilter

from core.images.errors import ImageRejected
from core.images.fill import fill_note, filled
from core.images.geometry import Box, Plan, plan
from core.images.normalise import (
    flatten,
    oriented_size,
    resampleable,
    to_srgb,
    upright,
)
from core.images.notes import PADDED_BLUR, PADDED_WHITE, TOO_FEW_BYTES, TOO_SMALL, note
from core.images.presets import Focal, Preset
from core.images.subject import WORK_SIZE, find_subject, refine
from core.images.validate import load_picture, open_picture, upright_orientation

# When the byte limit is exceeded: lower the JPEG quality in steps down to the floor, then shrink.
QUALITY_STEP = 6
QUALITY_FLOOR = 60
SHRINK_STEP = 0.85
# When a platform's byte minimum is not reached: raise the quality in steps up to the ceiling, then grow the
# picture (never past the pixels the photo has).
QUALITY_CEILING = 95
GROW_STEP = 1.25
# A preset whose size is only an upper bound (Facebook's 2048 px, say) takes a picture up to 3 % smaller
# rather than a decode with four times the pixels: a 4000 px photo then serves it from its 1/2-scale DCT
# decode at 2000 px, never enlarged.
MAXIMUM_SLACK = 0.97
BOX_FROM = 1.6  # shrinking by this much or more: area averaging (see _content)
# Crops keeping at least this share of the photo are cut from the whole photo scaled; one such picture serves
# the crops within SHARE_SLACK of its scale (see _Maker._shared).
WHOLE_FIRST = 0.8
SHARE_SLACK = 0.01


@dataclass(frozen=True)
class Rendered:
    """One preset's finished picture, encoded and ready to write, with what the seller should know."""

    preset: Preset
    data: bytes
    width: int
    height: int
    quality: int
    notes: tuple[str, ...] = ()
    layout: Plan | None = None  # where the photo sits in the picture (before any shrinking for max_bytes)
    decoded_scale: float = 1.0  # pixels per photo pixel in the decode it was made from (layout.scale never more)


def render(
    data: bytes, name: str, presets: Sequence[Preset], focal: Focal | None = None, fill: str = "white"
) -> list[Rendered]:
    """Make every preset's picture from one photo's bytes; raises ImageRejected if the photo is unusable.

    *name* is the file name used in messages; *focal* is the seller's focal point (x, y in 0..1 of the
    upright photo) for presets in focal mode; *fill* is the seller's padding ("white" or "blur") for
    presets that leave it to the seller.
    """
    if not presets:
        return []
    pyramid, photo = _decode(data, name, presets)
    subject = _subject_box(pyramid, photo)
    maker = _Maker(pyramid, photo, name)
    if any(p.min_fill for p in presets):
        maker.tight = _tight_box(pyramid, photo, subject)
    # A platform that wants the product to fill its picture may crop closer than the decode was sized for (it is
    # sized before the product is found): decode again with the pixels that crop needs, when the photo has them.
    closer = max((maker.raw_plan(p, focal, subject).scale for p in presets if p.min_fill), default=0.0)
    if closer > pyramid.decoded_scale + 1e-6 and pyramid.decoded_scale < 1:
        tight = maker.tight
        pyramid, photo = _decode(data, name, presets, at_least=closer)
        maker = _Maker(pyramid, photo, name)
        maker.tight = tight
    results: dict[str, Rendered] = {}
    for preset in sorted(presets, key=lambda p: -maker.raw_plan(p, focal, subject).scale):
        results[preset.name] = maker.make(preset, focal, subject, preset.fill_for(fill))
    return [results[preset.name] for preset in presets]


def _decode(
    data: bytes, name: str, presets: Sequence[Preset], at_least: float = 0.0
) -> tuple[_Pyramid, tuple[int, int]]:
    """The photo decoded with enough pixels for every preset (and *at_least* pixels per photo pixel), and its
    upright size."""
    image = open_picture(data, name)
    turn = upright_orientation(image, name)
    photo = oriented_size(image.size, turn)
    need = max(decode_scale(presets, photo), at_least)
    if need < 1:
        # JPEG only (a no-op elsewhere): decode at 1/2, 1/4 or 1/8 scale when that still covers every preset.
        image.draft(None, (math.ceil(image.width * need), math.ceil(image.height * need)))
    load_picture(image, name)
    icc = image.info.get("icc_profile")
    pyramid = _Pyramid(resampleable(image), turn, icc, photo)
    del image  # the pyramid holds the decode now, and may let it go (a large PNG, see _Pyramid.shrink_to)
    pyramid.shrink_to(need)
    return pyramid, photo


def decode_scale(presets: Sequence[Preset], photo: tuple[int, int]) -> float:
    """How many pixels per photo pixel the decode must keep so that no preset is enlarged from it.

    Worked out for the tightest crop each preset could make (a product at a single point), which needs
    the most pixels; the real crops, which keep the product whole, need fewer.
    """
    point = (photo[0] / 2, photo[1] / 2, photo[0] / 2, photo[1] / 2)
    return max(
        plan(preset, photo, subject=point).scale * (MAXIMUM_SLACK if preset.size_is_maximum else 1.0)
        for preset in presets
    )


def _subject_box(pyramid: _Pyramid, photo: tuple[int, int]) -> Box:
    """The product's box in photo pixels, found on a small level of the pyramid."""
    level = pyramid.level_for(min(1.0, 2 * WORK_SIZE / max(photo)))
    x0, y0, x1, y1 = find_subject(level)
    return (x0 * photo[0], y0 * photo[1], x1 * photo[0], y1 * photo[1])


def _tight_box(pyramid: _Pyramid, photo: tuple[int, int], subject: Box) -> Box:
    """The product's box measured again closely (core.images.subject.refine), for how much of a picture it fills."""
    long_side = max(subject[2] - subject[0], subject[3] - subject[1])
    level = pyramid.level_for(min(1.0, 2 * WORK_SIZE / max(long_side, 1.0)))
    box = refine(level, (subject[0] / photo[0], subject[1] / photo[1], subject[2] / photo[0], subject[3] / photo[1]))
    return (box[0] * photo[0], box[1] * photo[1], box[2] * photo[0], box[3] * photo[1])


class _Maker:
    """Lays out, scales, pads and encodes one preset at a time, sharing work between presets."""

    def __init__(self, pyramid: _Pyramid, photo: tuple[int, int], name: str) -> None:
        self.pyramid = pyramid
        self.photo = photo
        self.name = name
        self.whole: Box = (0.0, 0.0, float(photo[0]), float(photo[1]))
        self.contents: dict[tuple[Box, tuple[int, int]], Image.Image] = {}
        self.encoded: dict[tuple[Plan, tuple[int, int, int], str, int], bytes] = {}
        self.wholes: dict[int, tuple[int, int]] = {}  # whole-photo pictures crops are cut from, by width
        self.tight: Box | None = None  # the product's box measured closely, for presets with a fill rule

    def raw_plan(self, preset: Preset, focal: Focal | None, subject: Box) -> Plan:
        layout = plan(preset, self.photo, focal, subject, self.pyramid.decoded_scale)
        return filled(preset, layout, self.tight or subject, self.photo, self.pyramid.decoded_scale)

    def plan(self, preset: Preset, focal: Focal | None, subject: Box) -> Plan:
        """The preset's plan; a crop keeping most of the photo is moved onto a whole-photo picture's pixels."""
        return self._shared(self.raw_plan(preset, focal, subject))

    def _shared(self, layout: Plan) -> Plan:
        """Cut a large crop from the whole photo scaled, not by its own resampling: one scaled whole photo
        then serves every crop within SHARE_SLACK of its scale (the crop box shrinks by at most that much,
        around its centre, and moves at most half an output pixel onto that picture's grid) and, as a
        pyramid level, the smaller presets after them."""
        width, height = self.photo
        box = layout.box
        share = (box[2] - box[0]) * (box[3] - box[1]) / (width * height)
        if box == self.whole or share < WHOLE_FIRST or layout.scale > self.pyramid.decoded_scale:
            return layout
        low, high = layout.scale - 1e-9, layout.scale * (1 + SHARE_SLACK)
        size = next((s for s in self.wholes.values() if low <= s[0] / width <= high), None)
        if size is None:
            size = (max(1, round(width * layout.scale)), max(1, round(height * layout.scale)))
            self.wholes[size[0]] = size
        if layout.size[0] > size[0] or layout.size[1] > size[1]:
            return layout
        sx, sy = size[0] / width, size[1] / height
        x0 = min(max(round((box[0] + box[2]) / 2 * sx - layout.size[0] / 2), 0), size[0] - layout.size[0])
        y0 = min(max(round((box[1] + box[3]) / 2 * sy - layout.size[1] / 2), 0), size[1] - layout.size[1])
        return replace(layout, box=(x0 / sx, y0 / sy, (x0 + layout.size[0]) / sx, (y0 + layout.size[1]) / sy))

    def _whole_picture(self, size: tuple[int, int]) -> Image.Image:
        key = (self.whole, size)
        if key not in self.contents:
            whole = Plan(self.whole, size, size, (0, 0))
            self.contents[key] = _content(self.pyramid.level_for(whole.scale), whole, self.photo)
            self.pyramid.add(self.contents[key])  # a level for the smaller presets still to come
        return self.contents[key]

    def picture(self, layout: Plan, background: tuple[int, int, int], fill: str) -> Image.Image:
        key = (layout.box, layout.size)
        if key not in self.contents:
            size = self.wholes.get(round(self.photo[0] * layout.scale))
            if layout.box == self.whole:
                self._whole_picture(layout.size)
            elif size is not None:
                full = self._whole_picture(size)
                x0 = round(layout.box[0] * size[0] / self.photo[0])
                y0 = round(layout.box[1] * size[1] / self.photo[1])
                self.contents[key] = full.crop((x0, y0, x0 + layout.size[0], y0 + layout.size[1]))
            else:
                self.contents[key] = _content(self.pyramid.level_for(layout.scale), layout, self.photo)
        return _compose(self.contents[key], layout, background, fill)

    def encode(self, layout: Plan, background: tuple[int, int, int], fill: str, quality: int) -> bytes:
        key = (layout, background, fill, quality)
        if key not in self.encoded:
            self.encoded[key] = _jpeg(self.picture(layout, background, fill), quality)
        return self.encoded[key]

    def make(self, preset: Preset, focal: Focal | None, subject: Box, fill: str) -> Rendered:
        layout = self.plan(preset, focal, subject)
        notes = _layout_notes(preset, layout, self.photo, self.name, fill)
        too_small = fill_note(preset, layout, self.tight or subject, self.photo)
        notes += (too_small,) if too_small else ()
        data = self.encode(layout, preset.background, fill, preset.quality)
        if len(data) < preset.min_bytes:
            return self._at_least(preset, layout, data, focal, subject, fill, notes)
        picture = self.picture(layout, preset.background, fill) if len(data) > preset.max_bytes else None
        made = _within_limit(picture, data, preset, layout, self.name, notes)
        return replace(made, decoded_scale=self.pyramid.decoded_scale)

    def _at_least(
        self, preset: Preset, layout: Plan, data: bytes, focal: Focal | None, subject: Box, fill: str,
        notes: tuple[str, ...],
    ) -> Rendered:
        """Raise quality, then size (never past the decoded photo), until the platform's minimum is met."""
        original, quality = preset, preset.quality
        while len(data) < preset.min_bytes:
            if quality < QUALITY_CEILING:
                quality = min(QUALITY_CEILING, quality + QUALITY_STEP)
            else:
                bigger = self.plan(_grown(preset, GROW_STEP), focal, subject)
                if bigger.scale > min(1.0, self.pyramid.decoded_scale) + 1e-9 or bigger.canvas == layout.canvas:
                    notes += (note(TOO_FEW_BYTES, platform=preset.label, wanted=f"{preset.min_bytes / 1000:,.0f}",
                                   made=f"{len(data) / 1000:,.0f}"),)
                    break
                preset, layout = _grown(preset, GROW_STEP), bigger
            data = self.encode(layout, preset.background, fill, quality)
        width, height = layout.canvas
        return Rendered(original, data, width, height, quality, notes, layout, self.pyramid.decoded_scale)


def _grown(preset: Preset, factor: float) -> Preset:
    """The same preset asking for a picture *factor* times larger (for a byte minimum)."""
    if preset.long_edge is not None:
        return replace(preset, long_edge=round(preset.long_edge * factor))
    assert preset.width is not None and preset.height is not None
    return replace(preset, width=round(preset.width * factor), height=round(preset.height * factor))


def _layout_notes(preset: Preset, layout: Plan, photo: tuple[int, int], name: str, fill: str) -> tuple[str, ...]:
    """What the seller should know about this platform's picture: too small a photo, a crop stopped."""
    notes = []
    if layout.scale > 1.01:
        need = (math.ceil(photo[0] * layout.scale), math.ceil(photo[1] * layout.scale))
        notes.append(note(TOO_SMALL, photo=name, platform=preset.label, size=f"{photo[0]}×{photo[1]}",
                          scale=f"{layout.scale:.1f}", need=f"{need[0]}×{need[1]}"))
    if layout.stopped:
        notes.append(note(PADDED_BLUR if fill == "blur" else PADDED_WHITE, platform=preset.label))
    return tuple(notes)


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
        self._made: list[Image.Image] = []  # whole-photo pictures presets made, upright and in sRGB
        self.decoded_scale = self._scale(image)

    def level_for(self, scale: float) -> Image.Image:
        """The smallest level with at least *scale* pixels per photo pixel, upright and in sRGB."""
        while min(self._raw[-1].size) >= 4 and self._scale(self._raw[-1]) / 2 >= scale:
            self._raw.append(self._raw[-1].reduce(2))
        usable = [i for i, level in enumerate(self._raw) if self._scale(level) >= scale - 1e-9]
        index = usable[-1] if usable else 0  # enlarging: start from the most detailed level
        made = [level for level in self._made if scale - 1e-9 <= level.width / self._photo_width]
        smallest = min(made, key=lambda level: level.width, default=None)
        if smallest is not None and smallest.width < oriented_size(self._raw[index].size, self._turn)[0]:
            return smallest  # a preset's whole-photo picture is closer in size: a cheaper, gentler resize
        if index not in self._ready:
            self._ready[index] = to_srgb(upright(self._raw[index], self._turn), self._icc)
        return self._ready[index]

    def shrink_to(self, scale: float) -> None:
        """Replace the decode by its box reduction to just above *scale*, when that is at least 2x smaller.

        JPEG is already decoded small (DCT scaling); this is for formats decoded whole: a 99 MP PNG becomes
        a few megapixels at once, and its 400 MB decode is freed before any other copy is made.
        """
        factor = int(self.decoded_scale / max(scale, 1e-9) + 1e-9)
        if len(self._raw) == 1 and factor >= 2:
            self._raw = [self._raw[0].reduce(factor)]
            self.decoded_scale = self._scale(self._raw[0])

    def add(self, picture: Image.Image) -> None:
        """Offer a preset's picture of the whole photo (upright, sRGB) as a level for smaller presets."""
        self._made.append(picture)

    def _scale(self, level: Image.Image) -> float:
        return oriented_size(level.size, self._turn)[0] / self._photo_width


def _content(level: Image.Image, layout: Plan, photo: tuple[int, int]) -> Image.Image:
    """The part of the photo a plan shows, scaled from a pyramid level to the plan's size."""
    sx, sy = level.width / photo[0], level.height / photo[1]
    box = (layout.box[0] * sx, layout.box[1] * sy, layout.box[2] * sx, layout.box[3] * sy)
    whole = (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
    exact = all(abs(a - b) < 1e-6 for a, b in zip(box, whole, strict=True))
    if exact and (whole[2] - whole[0], whole[3] - whole[1]) == layout.size:
        # The level already has exactly these pixels (all of them: no copy needed).
        return level if whole == (0, 0, *level.size) else level.crop(whole)
    # The pyramid keeps every reduction within 2x. There HAMMING's short kernel measures 42-46 dB PSNR
    # against LANCZOS (no visible difference) at a third of the cost; from 1.6x on, area averaging (BOX)
    # measures about 40 dB, still invisible, at two thirds of HAMMING's cost. Enlarging needs a smooth BICUBIC.
    ratio = (box[2] - box[0]) / layout.size[0]
    if ratio < 1:
        resample = Image.Resampling.BICUBIC
    else:
        resample = Image.Resampling.BOX if ratio >= BOX_FROM else Image.Resampling.HAMMING
    return level.resize(layout.size, resample, box=box)


def _compose(content: Image.Image, layout: Plan, background: tuple[int, int, int], fill: str) -> Image.Image:
    """Place the content on the preset's canvas (padded with *fill*) with transparency flattened."""
    if layout.canvas == content.size:
        return flatten(content, background)
    if fill == "blur":
        canvas = _blurred_backdrop(flatten(content, background), layout)
    else:
        canvas = Image.new("RGB", layout.canvas, background)
    canvas.paste(content, layout.offset, content.getchannel("A") if content.mode == "RGBA" else None)
    return canvas


def _blurred_backdrop(content: Image.Image, layout: Plan) -> Image.Image:
    """The photo's own edges carried out to the canvas's edges and blurred: padding that continues the backdrop.

    Made at 1/16 of the canvas (the content's edge pixels repeated outwards, then a blur), so it costs a few
    milliseconds at any size; the product itself is never repeated into the padding.
    """
    step = 16
    canvas = layout.canvas
    small = (max(1, round(content.width / step)), max(1, round(content.height / step)))
    pixels = np.asarray(content.resize(small, Image.Resampling.BOX, reducing_gap=None).convert("RGB"))
    left, top = round(layout.offset[0] / step), round(layout.offset[1] / step)
    right = max(0, math.ceil(canvas[0] / step) - small[0] - left)
    bottom = max(0, math.ceil(canvas[1] / step) - small[1] - top)
    extended = np.pad(pixels, ((top, bottom), (left, right), (0, 0)), mode="edge")
    blurred = Image.fromarray(extended).filter(ImageFilter.GaussianBlur(1.5))
    return blurred.resize(canvas, Image.Resampling.BILINEAR)


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    """Encode with no metadata at all: no EXIF (GPS, camera serial), no comments, no ICC."""
    out = io.BytesIO()
    picture.info.clear()  # Pillow copies some of info (comment, XMP) into the file when asked nothing
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _within_limit(
    picture: Image.Image | None, data: bytes, preset: Preset, layout: Plan, name: str, notes: tuple[str, ...]
) -> Rendered:
    """Lower quality step by step, then size, until the picture fits the preset's byte limit."""
    quality = preset.quality
    floor = min(QUALITY_FLOOR, preset.quality)
    smallest = preset.limits.min_width or 16
    width, height = layout.canvas
    while len(data) > preset.max_bytes:
        assert picture is not None
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
    return Rendered(preset, data, width, height, quality, notes, layout)
