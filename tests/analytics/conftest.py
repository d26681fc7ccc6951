"""A year of a seller's sales and posts, loaded once per module; rate cards, ad spend and a dollar rate set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.analytics.costs import add_ad_spend, set_rate_card
from core.analytics.engagement import record_engagement
from core.analytics.rates import set_rate
from core.analytics.sales import import_sales
from core.db.crypto import attach_key
from core.db.database import Database, open_database
from core.products.service import create_product, product_input
from tests.analytics.dataset import Dataset, generate
from tests.analytics.expected import Card

CARDS = {
    "shopify": Card(Decimal("2"), Decimal(0), "INR"),
    "instagram": Card(Decimal(0), Decimal(10), "INR"),
    "offline": Card(Decimal(0), Decimal("0.5"), "USD"),  # a stall fee charged in dollars: never added to rupees
    "etsy": Card(Decimal("6.5"), Decimal("0.2"), "USD"),  # Etsy reports its fees: the card must not add to them
}
AD_SPEND = [("instagram", date(2025, 10, 5), Decimal(1500), "INR"),
            ("instagram", date(2025, 3, 2), Decimal(800), "INR"),
            ("etsy", date(2025, 10, 12), Decimal("25.50"), "USD"),
            ("meesho", date(2025, 11, 30), Decimal(999), "INR")]
USD_RATE = Decimal("83.25")
TEST_KEY = bytes(range(32))


@dataclass
class Year:
    """The loaded database and what went into it."""

    db: Database
    data: Dataset


def load(db: Database, data: Dataset) -> None:
    """Create the products, then import the sales and snapshots as connectors would."""
    for sku, title, price in data.products:
        create_product(db, product_input({"title": title, "price": str(price), "sku": sku}))
    report = import_sales(db, data.sales)
    assert not report.problems and report.added == len(data.sales)
    assert record_engagement(db, data.snapshots) == len(data.snapshots)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    """2025 for a seller on seven platforms in rupees, dollars and euros (about 3,000 sales, 1,500 snapshots)."""
    path: Path = tmp_path_factory.mktemp("year")
    db = open_database(path)
    attach_key(db.engine, lambda: TEST_KEY)  # buyer names are encrypted at rest
    data = generate()
    load(db, data)
    for platform, card in CARDS.items():
        set_rate_card(db, platform, commission_percent=card.commission_percent, listing_fee=card.listing_fee,
                      currency=card.currency)
    for platform, day, amount, currency in AD_SPEND:
        add_ad_spend(db, platform, amount, currency, day)
    set_rate(db, "USD", USD_RATE, "INR")
    yield Year(db, data)
    db.dispose()


@pytest.fixture
def tab(qtbot, app) -> Iterator:
    """The tab on its own task runner; no background work may outlive the test."""
    from desktop.analytics.tab import AnalyticsTab
    from desktop.tasks import TaskRunner

    runner = TaskRunner()
    widget = AnalyticsTab(app, runner)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    yield widget
    assert runner.shutdown(10_000), "a background task was still running when the test ended"
    assert runner.pool.activeThreadCount() == 0 and runner.writer.activeThreadCount() == 0
