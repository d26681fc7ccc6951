"""Times are stored in UTC, shown in the seller's zone; DST gaps and overlaps are handled out loud (clock-driven)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from core.app import App
from core.errors import ValidationError
from core.publishing.best_time import Slot, next_occurrence
from core.publishing.bulk import create_jobs
from core.publishing.timezones import format_local, local_to_utc, move_to_day, parse_when, seller_zone
from tests.platforms.conftest import add_product
from tests.publishing.conftest import connect_shopify

NEW_YORK, LONDON, KOLKATA = seller_zone("America/New_York"), seller_zone("Europe/London"), seller_zone("Asia/Kolkata")


def test_india_is_the_default_and_half_hours_are_shown_right(app: App) -> None:
    zone = seller_zone(app.settings.get("general.timezone"))
    assert zone.key == "Asia/Kolkata"
    resolved = parse_when("2026-12-05 18:30", zone)
    assert resolved.utc == datetime(2026, 12, 5, 13, 0, tzinfo=UTC) and resolved.message == ""
    assert format_local(resolved.utc, zone) == "Sat 05 Dec 2026, 18:30 IST"
    assert parse_when("2026-12-05T13:00Z", zone).utc == resolved.utc  # an explicit offset is exact
    with pytest.raises(ValidationError, match="not a time zone"):
        seller_zone("Mars/Olympus_Mons")


def test_a_time_the_clocks_skip_is_refused_with_the_jump() -> None:
    with pytest.raises(ValidationError) as caught:
        local_to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK)
    assert "does not exist: the clocks jump from 02:00 to 03:00" in str(caught.value)
    assert "Choose a time before 02:00 or from 03:00" in str(caught.value)
    with pytest.raises(ValidationError, match="jump from 01:00 to 02:00"):
        parse_when("2026-03-29T01:30", LONDON)


def test_a_time_that_happens_twice_is_chosen_with_a_message_or_refused() -> None:
    first = local_to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK)
    assert first.utc == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert "happens twice" in first.message and "chose the first one (EDT, UTC−4)" in first.message
    assert "2026-11-01T01:30:00-05:00" in first.message  # how to ask for the other one
    second = local_to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK, ambiguous="later")
    assert second.utc == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    with pytest.raises(ValidationError, match="happens twice"):
        local_to_utc(datetime(2026, 10, 25, 1, 30), LONDON, ambiguous="refuse")


def test_a_daily_series_keeps_its_local_time_across_the_spring_change(shop_app: App) -> None:
    products = [add_product(shop_app, platforms=("shopify",), sku=f"SKU-{n}", title=f"Mug {n}") for n in range(3)]
    start = local_to_utc(datetime(2026, 3, 7, 10, 0), NEW_YORK).utc
    now = datetime(2026, 3, 1, tzinfo=UTC)
    result = create_jobs(shop_app, products, ["shopify"], start, now=now, zone=NEW_YORK, spread_days=1)
    assert result.skipped == []
    times = [job.scheduled_at for job in result.jobs]
    assert times == [datetime(2026, 3, 7, 15, 0, tzinfo=UTC), datetime(2026, 3, 8, 14, 0, tzinfo=UTC),
                     datetime(2026, 3, 9, 14, 0, tzinfo=UTC)]  # EST, then EDT: the UTC time moves, 10:00 does not
    assert {format_local(t, NEW_YORK)[-9:] for t in times} == {"10:00 EST", "10:00 EDT"}


def test_a_series_at_a_skipped_time_moves_later_and_says_so(shop_app: App) -> None:
    products = [add_product(shop_app, platforms=("shopify",), sku=f"SKU-{n}", title=f"Mug {n}") for n in range(2)]
    start = local_to_utc(datetime(2026, 3, 28, 1, 30), LONDON).utc
    result = create_jobs(shop_app, products, ["shopify"], start, now=datetime(2026, 3, 1, tzinfo=UTC), zone=LONDON,
                         spread_days=1)
    assert result.jobs[1].scheduled_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert result.notes == ["01:30 does not exist on 29 Mar 2026 in London, United Kingdom (the clocks jump forward); "
                            "SellerDesk moved it to 02:30."]


def test_moving_a_post_to_another_day_keeps_its_wall_clock_time() -> None:
    friday_nine = local_to_utc(datetime(2026, 10, 23, 9, 0), LONDON).utc  # BST
    moved = move_to_day(friday_nine, date(2026, 10, 26), LONDON)  # Monday, GMT
    assert moved.utc == datetime(2026, 10, 26, 9, 0, tzinfo=UTC) and moved.message == ""
    assert friday_nine == datetime(2026, 10, 23, 8, 0, tzinfo=UTC)


def test_a_weekly_best_slot_skips_the_day_a_dst_gap_swallows_it() -> None:
    slot = Slot(weekday=6, at=time(1, 30), score=1.0, reason="")
    after = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_occurrence(slot, after, LONDON) == datetime(2026, 4, 5, 0, 30, tzinfo=UTC)  # not the 29th


def test_a_past_time_is_refused(shop_app: App) -> None:
    product = add_product(shop_app, platforms=("shopify",))
    with pytest.raises(ValidationError, match="already passed"):
        create_jobs(shop_app, [product], ["shopify"], datetime(2026, 1, 1, tzinfo=UTC),
                    now=datetime(2026, 2, 1, tzinfo=UTC), zone=KOLKATA)


@pytest.fixture
def shop_app(app: App, shopify_server) -> App:
    connect_shopify(app, shopify_server)
    return app
