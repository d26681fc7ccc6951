"""Bring any accepted picture to upright, 8-bit sRGB.

The steps are separate functions because the variant pipeline runs them in a cheap order: modes that
Pillow cannot resample are converted at full size, but rotation and colour conversion wait until the
picture has been scaled down (a 12 MP rotation or ICC transform costs as much as several small ones).
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageCms

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIXTEEN_BIT = ("I", "I;16", "I;16B", "I;16L", "I;16N")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8) of an opened picture; 1 when absent or nonsense."""
    value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def oriented_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The size a picture of raw *size* has once turned upright."""
    return (size[1], size[0]) if orientation >= 5 else size


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn a raw picture upright according to its EXIF orientation."""
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)


def resampleable(image: Image.Image) -> Image.Image:
    """Convert modes Pillow cannot scale well (palette, 1-bit, 16-bit, LA) to L, RGB, RGBA or CMYK.

    CMYK and L are kept: they are scaled as they are and converted to sRGB afterwards.
    """
    mode = image.mode
    if mode in _SIXTEEN_BIT:
        # convert("L") clips 16-bit values at 255 (a white picture); scale 0..65535 down to 0..255 instead.
        return image.convert("I").point(lambda v: v / 256).convert("L")
    if mode in ("L", "RGB") and "transparency" in image.info:
        return image.convert("RGBA")
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if mode == "1":
        return image.convert("L")
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert a (scaled, upright) picture to sRGB: RGB, or RGBA when it has transparency.

    An embedded ICC profile (Display P3, Adobe RGB, a CMYK press profile ...) is honoured; without one,
    RGB is taken to be sRGB already, as browsers and the platforms do.
    """
    out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    if icc_profile:
        transform = _transform_from(icc_profile, image.mode, out_mode)
        if transform is not None:
            return ImageCms.applyTransform(image, transform) or image
    return image if image.mode == out_mode else image.convert(out_mode)


def flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Lay a transparent picture on a solid background (JPEG has no alpha; dropping it would show black)."""
    if image.mode != "RGBA":
        return image
    canvas = Image.new("RGB", image.size, background)
    canvas.paste(image, mask=image.getchannel("A"))
    return canvas


@functools.lru_cache(maxsize=16)
def _transform_from(icc_profile: bytes, in_mode: str, out_mode: str) -> ImageCms.ImageCmsTransform | None:
    # Cached because building a transform costs milliseconds and a batch usually comes from one camera.
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if in_mode != "CMYK" and ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
            return None  # already sRGB: the transform would only add rounding
        # NOCACHE: lcms keeps a one-pixel cache per transform, which is unsafe when threads share it.
        return ImageCms.buildTransform(
            source,
            _SRGB,
            in_mode,
            out_mode,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            flags=ImageCms.Flags.NOCACHE,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken or exotic profile is no reason to refuse a seller's photo: show it untransformed.
        return None
