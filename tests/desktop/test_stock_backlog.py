"""Never frozen while a backlog of sales is counted into stock: 100,000 sales stored but not yet counted (a big
sales import, a long time offline) are counted by the publishing runner's round while the window stays answering
(stalls.LIMIT_MS; benchmarks/gui.py holds the window's other flows to the 100 ms goal)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.app import App
from core.db.models import AuditEvent, Product, SaleEvent
from tests.desktop.shop import add_many_products, add_many_sales
from tests.desktop.stalls import StallMeter

PRODUCTS = 1_000
SALES = 100_000


def _uncounted(app: App) -> bool:
    with app.db.engine.connect() as conn:  # the partial index on uncounted sales: one step, not a scan
        return conn.execute(select(SaleEvent.id).where(SaleEvent.stock_applied.is_(False)).limit(1)).first() is not None


@pytest.fixture
def backlog_window(qtbot, app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The window on a shop whose products were added long ago and whose last year of sales is not counted yet;
    the runner's first count waits for ``window.gate`` (the test opens it once the window has settled)."""
    import core.listings.polling as polling
    import core.publishing.service as service
    from desktop.gui_thread import settle_after_start
    from desktop.main_window import MainWindow

    add_many_products(app.db, PRODUCTS)
    with app.db.engine.begin() as conn:  # in SellerDesk before the sales: every one of them moves stock
        conn.execute(Product.__table__.update().values(created_at=datetime(2020, 1, 1, tzinfo=UTC)))
    add_many_sales(app.db, SALES)
    app.settings.set("general.first_run_done", True)
    gate = threading.Event()
    count = polling.settle_stock

    def gated(db):  # type: ignore[no-untyped-def]
        gate.wait(60)
        return count(db)

    monkeypatch.setattr(polling, "settle_stock", gated)
    loaded = service.load_config
    monkeypatch.setattr(service, "load_config", lambda settings=None: loaded(settings, poll_seconds=0.2))
    window = MainWindow(app)
    window.gate = gate
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle_after_start()  # as desktop.main.run_gui does once the window has painted
    qtbot.waitUntil(lambda: window.schedule.publisher.is_runner and not window.lazy_tabs.waiting()
                    and not window.tasks.running, timeout=30_000)
    yield window
    gate.set()
    window.close()
    assert window.tasks.shutdown(10_000)
    gc.unfreeze()  # the rest of the test run collects as usual


def test_a_backlog_of_sales_is_counted_into_stock_without_freezing(qtbot, app: App, backlog_window) -> None:
    window = backlog_window
    with app.db.engine.connect() as conn:
        before = dict(conn.execute(select(Product.id, Product.quantity)).all())
    assert _uncounted(app)
    with StallMeter() as meter:
        meter.step = "counting 100,000 sales into stock"
        window.gate.set()
        qtbot.waitUntil(lambda: not _uncounted(app), timeout=60_000)
        meter.step = "telling the seller what moved"
        qtbot.waitUntil(lambda: "Stock counted from sales for" in window.schedule.state.text(), timeout=10_000)
        qtbot.wait(500)  # the notices (those sold out, then one for the rest) have arrived
    with app.db.engine.connect() as conn:
        after = dict(conn.execute(select(Product.id, Product.quantity)).all())
        audited = conn.execute(select(func.count()).where(AuditEvent.kind == "stock.sale")).scalar()
        sold = conn.execute(select(func.count(SaleEvent.product_id.distinct()))).scalar()
    moved = [pid for pid in before if after[pid] != before[pid]]
    assert moved and all(after[pid] < before[pid] for pid in moved)  # a year of sales: more sold than refunded
    assert audited == sold  # one audit entry per product sold, however many transactions the count took
    meter.check()
