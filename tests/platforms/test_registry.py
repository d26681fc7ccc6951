"""Platforms come from data files; their classes from entry points, else from the data file's module."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from core.errors import StorageError, ValidationError
from core.platforms import registry
from core.platforms.etsy import EtsyPlatform
from core.platforms.shopify import ShopifyPlatform
from core.platforms.specs import all_specs, get_spec


class PluginEtsy(EtsyPlatform):
    """What an installed package might register under the same name."""


def test_every_data_file_is_a_usable_platform() -> None:
    specs = all_specs()
    assert set(specs) >= {"etsy", "shopify"}
    etsy = get_spec("etsy")
    assert (etsy.display_name, etsy.kind, etsy.connect, etsy.concurrency) == ("Etsy", "api", "oauth", 4)
    assert etsy.capabilities.max_images == 20 and not etsy.capabilities.needs_public_image_url
    assert etsy.rate_limits.requests_per_second == 10 and etsy.rate_limits.per_day == 10_000
    assert get_spec("shopify").rate_limits.cost_restore_rate == 100
    for name in specs:
        assert issubclass(registry.platform_class(name), registry.Platform)


def test_without_entry_points_the_data_files_module_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    assert registry.platform_class("etsy") is EtsyPlatform
    assert registry.platform_class("shopify") is ShopifyPlatform


def test_an_installed_entry_point_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint(name="etsy", value="tests.platforms.test_registry:PluginEtsy", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [point] if group == registry.ENTRY_POINT_GROUP else [])
    assert registry.platform_class("etsy") is PluginEtsy


def test_a_broken_registration_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint(name="etsy", value="core.platforms.errors:PlatformError", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [point])
    with pytest.raises(StorageError, match="is not a SellerDesk platform"):
        registry.platform_class("etsy")
    point = EntryPoint(name="etsy", value="core.platforms.nowhere:Gone", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [point])
    with pytest.raises(StorageError, match="cannot be loaded"):
        registry.platform_class("etsy")


def test_an_unknown_platform_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="There is no platform called 'etsyy'") as caught:
        get_spec("etsyy")
    assert "etsy" in str(caught.value) and "shopify" in str(caught.value)
