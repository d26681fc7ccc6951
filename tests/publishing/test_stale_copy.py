"""Copy approved before the product changed (a stale approval) is never published: not by a scheduled job, not by a
bulk schedule, not by a direct publish. The job waits for the seller with what to do, and goes out once the copy is
approved again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.app import App
from core.content.drafts import facts_fingerprint
from core.db.models import ContentDraft, Product
from core.db.types import utcnow
from core.errors import ValidationError
from core.platforms.publish import build_listing_request, publish_listing
from core.publishing.jobs import create_job, get_job
from tests.platforms.conftest import FakeVariants, add_product
from tests.publishing.conftest import wait_for

FAKE = ("fakegram",)


def _approve(app: App, product_id: int) -> None:
    """Approve the product's copy as the Content tab does: against the product's facts as they are now."""
    with app.db.session() as session:
        product = session.get(Product, product_id)
        assert product is not None
        for draft in session.scalars(select(ContentDraft).where(ContentDraft.product_id == product_id)):
            draft.status, draft.approved_facts = "approved", facts_fingerprint(product)


def _change_price(app: App, product_id: int) -> None:
    with app.db.session() as session:
        product = session.get(Product, product_id)
        assert product is not None
        product.price = Decimal("19.00")


def test_a_scheduled_job_for_stale_copy_waits_for_the_seller_then_goes_out(app: App, fake_platform,
                                                                          make_publisher) -> None:
    server = fake_platform()
    product = add_product(app, platforms=FAKE)
    _approve(app, product)
    job = create_job(app.db, product, "fakegram", at=utcnow())
    _change_price(app, product)  # after scheduling: the approval no longer covers what the listing would say
    publisher = make_publisher(app)
    waiting = wait_for(lambda: (j := get_job(app.db, job.id)).state == "failed" and j, message="held back")
    assert server.items == {} and waiting.attempts == 1
    assert (f"The Fakegram copy of product #{product} 'Blue Glazed Stoneware Mug' was approved before the product "
            "changed") in (waiting.last_error or "")
    assert waiting.next_step == (f"Check the Fakegram copy in the Content tab and approve it again (or: sellerdesk "
                                 f"content approve {product} fakegram), then publish again. (or: sellerdesk jobs "
                                 f"retry {job.id})")
    _approve(app, product)  # the seller checked it and approved it again
    publisher.retry(job.id)
    wait_for(lambda: get_job(app.db, job.id).state == "published", message="published once approved again")
    assert len(server.items) == 1


def test_bulk_scheduling_skips_stale_copy_with_what_to_do(app: App, fake_platform, make_publisher) -> None:
    fake_platform()
    stale, fresh = add_product(app, platforms=FAKE), add_product(app, platforms=FAKE, title="Red Jute Bag", sku="BAG-1")
    _approve(app, stale)
    _approve(app, fresh)
    _change_price(app, stale)
    publisher = make_publisher(app, start=False)
    for platforms in (["all"], FAKE):  # every platform with approved copy, or the one named
        result = publisher.schedule([stale, fresh], platforms, "now")
        assert [j.product_id for j in result.jobs] == [fresh]
        assert result.skipped == [
            f"The Fakegram copy of product #{stale} 'Blue Glazed Stoneware Mug' was approved before the product "
            "changed (price, stock, title, description or attributes), so it is not published until it is approved "
            f"again. Check the Fakegram copy in the Content tab and approve it again (or: sellerdesk content approve "
            f"{stale} fakegram), then publish again."]


def test_a_direct_publish_refuses_stale_copy_but_a_live_listing_keeps_its_copy(app: App,
                                                                             variants: FakeVariants) -> None:
    product = add_product(app, platforms=("etsy",))
    _approve(app, product)
    assert build_listing_request(app.db, product, "etsy", variants, new_listing=True).price == Decimal("24.50")
    made = len(variants.calls)
    with app.db.session() as session:
        session.get(Product, product).quantity = 0  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match=f"The Etsy copy of product #{product} .* was approved before the "
                                              "product changed") as caught:
        publish_listing(app, product, "etsy", variants=variants)
    assert f"sellerdesk content approve {product} etsy" in (caught.value.hint or "")
    assert len(variants.calls) == made  # refused before any picture was made
    # A follow-up of a live listing (stock, price) still carries the copy the listing already shows.
    assert build_listing_request(app.db, product, "etsy", variants).quantity == 0
