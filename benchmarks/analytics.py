"""A realistic year (100,000 sales, 50,000 engagement snapshots): time the summary and the Analytics tab's redraw.

Usage: python benchmarks/analytics.py [--sales N] [--snapshots N] [--runs N]
Targets (issue 10): a summary over the whole data set <= 200 ms; switching the date range redraws every chart
<= 500 ms. Wall times are shown with the thread's own CPU time, which other work on the machine cannot inflate.
Prints figures; never fails a build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.analytics.costs import add_ad_spend, set_rate_card  # noqa: E402
from core.analytics.engagement import record_engagement  # noqa: E402
from core.analytics.periods import Period  # noqa: E402
from core.analytics.rates import set_rate  # noqa: E402
from core.analytics.sales import import_sales  # noqa: E402
from core.analytics.summary import summarize  # noqa: E402
from core.db.crypto import attach_key, new_key  # noqa: E402
from core.db.database import Database, open_database  # noqa: E402
from core.db.models import Product  # noqa: E402
from core.db.types import utcnow  # noqa: E402
from tests.analytics.dataset import generate  # noqa: E402  (the tests' realistic year, at full size)

PERIODS = {
    "whole year": Period(date(2025, 1, 1), date(2025, 12, 31)),
    "Diwali month": Period(date(2025, 10, 1), date(2025, 10, 31)),
    "a quarter": Period(date(2025, 7, 1), date(2025, 9, 30)),
    "a week": Period(date(2025, 10, 14), date(2025, 10, 20)),
}


def build(data_dir: Path, sales: int, snapshots: int) -> Database:
    """Fill a fresh database with the generated year, as the connectors would (import functions, triggers on)."""
    import base64

    db = open_database(data_dir)
    key = base64.b64decode(new_key())
    attach_key(db.engine, lambda: key)
    started = time.perf_counter()
    data = generate(sales=sales, snapshots=snapshots, products=150, seed=2025)
    print(f"generated {len(data.sales):,} sale events and {len(data.snapshots):,} snapshots "
          f"in {time.perf_counter() - started:.1f} s")
    now = utcnow()
    with db.session() as session:
        session.execute(Product.__table__.insert(), [  # type: ignore[attr-defined]
            {"title": title, "price": price, "currency": "INR", "sku": sku, "description": "", "quantity": 5,
             "category": "", "attributes": {}, "status": "ready", "language": "en", "created_at": now,
             "updated_at": now} for sku, title, price in data.products])
    started = time.perf_counter()
    report = import_sales(db, data.sales)
    print(f"import_sales: {report.added:,} sales in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    added = record_engagement(db, data.snapshots)
    print(f"record_engagement: {added:,} snapshots in {time.perf_counter() - started:.1f} s")
    set_rate_card(db, "shopify", commission_percent=Decimal(2), listing_fee=Decimal(0), currency="INR")
    set_rate_card(db, "instagram", commission_percent=Decimal(0), listing_fee=Decimal(10), currency="INR")
    for month in range(1, 13):
        add_ad_spend(db, "instagram", Decimal(4000 + 300 * month), "INR", date(2025, month, 5))
    set_rate(db, "USD", Decimal("83.25"), "INR")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return db


def time_summaries(db: Database, runs: int) -> None:
    """The summary of each period, ``runs`` times: median and best wall time, and CPU time."""
    summarize(db, PERIODS["a week"])  # the first call loads the code and warms SQLite's page cache
    print(f"\nsummary (target <= 200 ms), {runs} runs each:")
    for name, period in PERIODS.items():
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.thread_time()
            summary = summarize(db, period, timezone="Asia/Kolkata", currency="INR")
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.thread_time() - cpu) * 1000)
        orders = summary.main().orders
        print(f"  {name:13s} {orders:7,} orders   median {statistics.median(walls):6.1f} ms   best "
              f"{min(walls):6.1f} ms   CPU {statistics.median(cpus):6.1f} ms")
    wall = time.perf_counter()
    summarize(db, PERIODS["whole year"], timezone="Europe/London")
    print(f"  (a change of time zone refiles every sale once: {(time.perf_counter() - wall) * 1000:.0f} ms)")
    summarize(db, PERIODS["whole year"], timezone="Asia/Kolkata")


def time_redraws(data_dir: Path, db: Database, runs: int) -> None:
    """Switch the Analytics tab between periods: time until every chart is drawn again."""
    from PySide6.QtWidgets import QApplication

    from core.app import App
    from desktop.analytics.tab import AnalyticsTab
    from desktop.tasks import TaskRunner
    from desktop.theme import apply_theme

    qt = QApplication.instance() or QApplication([])
    apply_theme(qt, "light")  # type: ignore[arg-type]
    app = App(data_dir)
    app.__dict__["db"] = db  # the database built above, with its key, instead of opening it again
    tasks = TaskRunner()
    tab = AnalyticsTab(app, tasks)
    tab.resize(1280, 760)
    done: list[int] = []
    tab.loaded.connect(lambda: done.append(1))

    def wait() -> None:
        """Until the summary is in and every chart has been painted (draw_idle runs on the next event loop turn)."""
        deadline = time.time() + 30
        while (not done or any(getattr(p.canvas, "_draw_pending", False) for p in tab.charts.values())) \
                and time.time() < deadline:
            qt.processEvents()
        done.clear()

    tab.show()
    wait()
    print(f"\nswitching the date range until every chart is painted again (target <= 500 ms), {runs} runs each:")
    for name, period in PERIODS.items():
        walls, draws, cpus = [], [], []
        for _ in range(runs):
            started = time.perf_counter()
            tab.set_custom(period.start, period.end)
            wait()
            walls.append((time.perf_counter() - started) * 1000)
            wall, cpu = time.perf_counter(), time.thread_time()
            tab._draw()
            for panel in tab.charts.values():
                panel.canvas.draw()
            draws.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.thread_time() - cpu) * 1000)
            done.append(1)
            wait()  # let the idle draws the redraw asked for run now, not inside the next measurement
        print(f"  {name:13s} summary + redraw median {statistics.median(walls):6.1f} ms   redraw alone "
              f"{statistics.median(draws):6.1f} ms (CPU {statistics.median(cpus):6.1f} ms)")
    out = Path(tempfile.gettempdir()) / "analytics-benchmark.png"
    tab.grab().save(str(out))
    print(f"  the tab as drawn: {out}")
    tasks.shutdown()
    tab.close()


def main() -> None:
    """Build the data set, then print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = build(data_dir, opts.sales, opts.snapshots)
        time_summaries(db, opts.runs)
        time_redraws(data_dir, db, opts.runs)
        db.dispose()


if __name__ == "__main__":
    main()
