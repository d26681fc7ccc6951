"""Where each preset's picture comes from in the photo, and how big it ends up.

Pure arithmetic on sizes (no pixels), in the coordinates of the upright photo, so it is easy to test.

Every preset has a target shape (its canvas aspect). A preset in crop or focal mode cuts the photo towards
that shape only while the product (the subject box) stays whole; what the crop cannot reach is padded.
A preset in fit mode shows the whole photo, padded. Nothing is ever enlarged past the pixels it is made
from, except up to a platform's hard minimum size (and the plan then says the photo is too small).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.images.presets import Focal, Preset

Box = tuple[float, float, float, float]
# Room kept around the product when a crop comes close to it, as a share of its width or height.
SUBJECT_MARGIN = 0.04
# A crop may take up to this share of the kept span (the product and its margin) when that is all that stands
# between the photo and the preset's shape: it eats into the margin, or the very edges of a busy photo,
# instead of padding a thin strip. Products keep at least 96 % of their area.
CROP_TOLERANCE = 0.06
SLIVER = 0.01


@dataclass(frozen=True)
class Plan:
    """One preset's layout: the *box* of the photo shown, scaled to *size*, placed on *canvas* at *offset*.

    ``stopped`` is True when the crop towards the preset's shape was stopped so as not to cut the product
    (the rest is padding); ``enlarged`` is how many times the photo is blown up (1.0 or less: not at all).
    """

    box: Box
    size: tuple[int, int]
    canvas: tuple[int, int]
    offset: tuple[int, int]
    stopped: bool = False

    @property
    def scale(self) -> float:
        """Output pixels per photo pixel (above 1 means enlarging)."""
        return self.size[0] / (self.box[2] - self.box[0])

    @property
    def padded(self) -> bool:
        """True when part of the canvas is padding (white or a blurred extension), not the photo."""
        return self.size != self.canvas


def plan(
    preset: Preset,
    photo: tuple[int, int],
    focal: Focal | None = None,
    subject: Box | None = None,
    max_scale: float | None = None,
) -> Plan:
    """Lay out *preset* for an upright photo of size *photo*.

    *subject* is the product's box in photo pixels (None: the whole photo counts as the product, so
    nothing is cut). *max_scale* is how many output pixels per photo pixel the decoded picture holds: a
    preset whose size is only an upper bound is never made larger than that.
    """
    width, height = photo
    aspect = target_aspect(preset, photo)
    keep = with_margin(subject, photo)
    if preset.mode == "fit":
        box: Box = (0.0, 0.0, float(width), float(height))
    else:
        box = crop_keeping(photo, aspect, keep, _centre(preset, focal, keep, photo))
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    frame = (box_w, box_w / aspect) if box_w / box_h > aspect else (box_h * aspect, box_h)
    scale = _scale(preset, frame, max_scale)
    canvas = _within_aspect(preset, (max(1, round(frame[0] * scale)), max(1, round(frame[1] * scale))))
    margin = preset.margin if canvas[0] > 2 * preset.margin and canvas[1] > 2 * preset.margin else 0
    inner = (canvas[0] - 2 * margin, canvas[1] - 2 * margin)
    fit = min(inner[0] / box_w, inner[1] / box_h)
    size = (min(inner[0], max(1, round(box_w * fit))), min(inner[1], max(1, round(box_h * fit))))
    offset = ((canvas[0] - size[0]) // 2, (canvas[1] - size[1]) // 2)
    stopped = preset.mode != "fit" and abs(box_w / box_h - aspect) > 0.01 * aspect
    return Plan(box, size, canvas, offset, stopped)


def target_aspect(preset: Preset, photo: tuple[int, int]) -> float:
    """The shape (width / height) of the preset's picture for this photo."""
    own = photo[0] / photo[1]
    if preset.width is not None and preset.height is not None and preset.canvas == "fixed":
        return preset.width / preset.height
    low, high = preset.limits.min_aspect, preset.limits.max_aspect
    if high is not None and own > high:
        return high
    if low is not None and own < low:
        return low
    return own


def crop_keeping(photo: tuple[int, int], aspect: float, keep: Box, centre: Focal) -> Box:
    """The box of the photo closest to *aspect*, centred near *centre*, that still holds all of *keep*.

    When the product is too wide (or tall) for the aspect, the box stops at the product's edges: its
    aspect then differs from *aspect* and the picture is padded the rest of the way.
    """
    width, height = photo
    if width / height > aspect:
        start, span = _span(height * aspect, centre[0] * width, keep[0], keep[2], width)
        return (start, 0.0, start + span, float(height))
    start, span = _span(width / aspect, centre[1] * height, keep[1], keep[3], height)
    return (0.0, start, float(width), start + span)


def _span(wanted: float, centre: float, keep_from: float, keep_to: float, limit: int) -> tuple[float, float]:
    """Start and length of a crop along one axis: *wanted* long if that keeps [keep_from, keep_to]."""
    kept = keep_to - keep_from
    span = max(wanted, min(float(limit), kept * (1 - CROP_TOLERANCE)))
    if span <= wanted * (1 + SLIVER):
        span = wanted  # a pad strip this thin would only look like a mistake: take the sliver off the margin
    # Within the tolerance the kept span is trimmed evenly on both sides; otherwise the span holds all of it.
    trim = span < kept
    start = (keep_from + keep_to - span) / 2 if trim else max(min(centre - span / 2, keep_from), keep_to - span)
    return min(max(start, 0.0), limit - span), span


def subject_kept(box: Box, subject: Box) -> float:
    """The share (0..1) of the subject's area that lies inside *box*."""
    inside_w = max(0.0, min(box[2], subject[2]) - max(box[0], subject[0]))
    inside_h = max(0.0, min(box[3], subject[3]) - max(box[1], subject[1]))
    area = (subject[2] - subject[0]) * (subject[3] - subject[1])
    return inside_w * inside_h / area if area > 0 else 1.0


def _within_aspect(preset: Preset, canvas: tuple[int, int]) -> tuple[int, int]:
    """Round a canvas so its aspect stays inside the platform's range (1080x565 is above 1.91:1)."""
    width, height = canvas
    low, high = preset.limits.min_aspect, preset.limits.max_aspect
    if high is not None and width / height > high:
        height = math.ceil(width / high)
    if low is not None and width / height < low:
        width = math.ceil(height * low)
    return (width, height)


def with_margin(subject: Box | None, photo: tuple[int, int]) -> Box:
    """The product's box with SUBJECT_MARGIN of room around it, within the photo (all of it for no product)."""
    width, height = photo
    if subject is None:
        return (0.0, 0.0, float(width), float(height))
    pad_x = (subject[2] - subject[0]) * SUBJECT_MARGIN
    pad_y = (subject[3] - subject[1]) * SUBJECT_MARGIN
    return (
        max(0.0, subject[0] - pad_x),
        max(0.0, subject[1] - pad_y),
        min(float(width), subject[2] + pad_x),
        min(float(height), subject[3] + pad_y),
    )


def _centre(preset: Preset, focal: Focal | None, keep: Box, photo: tuple[int, int]) -> Focal:
    if preset.uses_focal(focal) and focal is not None:
        return focal
    return ((keep[0] + keep[2]) / 2 / photo[0], (keep[1] + keep[3]) / 2 / photo[1])


def _scale(preset: Preset, frame: tuple[float, float], max_scale: float | None) -> float:
    """Output pixels per photo pixel for a frame of this size (in photo pixels)."""
    if preset.long_edge is not None:
        scale = preset.long_edge / max(frame)
    else:
        assert preset.width is not None
        scale = preset.width / frame[0]
    if not preset.size_is_maximum:
        return scale
    # An upper bound: never enlarge, never past what the decode holds, but never under the platform's minimum.
    scale = min(scale, 1.0, max_scale if max_scale is not None else 1.0)
    low = max(
        (preset.limits.min_width or 0) / frame[0],
        (preset.limits.min_height or 0) / frame[1],
    )
    return max(scale, low)
