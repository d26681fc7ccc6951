"""The analytics commands, the connectors' engagement recorder, and the chart tables with locale-aware labels."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from core.analytics import chart_data
from core.analytics.engagement import EngagementRecord, record_engagement
from core.analytics.periods import Period
from core.analytics.summary import summarize
from core.products.service import create_product, product_input


def test_record_summarise_cost_and_convert_from_the_command_line(cli, app) -> None:
    create_product(app.db, product_input({"title": "Brass diya", "price": "499", "sku": "DIYA-1"}))
    added = cli("analytics", "add-sale", "--platform", "WhatsApp", "--sku", "DIYA-1", "--amount", "1,499.50",
                "--quantity", "3", "--when", "2025-11-01 23:30")
    assert added.code == 0 and added.out.startswith("Recorded sale hand-")
    again = cli("analytics", "add-sale", "--platform", "whatsapp", "--sku", "DIYA-1", "--amount", "1499.50",
                "--quantity", "3", "--when", "2025-11-01 23:30")
    assert "already recorded" in again.out
    assert cli("analytics", "add-sale", "--platform", "etsy", "--sku", "DIYA-1", "--amount", "20", "--currency",
               "USD", "--fees", "1.30", "--when", "2025-11-02").code == 0
    assert cli("analytics", "costs", "set", "whatsapp", "--commission-percent", "2", "--ad-spend", "100",
               "--on", "2025-11-01").code == 0
    apart = json.loads(cli("analytics", "summary", "--from", "2025-11-01", "--to", "2025-11-07", "--json").out)
    assert apart["totals"]["INR"]["revenue"] == "1499.5" and apart["totals"]["USD"]["revenue"] == "20"
    assert apart["totals"]["INR"]["costs"] == "129.99"  # 2 % of 1,499.50 plus ₹100 of ads
    assert apart["previous_from"] == "2025-10-25"
    assert cli("analytics", "rates", "set", "USD", "83.25").code == 0
    together = json.loads(cli("analytics", "summary", "--from", "2025-11-01", "--to", "2025-11-07", "--json").out)
    assert set(together["totals"]) == {"INR"} and together["totals"]["INR"]["revenue"] == "3164.5"
    text = cli("analytics", "summary", "--from", "2025-11-01", "--to", "2025-11-07", "--no-convert")
    assert "₹1,499.50" in text.out and "$20.00 revenue in USD" in text.out and "kept apart" in text.out
    listing = cli("analytics", "costs", "list", "--json")
    assert json.loads(listing.out)["rate_cards"][0]["commission_percent"] == "2"


def test_cli_refuses_a_sale_of_no_product_with_a_clear_line(cli, app) -> None:
    result = cli("analytics", "add-sale", "--platform", "offline", "--sku", "GHOST", "--amount", "10")
    assert result.code == 1 and "No product has the SKU 'GHOST'" in result.err
    empty = cli("analytics", "summary")
    assert "No sales in this period" in empty.out


def test_engagement_snapshots_are_recorded_once_in_any_order(app) -> None:
    start = datetime(2025, 6, 1, 6, tzinfo=UTC)
    snaps = [EngagementRecord("instagram", "p1", start + timedelta(hours=12 * n), likes=10 * n, reach=100 * n,
                              clicks=n) for n in range(1, 6)]
    assert record_engagement(app.db, reversed(snaps)) == 5
    assert record_engagement(app.db, snaps[:3]) == 0
    summary = summarize(app.db, Period(date(2025, 6, 1), date(2025, 6, 3)))
    assert summary.engagement.likes == 50 and summary.engagement.reach == 500 and summary.engagement.clicks == 5
    assert summary.engagement.rate == 0.1


def test_axis_money_uses_the_locales_grouping() -> None:
    assert chart_data.axis_money(1234567.4, "INR", "en_IN") == "₹12,34,567"
    assert chart_data.axis_money(1234567.4, "USD", "en_US") == "$1,234,567"
    assert chart_data.axis_money(-45000, "INR", "hi_IN") == "-₹45,000"


def test_buckets_and_labels() -> None:
    assert chart_data.bucket_days(date(2025, 11, 5), date(2025, 11, 20), "week") == [
        date(2025, 11, 3), date(2025, 11, 10), date(2025, 11, 17)]
    assert chart_data.bucket_days(date(2025, 11, 20), date(2026, 1, 2), "month") == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert chart_data.bucket_label(date(2025, 11, 3), "day", "en_IN") == "3 Nov"
    assert chart_data.bucket_label(date(2025, 11, 1), "month", "en_IN") == "Nov 2025"


def test_chart_tables_add_up_to_the_summary_and_export_as_csv(year, tmp_path: Path) -> None:
    october = Period(date(2025, 10, 1), date(2025, 10, 31))
    summary = summarize(year.db, october, timezone="Asia/Kolkata", currency="INR")
    revenue = chart_data.revenue_over_time(summary, "en_IN")
    assert len(revenue.labels) == 31 and revenue.currency == "INR"
    assert sum(sum(values) for values in revenue.series.values()) == summary.main().revenue
    assert next(iter(revenue.series)) == summary.platforms[0].platform  # biggest platform at the bottom of the stack
    euros = chart_data.revenue_over_time(summary, "en_IN", "EUR")
    assert sum(sum(v) for v in euros.series.values()) == summary.totals["EUR"].revenue
    platforms = chart_data.platform_comparison(summary)
    assert platforms.series["Profit"][0] == summary.platforms[0].figures["INR"].profit
    products = chart_data.top_products(summary, count=5)
    assert products.labels == [p.title for p in summary.products[:5]]
    engagement = chart_data.engagement_over_time(summary, "en_IN")
    assert sum(sum(v) for v in engagement.series.values()) == summary.engagement.interactions
    path = tmp_path / "revenue.csv"
    chart_data.write_csv(revenue, path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Day,") and "(INR)" in lines[0] and lines[1].startswith("2025-10-01,")
    assert len(lines) == 32
    top = chart_data.top_products(summary).rows()[0]
    assert top == ["Product", "Revenue (INR)", "Units"]
    first_day = sum((values[0] for values in revenue.series.values()), Decimal(0))
    assert sum(Decimal(cell) for cell in lines[1].split(",")[1:]) == first_day
