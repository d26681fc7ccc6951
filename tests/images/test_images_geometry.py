"""Where each platform's picture is cut from the photo (pure arithmetic, no pixels): never through the product."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.images.geometry import Box, plan, subject_kept
from core.images.presets import Preset
from tests.images.photos import entry

Presets = Callable[..., dict[str, Preset]]


@pytest.mark.parametrize(
    ("photo", "aspect"), [((6000, 2000), 1.91), ((2000, 6000), 0.8), ((2400, 2000), 1.2)]
)
def test_a_long_edge_preset_with_aspect_rules_reaches_them(
    custom_presets: Presets, photo: tuple[int, int], aspect: float
) -> None:
    preset = custom_presets(p=entry(long_edge=1440, limits={"min_aspect": 0.8, "max_aspect": 1.91}))["p"]
    layout = plan(preset, photo)  # no subject known: all of the photo is kept, the rest padded
    assert layout.canvas[0] / layout.canvas[1] == pytest.approx(aspect, abs=0.01)
    assert max(layout.canvas) == 1440
    assert layout.box == (0, 0, *photo)


def test_a_focal_point_near_the_edge_keeps_the_crop_inside_the_photo(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1000, height=1500, mode="focal"))["p"]
    box = plan(preset, (3000, 2000), (0.99, 0.5), subject=(2500, 800, 2700, 1000)).box
    assert box[2] == pytest.approx(3000) and box[3] == pytest.approx(2000)  # pushed against the right edge
    assert (box[2] - box[0]) / (box[3] - box[1]) == pytest.approx(2 / 3)


def test_crop_mode_centres_on_the_product_and_ignores_the_focal_point(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1000, height=1000, mode="crop"))["p"]
    assert plan(preset, (3000, 2000), (0.9, 0.1), subject=(1400, 900, 1600, 1100)).box == (500, 0, 2500, 2000)


def test_a_focal_point_never_pushes_the_product_out(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1000, height=1500, mode="focal"))["p"]
    product = (1800.0, 600.0, 2400.0, 1400.0)
    layout = plan(preset, (3000, 2000), (0.05, 0.5), subject=product)
    assert subject_kept(layout.box, product) == 1.0 and not layout.padded


def test_fit_centres_the_photo_inside_the_margin(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1080, height=1080, margin=20))["p"]
    layout = plan(preset, (4000, 3000))
    assert layout.size == (1040, 780) and layout.canvas == (1080, 1080) and layout.offset == (20, 150)


# The three shapes sellers struggle with, each with the product where a photographer would put it.
PRODUCTS: dict[str, tuple[tuple[int, int], Box]] = {
    "tall bottle": ((1200, 3600), (420.0, 200.0, 780.0, 3400.0)),
    "wide runner": ((4000, 1000), (150.0, 300.0, 3850.0, 700.0)),
    "4:3 product": ((4000, 3000), (600.0, 400.0, 3400.0, 2600.0)),
}


@pytest.mark.parametrize("shape", sorted(PRODUCTS))
def test_every_platform_keeps_at_least_95_percent_of_the_product(
    presets: dict[str, Preset], shape: str
) -> None:
    photo, product = PRODUCTS[shape]
    for preset in presets.values():
        layout = plan(preset, photo, None, product)
        assert subject_kept(layout.box, product) >= 0.95, preset.name
        if preset.canvas == "fixed" and preset.width is not None and preset.height is not None:
            assert layout.canvas[0] / layout.canvas[1] == pytest.approx(preset.width / preset.height, rel=0.01)


def test_a_crop_that_would_cut_is_stopped_and_padded_instead(presets: dict[str, Preset]) -> None:
    photo, product = PRODUCTS["tall bottle"]
    pinterest = plan(presets["pinterest"], photo, None, product)
    assert pinterest.stopped and pinterest.padded  # 1:3 bottle into 2:3: padded at the sides
    assert pinterest.canvas == (1000, 1500)
    roomy = plan(presets["pinterest"], (3000, 2000), None, (1300.0, 400.0, 1700.0, 1600.0))
    assert not roomy.stopped and not roomy.padded  # a small product in a wide photo: a clean crop


def test_a_photo_shaped_canvas_keeps_a_4_3_photo_whole(custom_presets: Presets) -> None:
    preset = custom_presets(
        p=entry(width=1080, height=1350, canvas="photo", mode="focal", limits={"min_aspect": 0.8, "max_aspect": 1.91})
    )["p"]
    layout = plan(preset, (4000, 3000), None, (0.0, 0.0, 4000.0, 3000.0))
    assert layout.canvas == (1080, 810) and layout.box == (0, 0, 4000, 3000) and not layout.padded
    assert plan(preset, (1080, 565)).canvas == (1080, 566)  # 1080x565 would be above 1.91:1


def test_instagram_pads_a_4_3_product_rather_than_cut_it(presets: dict[str, Preset]) -> None:
    product = (400.0, 300.0, 3600.0, 2700.0)
    layout = plan(presets["instagram"], (4000, 3000), None, product)
    assert subject_kept(layout.box, product) == 1.0
    assert layout.canvas == (1080, 1350) and layout.padded and layout.stopped


def test_a_maximum_size_is_never_exceeded_by_enlarging(presets: dict[str, Preset]) -> None:
    shopify = presets["shopify"]
    assert plan(shopify, (4000, 3000)).canvas == (2048, 2048)
    assert plan(shopify, (4000, 3000), max_scale=0.5).canvas == (2000, 2000)  # what a 1/2 decode holds
    assert plan(shopify, (800, 600)).canvas == (800, 800)  # a small photo stays its size
    assert plan(presets["facebook"], (4000, 3000), max_scale=0.5).size == (2000, 1500)
