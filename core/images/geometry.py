"""Where each preset's picture comes from in the photo, and how big it ends up.

Pure arithmetic on sizes (no pixels), in the coordinates of the upright photo, so it is easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.images.presets import Focal, Preset

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Plan:
    """One preset's layout: the *box* of the photo shown, scaled to *size*, placed on *canvas* at *offset*."""

    box: Box
    size: tuple[int, int]
    canvas: tuple[int, int]
    offset: tuple[int, int]

    @property
    def scale(self) -> float:
        """Output pixels per photo pixel (above 1 means enlarging)."""
        return self.size[0] / (self.box[2] - self.box[0])


def plan(preset: Preset, photo: tuple[int, int], focal: Focal | None = None) -> Plan:
    """Lay out *preset* for an upright photo of size *photo*."""
    width, height = photo
    centre = focal if preset.uses_focal(focal) and focal is not None else (0.5, 0.5)
    if preset.long_edge is not None:
        box = _clamp_aspect((0.0, 0.0, float(width), float(height)), preset, centre)
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        # Long-edge presets never enlarge: a small photo is better sent as it is than blown up.
        scale = min(1.0, preset.long_edge / max(box_w, box_h))
        size = (max(1, round(box_w * scale)), max(1, round(box_h * scale)))
        return Plan(box, size, size, (0, 0))
    assert preset.width is not None and preset.height is not None
    canvas = (preset.width, preset.height)
    if preset.mode == "fit":
        inner_w, inner_h = preset.width - 2 * preset.margin, preset.height - 2 * preset.margin
        scale = min(inner_w / width, inner_h / height)
        size = (min(inner_w, max(1, round(width * scale))), min(inner_h, max(1, round(height * scale))))
        offset = ((preset.width - size[0]) // 2, (preset.height - size[1]) // 2)
        return Plan((0.0, 0.0, float(width), float(height)), size, canvas, offset)
    box = _crop_box(photo, preset.width / preset.height, centre)
    return Plan(box, canvas, canvas, (0, 0))


def _crop_box(photo: tuple[int, int], aspect: float, centre: Focal) -> Box:
    """The largest box of the given aspect, as close to centred on *centre* as the photo's edges allow."""
    width, height = photo
    if width / height > aspect:
        box_w, box_h = height * aspect, float(height)
    else:
        box_w, box_h = float(width), width / aspect
    x0 = min(max(centre[0] * width - box_w / 2, 0.0), width - box_w)
    y0 = min(max(centre[1] * height - box_h / 2, 0.0), height - box_h)
    return (x0, y0, x0 + box_w, y0 + box_h)


def _clamp_aspect(box: Box, preset: Preset, centre: Focal) -> Box:
    """Crop a long-edge preset's box into the platform's allowed aspect range, if it has one."""
    width, height = box[2], box[3]
    aspect = width / height
    low, high = preset.limits.min_aspect, preset.limits.max_aspect
    if high is not None and aspect > high:
        return _crop_box((int(width), int(height)), high, centre)
    if low is not None and aspect < low:
        return _crop_box((int(width), int(height)), low, centre)
    return box
