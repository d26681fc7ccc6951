"""Where each platform's picture is cut from the photo (pure arithmetic, no pixels)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.images.geometry import plan
from core.images.presets import Preset
from tests.images.photos import entry

Presets = Callable[..., dict[str, Preset]]


@pytest.mark.parametrize(
    ("photo", "aspect"), [((6000, 2000), 1.91), ((2000, 6000), 0.8), ((2400, 2000), 1.2)]
)
def test_a_long_edge_preset_with_aspect_rules_crops_into_them(
    custom_presets: Presets, photo: tuple[int, int], aspect: float
) -> None:
    preset = custom_presets(p=entry(long_edge=1440, limits={"min_aspect": 0.8, "max_aspect": 1.91}))["p"]
    layout = plan(preset, photo)
    assert layout.size[0] / layout.size[1] == pytest.approx(aspect, abs=0.01)
    assert max(layout.size) == 1440


def test_a_focal_point_near_the_edge_keeps_the_crop_inside_the_photo(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1000, height=1500, mode="focal"))["p"]
    box = plan(preset, (3000, 2000), (0.99, 0.5)).box
    assert box[2] == pytest.approx(3000) and box[3] == pytest.approx(2000)  # pushed against the right edge
    assert (box[2] - box[0]) / (box[3] - box[1]) == pytest.approx(2 / 3)


def test_crop_mode_ignores_the_focal_point(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1000, height=1000, mode="crop"))["p"]
    assert plan(preset, (3000, 2000), (0.9, 0.1)).box == (500.0, 0.0, 2500.0, 2000.0)


def test_fit_centres_the_photo_inside_the_margin(custom_presets: Presets) -> None:
    preset = custom_presets(p=entry(width=1080, height=1080, margin=20))["p"]
    layout = plan(preset, (4000, 3000))
    assert layout.size == (1040, 780) and layout.canvas == (1080, 1080) and layout.offset == (20, 150)
