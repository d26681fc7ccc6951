"""Meesho lists catalogs of designs only: a post of one product is refused when it is scheduled, with the way to
publish it as a catalog, instead of failing in the queue days later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.app import App
from core.platforms.connections import record_connected
from core.publishing.bulk import create_jobs
from core.publishing.timezones import seller_zone
from tests.platforms.conftest import add_product


def test_a_lone_meesho_post_is_refused_when_scheduled_with_the_catalog_route(app: App) -> None:
    record_connected(app.db, "meesho", "Clay Corner", "M1", None, {})
    product = add_product(app, platforms=("meesho",), photos=0, currency="INR", sku=None, title="Glazed mug")
    at = datetime.now(UTC) + timedelta(days=2)
    result = create_jobs(app, [product], ["meesho"], at, now=datetime.now(UTC), zone=seller_zone("Asia/Kolkata"))
    assert result.jobs == []  # refused now, not days later by the queue
    (skipped,) = result.skipped
    assert skipped == (f"#{product} 'Glazed mug': Meesho lists catalogs of designs, never one product alone "
                       "(Platforms tab › Meesho › Publish catalog…, or: sellerdesk platforms publish-catalog meesho "
                       f"--products {product},ID,ID)")
