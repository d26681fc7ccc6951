"""The shipped presets follow the platforms' published rules, and a broken preset file is named clearly."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from core.images.errors import PresetsInvalid, UnknownPreset
from core.images.presets import Preset, load_presets, presets_path, resolve
from tests.images.photos import entry

PLATFORMS = ["instagram", "facebook", "pinterest", "etsy", "shopify", "meesho", "snapdeal", "indiamart"]


def test_every_platform_has_a_preset_with_its_source(presets: dict[str, Preset]) -> None:
    assert set(PLATFORMS) | {"thumbnail"} == set(presets)
    raw = json.loads(presets_path().read_text(encoding="utf-8"))["presets"]
    for name in presets:
        assert len(raw[name]["source"]) > 40, f"{name} must say where its numbers come from"
        assert re.fullmatch(r"20\d\d-\d\d-\d\d", presets[name].as_of), f"{name} must say when they were checked"


def test_each_platforms_file_rules_are_data(presets: dict[str, Preset]) -> None:
    snapdeal = presets["snapdeal"]
    assert (snapdeal.min_bytes, snapdeal.max_bytes, snapdeal.margin) == (100_000, 10_000_000, 20)
    assert all(presets[name].padding == "white" for name in ("meesho", "snapdeal", "indiamart"))
    assert presets["shopify"].size_is_maximum and (presets["shopify"].width, presets["shopify"].height) == (2048, 2048)
    assert presets["instagram"].padding == presets["pinterest"].padding == "seller"


def test_instagram_preset_obeys_the_publishing_rules(presets: dict[str, Preset]) -> None:
    instagram = presets["instagram"]
    assert instagram.format == "JPEG"
    assert instagram.max_bytes <= 8 * 1000 * 1000
    assert (instagram.width, instagram.height) == (1080, 1350)
    assert instagram.limits.min_width == 320 and instagram.limits.max_width == 1440
    assert instagram.limits.min_aspect == 0.8 and instagram.limits.max_aspect == 1.91


@pytest.mark.parametrize(
    ("name", "size"),
    [("pinterest", (1000, 1500, None)), ("etsy", (None, None, 2000)), ("facebook", (None, None, 2048))],
)
def test_platform_sizes(presets: dict[str, Preset], name: str, size: tuple[int | None, ...]) -> None:
    preset = presets[name]
    assert (preset.width, preset.height, preset.long_edge) == size


def test_all_means_every_platform_but_not_the_apps_own_thumbnail(presets: dict[str, Preset]) -> None:
    assert [p.name for p in resolve(["all"], presets)] == PLATFORMS
    assert [p.name for p in resolve(["Etsy", "thumbnail", "etsy"], presets)] == ["etsy", "thumbnail"]


def test_an_unknown_platform_lists_the_known_ones(presets: dict[str, Preset]) -> None:
    with pytest.raises(UnknownPreset) as caught:
        resolve(["tiktok"], presets)
    assert "'tiktok'" in str(caught.value) and "instagram" in str(caught.value)


def test_changing_a_preset_changes_its_cache_key(custom_presets: Callable[..., dict[str, Preset]]) -> None:
    before = custom_presets(p=entry(width=1080, height=1350, mode="focal"))["p"]
    after = custom_presets(p=entry(width=1080, height=1350, mode="focal", quality=80))["p"]
    assert before.cache_key(None) != after.cache_key(None)
    assert before.cache_key((0.3, 0.3)) != before.cache_key((0.6, 0.3)) != before.cache_key(None)
    assert before.cache_key(None) == custom_presets(p=entry(width=1080, height=1350, mode="focal"))[
        "p"
    ].cache_key(None)


@pytest.mark.parametrize(
    ("definition", "complaint"),
    [
        (entry(width=1080), "'height'"),
        (entry(width=1080, height=1080, long_edge=2000), "either width and height, or long_edge"),
        (entry(long_edge=2000, mode="crop"), "'mode'"),
        (entry(long_edge=2000, format="PNG"), "'format'"),
        (entry(long_edge=2000, quality=120), "'quality'"),
        (entry(long_edge=2000, background="white"), "'background'"),
        (entry(width=1080, height=1080, margin=600), "'margin'"),
        (entry(width=200, height=200, limits={"min_width": 320}), "below the platform minimum 320"),
        (entry(width=1080, height=2000, limits={"min_aspect": 0.8}), "aspect-ratio rule"),
    ],
)
def test_a_bad_preset_is_refused_naming_the_preset_and_the_value(
    tmp_path: Path, definition: dict[str, object], complaint: str
) -> None:
    path = tmp_path / "presets.json"
    path.write_text(json.dumps({"presets": {"shop": definition}}), encoding="utf-8")
    with pytest.raises(PresetsInvalid) as caught:
        load_presets(path)
    assert "preset 'shop'" in str(caught.value) and complaint in str(caught.value)
    assert "presets.json" in str(caught.value)  # the hint says which file to fix


def test_an_unreadable_preset_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "presets.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(PresetsInvalid, match="cannot be read"):
        load_presets(path)
    with pytest.raises(PresetsInvalid, match="missing"):
        load_presets(tmp_path / "nowhere.json")
