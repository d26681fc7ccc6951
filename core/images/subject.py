"""Find the product in a photo, locally and cheaply: what stands out from the background at the borders.

Product photos are mostly a product on a plain or gently lit background. The background is modelled
from a strip along the photo's four borders (a smooth plane per colour channel, so a gradient from a
window or a vignette is background too); every pixel that differs from that model by clearly more than
the border's own variation, or that is part of a strong edge, is product. The subject box is the extent
of those pixels, after isolated specks (noise, dust) are removed.

When the photo is busy (the "product" touches most of the borders, or fills almost all of the photo),
the whole photo is the subject: crops then never cut anything, and the picture is padded instead.
A transparent photo's subject is simply its opaque part.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

Box = tuple[float, float, float, float]
# The photo is looked at this small (long side, pixels): enough to place a box to within about 1 %.
WORK_SIZE = 160
BORDER = 0.04  # the background strip, as a share of the short side
# A pixel is product when it is this many times further from the background model than the border's
# own 95th-percentile spread, and at least MIN_CONTRAST levels (0-255) away.
SPREAD_FACTOR = 2.5
MIN_CONTRAST = 24.0
BUSY_BORDER = 0.35  # more product than this along the borders: no background to tell it from
BUSY_AREA = 0.92
REFINE_PAD = 0.15  # background kept around the first box when it is measured again (refine)


def find_subject(image: Image.Image) -> Box:
    """The product's box as fractions (x0, y0, x1, y1) of the picture's width and height."""
    small = image.copy()
    small.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BOX)
    if small.mode in ("RGBA", "LA") or "transparency" in small.info:
        alpha = np.asarray(small.convert("RGBA").getchannel("A"), dtype=np.uint8)
        if alpha.min() < 250:
            return _extent(alpha > 32, alpha.shape)
    mask = product_mask(np.asarray(small.convert("RGB"), dtype=np.float32))
    return _extent(mask, mask.shape)


def product_mask(pixels: np.ndarray) -> np.ndarray:
    """True where a pixel belongs to the product (an H x W x 3 float array in 0..255)."""
    height, width = pixels.shape[:2]
    strip = max(2, round(min(width, height) * BORDER))
    border = np.zeros((height, width), dtype=bool)
    border[:strip, :] = border[-strip:, :] = True
    border[:, :strip] = border[:, -strip:] = True
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    basis = np.stack([np.ones_like(xs), xs / width, ys / height], axis=-1)
    # Least squares over the border strip: background = a + b x + c y, per channel.
    coefficients, *_ = np.linalg.lstsq(basis[border], pixels[border], rcond=None)
    distance = np.linalg.norm(pixels - basis @ coefficients, axis=-1)
    spread = float(np.percentile(distance[border], 95))
    contrast = distance > max(MIN_CONTRAST, SPREAD_FACTOR * spread)
    grey = pixels.mean(axis=-1)
    edges = np.zeros_like(grey)
    edges[1:-1, 1:-1] = np.hypot(grey[1:-1, 2:] - grey[1:-1, :-2], grey[2:, 1:-1] - grey[:-2, 1:-1])
    edge_spread = float(np.percentile(edges[border], 95))
    mask = contrast | (edges > max(2 * MIN_CONTRAST, SPREAD_FACTOR * 2 * edge_spread))
    if mask[border].mean() > BUSY_BORDER:
        return np.ones_like(mask)
    return _without_specks(mask)


def _without_specks(mask: np.ndarray) -> np.ndarray:
    """Drop isolated product pixels (noise), then grow back what was shrunk: a 3x3 opening."""
    picture = Image.fromarray(mask.astype(np.uint8) * 255)
    opened = picture.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
    return np.asarray(opened, dtype=np.uint8) > 127


def _extent(mask: np.ndarray, shape: tuple[int, ...]) -> Box:
    height, width = shape[0], shape[1]
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0 or mask.mean() > BUSY_AREA:
        return (0.0, 0.0, 1.0, 1.0)  # nothing stands out, or everything does: all of it is the subject
    # One working pixel stands for several photo pixels: take the whole of the edge pixels.
    return (cols[0] / width, rows[0] / height, (cols[-1] + 1) / width, (rows[-1] + 1) / height)


def refine(image: Image.Image, box: Box) -> Box:
    """*box* (fractions of *image*) found again on the part of the picture around it, to a few pixels.

    find_subject looks at a small copy of the whole photo, where one working pixel of a small product's edge may be
    several per cent of its size; measuring how much of a picture the product fills needs better. The crop keeps
    REFINE_PAD of background around the box on every side, so its own borders are background again.
    """
    if box == (0.0, 0.0, 1.0, 1.0):
        return box
    width, height = image.size
    pad_x, pad_y = (box[2] - box[0]) * REFINE_PAD, (box[3] - box[1]) * REFINE_PAD
    area = (max(0, int((box[0] - pad_x) * width)), max(0, int((box[1] - pad_y) * height)),
            min(width, round((box[2] + pad_x) * width + 0.5)), min(height, round((box[3] + pad_y) * height + 0.5)))
    found = find_subject(image.crop(area))
    if found == (0.0, 0.0, 1.0, 1.0):
        return box  # nothing (or everything) stands out of the crop: keep the first measure
    span_x, span_y = area[2] - area[0], area[3] - area[1]
    return ((area[0] + found[0] * span_x) / width, (area[1] + found[1] * span_y) / height,
            (area[0] + found[2] * span_x) / width, (area[1] + found[3] * span_y) / height)
