"""Whatever a seller's camera or editor produced, the platform picture is upright, sRGB and private."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageOps

from core.images.presets import Preset
from core.images.variants import render
from tests.images.photos import (
    SRGB_GREEN,
    SRGB_RED,
    close,
    decode,
    encode,
    entry,
    exif,
    pixel,
    rgb_profile,
    scene,
)

Presets = Callable[..., dict[str, Preset]]
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


@pytest.fixture
def as_is(custom_presets: Presets) -> Preset:
    """A preset that keeps the photo's size, so pixels can be checked where they were put."""
    return custom_presets(as_is=entry(long_edge=4000))["as_is"]


def only(data: bytes, preset: Preset, name: str = "photo") -> bytes:
    return render(data, name, [preset])[0].data


def test_a_sideways_phone_photo_comes_out_upright(as_is: Preset) -> None:
    raw = Image.new("RGB", (320, 240), WHITE)
    ImageDraw.Draw(raw).rectangle((0, 0, 59, 59), fill=RED)  # top-left as the sensor stored it
    out = only(encode(raw, "JPEG", quality=95, exif=exif(6)), as_is)
    # Orientation 6 means "turn 90° clockwise to view": the sensor's top-left is the viewer's top-right.
    assert decode(out).size == (240, 320)
    assert close(pixel(out, (0.95, 0.05)), RED)
    assert close(pixel(out, (0.05, 0.05)), WHITE)


@pytest.mark.parametrize("turn", range(1, 9))
def test_every_exif_orientation_matches_the_upright_photo_after_cropping(
    custom_presets: Presets, turn: int
) -> None:
    # A focal crop off-centre proves the crop box lands on the same pixels whatever the orientation.
    preset = custom_presets(p=entry(width=300, height=200, mode="focal"))["p"]
    data = encode(scene(480, 360), "JPEG", quality=95, exif=exif(turn))
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    made = render(data, "p.jpg", [preset], (0.2, 0.7))[0]
    layout = made.layout
    assert layout is not None
    expected = upright.resize(layout.size, Image.Resampling.LANCZOS, box=layout.box)
    x, y = layout.offset
    got = decode(made.data).crop((x, y, x + layout.size[0], y + layout.size[1]))
    difference = np.abs(np.asarray(got, dtype=np.int16) - np.asarray(expected, dtype=np.int16))
    # Next to padding, JPEG's shared colour samples blend in the white: judge the photo inside that seam.
    # The right turn measures 1-4.5 (a portrait photo is padded into this landscape shape and shrunk 2.3x,
    # where fine texture differs most between filters); a wrong turn or flip measures 60-80.
    assert difference[2:-2, 2:-2].mean() < 6


def transparent_logo() -> Image.Image:
    """A blue square on a fully transparent background whose hidden colour is black, as editors save it."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((100, 100, 199, 199), fill=(*BLUE, 255))
    return image


def test_transparent_png_is_laid_on_white_not_black(as_is: Preset) -> None:
    out = only(encode(transparent_logo(), "PNG"), as_is)
    assert close(pixel(out, (0.1, 0.1)), WHITE)
    assert close(pixel(out, (0.5, 0.5)), BLUE)


def test_transparent_png_edges_have_no_dark_halo_when_scaled(custom_presets: Presets) -> None:
    # A pale yellow label on transparent black, scaled so its edges fall mid-pixel (300 → 70).
    label = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(label).rectangle((100, 100, 199, 199), fill=(255, 230, 120, 255))
    small = custom_presets(p=entry(long_edge=70))["p"]
    brightness = np.asarray(decode(only(encode(label, "PNG"), small)).convert("L"))
    # Edge pixels must blend yellow (brightness 225) with white; scaling colour without its alpha would mix
    # in the hidden black and draw a dark outline (brightness ~185).
    assert brightness.min() > 212


def test_transparency_takes_the_presets_background_colour(custom_presets: Presets) -> None:
    cream = custom_presets(p=entry(long_edge=4000, background="#F5EBDC"))["p"]
    out = only(encode(transparent_logo(), "PNG"), cream)
    assert close(pixel(out, (0.1, 0.1)), (0xF5, 0xEB, 0xDC))


def test_palette_gif_with_transparency_keeps_its_colours_on_white(as_is: Preset) -> None:
    image = Image.new("P", (200, 200), 0)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    ImageDraw.Draw(image).ellipse((50, 50, 150, 150), fill=1)
    out = only(encode(image, "GIF", transparency=0), as_is)
    assert close(pixel(out, (0.05, 0.05)), WHITE)
    assert close(pixel(out, (0.5, 0.5)), (200, 30, 30))


def test_animated_gif_uses_its_first_frame(as_is: Preset) -> None:
    frames = [Image.new("RGB", (120, 90), colour) for colour in (RED, BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert close(pixel(only(data, as_is), (0.5, 0.5)), RED)


def test_cmyk_jpeg_from_print_software_shows_the_right_colours(as_is: Preset) -> None:
    image = Image.new("CMYK", (200, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 99, 149), fill=(0, 255, 255, 0))  # magenta + yellow = red
    out = only(encode(image, "JPEG", quality=95), as_is)
    assert close(pixel(out, (0.25, 0.5)), RED, tolerance=20)
    assert close(pixel(out, (0.75, 0.5)), WHITE)


def test_16_bit_png_keeps_its_tones_instead_of_turning_white(as_is: Preset) -> None:
    levels = np.zeros((100, 200), dtype=np.uint16)
    levels[:, :100] = 16384  # 25% grey
    levels[:, 100:] = 49152  # 75% grey
    data = encode(Image.fromarray(levels), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")  # really 16-bit on disk
    out = only(data, as_is)
    assert close(pixel(out, (0.25, 0.5)), (64, 64, 64), tolerance=3)
    assert close(pixel(out, (0.75, 0.5)), (192, 192, 192), tolerance=3)


def test_grey_with_alpha_png_is_flattened(as_is: Preset) -> None:
    image = Image.new("LA", (100, 100), (0, 0))
    ImageDraw.Draw(image).rectangle((25, 25, 74, 74), fill=(80, 255))
    out = only(encode(image, "PNG"), as_is)
    assert close(pixel(out, (0.05, 0.05)), WHITE)
    assert close(pixel(out, (0.5, 0.5)), (80, 80, 80))


SWAPPED = rgb_profile(SRGB_GREEN, SRGB_RED, "Test wide-gamut profile")


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("JPEG", {"quality": 95}), ("PNG", {}), ("WEBP", {"lossless": True}), ("HEIF", {"quality": 95})],
)
def test_embedded_colour_profile_is_converted_to_srgb(
    as_is: Preset, fmt: str, params: dict[str, Any]
) -> None:
    pillow_heif.register_heif_opener()  # to write the HEIC (iPhones embed Display P3 the same way)
    # In this profile the first channel is sRGB's green: numbers that say "red" mean green.
    data = encode(Image.new("RGB", (120, 90), RED), fmt, icc_profile=SWAPPED, **params)
    assert close(pixel(only(data, as_is), (0.5, 0.5)), (0, 255, 0), tolerance=16)


def test_srgb_tagged_photo_keeps_its_colours(as_is: Preset) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (120, 90), (180, 90, 40)), "JPEG", quality=95, icc_profile=srgb)
    assert close(pixel(only(data, as_is), (0.5, 0.5)), (180, 90, 40), tolerance=4)


def test_a_broken_colour_profile_does_not_cost_the_seller_the_photo(as_is: Preset) -> None:
    data = encode(
        Image.new("RGB", (120, 90), (180, 90, 40)), "JPEG", quality=95, icc_profile=b"not a profile" * 20
    )
    assert close(pixel(only(data, as_is), (0.5, 0.5)), (180, 90, 40), tolerance=4)


def test_no_platform_picture_carries_gps_camera_or_comments(presets: dict[str, Preset]) -> None:
    source = encode(
        scene(1200, 900),
        "JPEG",
        quality=90,
        exif=exif(1, gps=True),
        comment=b"shot at home, 12 Rose Lane",
        icc_profile=SWAPPED,
    )
    assert b"PrivateCam" in source and b"Rose Lane" in source
    for made in render(source, "home.jpg", list(presets.values())):
        assert b"Exif" not in made.data, made.preset.name
        assert b"PrivateCam" not in made.data and b"Rose Lane" not in made.data, made.preset.name
        with Image.open(io.BytesIO(made.data)) as image:
            assert len(image.getexif()) == 0
            assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info), made.preset.name


def test_png_metadata_is_dropped_too(as_is: Preset) -> None:
    data = encode(scene(200, 150), "PNG", exif=exif(1, gps=True))
    out = only(data, as_is)
    assert b"PrivateCam" not in out
    assert len(Image.open(io.BytesIO(out)).getexif()) == 0
