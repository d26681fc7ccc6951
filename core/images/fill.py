"""How much of a platform's picture the product fills, and a closer crop when a platform asks for more.

Snapdeal wants the product to fill at least 75 % of its picture ("Gridline placement"), read here as the
product spanning that share of the picture's width or height, whichever it spans more (a bottle standing the
full height of a square picture fills it, however narrow it is). The product is the subject box that
core.images.subject finds against the photo's border background.

A preset with ``min_fill`` whose layout leaves the product smaller is cropped closer around the product: never
cutting it (its box and a small margin stay whole), keeping the platform's own margin, and never enlarging the
photo more than ENLARGE_LIMIT times. When even that cannot reach the share, the picture keeps the closest crop it
could make and the seller gets a note saying how much the product fills and what to do.
"""

from __future__ import annotations

import re

from core.images.geometry import Box, Plan, with_margin
from core.images.notes import FILL_WOULD_BLUR, FILL_WOULD_CUT, note
from core.images.presets import Preset

# Aim this far above the platform's minimum: the subject box is found on a small copy of the photo and may be a
# few per cent larger than the product.
AIM = 0.12
# Never blown up more than this (output pixels per photo pixel) to fill the frame: beyond it a picture looks soft.
ENLARGE_LIMIT = 1.5
_NOTE = re.compile(r"^.+ asks for the product to fill at least \d+ % of the picture; in this photo it fills \d+ %")


def fill_of(layout: Plan, subject: Box) -> float:
    """The share (0..1) of the picture's width or height, the larger, that the product spans in *layout*."""
    box = layout.box
    scale_x = layout.size[0] / (box[2] - box[0])
    scale_y = layout.size[1] / (box[3] - box[1])
    shown_w = max(0.0, min(box[2], subject[2]) - max(box[0], subject[0])) * scale_x
    shown_h = max(0.0, min(box[3], subject[3]) - max(box[1], subject[1])) * scale_y
    return max(shown_w / layout.canvas[0], shown_h / layout.canvas[1])


def filled(preset: Preset, layout: Plan, subject: Box, photo: tuple[int, int], available: float = 1.0) -> Plan:
    """*layout*, cropped closer around the product when it fills less than ``preset.min_fill``.

    *available* is how many pixels per photo pixel the decoded photo holds: the crop aims AIM above the minimum,
    but settles for half that when the decode already holds it (rather than decoding the photo again).
    """
    if not preset.min_fill or fill_of(layout, subject) >= preset.min_fill:
        return layout
    canvas = layout.canvas
    margin, span, whole = _limits(preset, layout, subject, photo)
    inner = (canvas[0] - 2 * margin, canvas[1] - 2 * margin)
    aim = min(1.0, preset.min_fill + AIM) / span
    enough = min(1.0, preset.min_fill + AIM / 2) / span
    scale = min(aim, max(enough, available), whole, max(layout.scale, ENLARGE_LIMIT))
    if scale <= layout.scale:
        return layout
    box = _window(with_margin(subject, photo), subject, photo, (inner[0] / scale, inner[1] / scale))
    size = (min(inner[0], max(1, round((box[2] - box[0]) * scale))),
            min(inner[1], max(1, round((box[3] - box[1]) * scale))))
    # The product's centre goes to the picture's centre as far as the photo's edges allow.
    centre_x = ((subject[0] + subject[2]) / 2 - box[0]) * scale
    centre_y = ((subject[1] + subject[3]) / 2 - box[1]) * scale
    offset = (round(min(max(canvas[0] / 2 - centre_x, margin), canvas[0] - margin - size[0])),
              round(min(max(canvas[1] / 2 - centre_y, margin), canvas[1] - margin - size[1])))
    return Plan(box, size, canvas, offset)


def _limits(preset: Preset, layout: Plan, subject: Box, photo: tuple[int, int]) -> tuple[int, float, float]:
    """The platform's margin on this canvas, the product's span of the canvas per output pixel per photo pixel,
    and the largest scale that keeps the product and its margin whole."""
    canvas = layout.canvas
    margin = preset.margin if canvas[0] > 2 * preset.margin and canvas[1] > 2 * preset.margin else 0
    keep = with_margin(subject, photo)
    span = max((subject[2] - subject[0]) / canvas[0], (subject[3] - subject[1]) / canvas[1], 1e-9)
    whole = min((canvas[0] - 2 * margin) / (keep[2] - keep[0]), (canvas[1] - 2 * margin) / (keep[3] - keep[1]))
    return margin, span, whole


def _window(keep: Box, subject: Box, photo: tuple[int, int], wanted: tuple[float, float]) -> Box:
    """The part of the photo around the product that fills *wanted* (photo pixels), within the photo."""
    sides = []
    for axis, limit in ((0, photo[0]), (1, photo[1])):
        span = min(float(limit), max(wanted[axis], keep[axis + 2] - keep[axis]))
        start = (subject[axis] + subject[axis + 2]) / 2 - span / 2
        start = min(max(start, 0.0, keep[axis + 2] - span), keep[axis], limit - span)
        sides.append((start, start + span))
    return (sides[0][0], sides[1][0], sides[0][1], sides[1][1])


def fill_note(preset: Preset, layout: Plan, subject: Box, photo: tuple[int, int]) -> str | None:
    """What the seller should know when the product fills less of the picture than the platform asks."""
    if not preset.min_fill:
        return None
    share = fill_of(layout, subject)
    if share >= preset.min_fill:
        return None
    _margin, span, whole = _limits(preset, layout, subject, photo)
    wanted, filled_now = round(preset.min_fill * 100), round(share * 100)
    if whole * span < preset.min_fill:
        return note(FILL_WOULD_CUT, platform=preset.label, wanted=wanted, share=filled_now)
    return note(FILL_WOULD_BLUR, platform=preset.label, wanted=wanted, share=filled_now, limit=f"{ENLARGE_LIMIT:g}")


def is_fill_note(note: str) -> bool:
    """Whether *note* (a rendered picture's note) is the one fill_note writes."""
    return bool(_NOTE.match(note))
