"""A post scheduled for after its platform's sign-in ends is flagged when it is scheduled (core and CLI; the
wizard's test is in test_schedule_tab.py), not when it fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.app import App
from core.platforms.connections import record_expiry
from core.publishing.bulk import create_jobs
from core.publishing.timezones import format_local, seller_zone
from tests.platforms.conftest import add_product

KOLKATA = seller_zone("Asia/Kolkata")


def _evening(days: int) -> datetime:
    """7 pm in Kolkata, ``days`` from today, as UTC."""
    local = (datetime.now(KOLKATA) + timedelta(days=days)).replace(hour=19, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def test_a_post_after_the_sign_in_ends_gets_a_note_naming_both_times(shop: App) -> None:
    now = datetime.now(UTC)
    ends = now + timedelta(days=3)
    record_expiry(shop.db, "etsy", ends)
    products = [add_product(shop, sku=f"MUG-{n}", title=f"Mug {n}") for n in range(2)]
    at = _evening(5)
    result = create_jobs(shop, products[:1], ["etsy", "shopify"], at, now=now, zone=KOLKATA)
    assert len(result.jobs) == 2 and result.skipped == []
    (note,) = result.notes  # Shopify's pasted token does not end: nothing to say about it
    assert note.startswith(f"Etsy's sign-in ends on {format_local(ends, KOLKATA)}, before this post at "
                           f"{format_local(at, KOLKATA)}: reconnect Etsy before then (Platforms tab → Etsy → "
                           "Reconnect)")
    assert "19:00 IST" in note

    series = create_jobs(shop, products[1:] + products[:1], ["etsy"], _evening(1), now=now, zone=KOLKATA,
                         spread_days=3)
    # the first goes out before the end (no note for it); the one three days later after it
    assert [n for n in series.notes if "sign-in" in n] == [
        note.replace(format_local(at, KOLKATA), format_local(_evening(4), KOLKATA))]

    early = create_jobs(shop, products[1:], ["etsy"], _evening(1), now=now, zone=KOLKATA)
    assert early.jobs and early.notes == []  # before the end: nothing to flag

    many = create_jobs(shop, products, ["etsy"], _evening(6), now=now, zone=KOLKATA)
    assert [n for n in many.notes if "2 of these posts (the first at" in n and "they wait until you do" in n]


def test_publish_at_prints_the_note(shop: App, cli) -> None:  # type: ignore[no-untyped-def]
    record_expiry(shop.db, "etsy", datetime.now(UTC) + timedelta(days=2))
    product = add_product(shop)
    at = _evening(4).astimezone(KOLKATA)
    result = cli("publish", str(product), "--platform", "etsy", "--at", at.strftime("%Y-%m-%dT%H:%M"))
    assert result.code == 0, result.err
    assert "Note: Etsy's sign-in ends on " in result.out
    assert f"before this post at {format_local(at, KOLKATA)}: reconnect Etsy" in result.out


def test_listings_repost_at_prints_the_note(app: App, cli) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from core.db.models import Listing
    from core.db.types import utcnow
    from core.platforms.connections import record_connected

    ends = utcnow() + timedelta(days=2)
    record_connected(app.db, "facebook", "Clay Corner", "2001", ends, {})
    product = add_product(app, platforms=("facebook",))
    with app.db.session() as session:
        listing = Listing(product_id=product, platform="facebook", remote_id="2001_77",
                          url="https://www.facebook.com/2001/posts/77", sent_price=Decimal("24.50"),
                          published_at=utcnow())
        session.add(listing)
        session.flush()
        listing_id = listing.id
    at = _evening(5).astimezone(KOLKATA)
    result = cli("listings", "repost", str(listing_id), "--at", at.strftime("%Y-%m-%dT%H:%M"))
    assert result.code == 0, result.out + result.err
    assert (f"Note: Facebook's sign-in ends on {format_local(ends, KOLKATA)}, before this post at "
            f"{format_local(at, KOLKATA)}: reconnect Facebook") in result.out
