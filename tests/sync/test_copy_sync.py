"""Listing copy travels whole between two computers: the search-engine listing (SEO title and meta description) and
the approval with the product facts it was given for, so a change of facts on either computer makes it stale on
both, and approving again there clears it everywhere."""

from __future__ import annotations

from sqlalchemy import select

from core.content.drafts import DraftView, edit_field, generate_drafts, list_drafts, set_status
from core.db.models import ContentDraft, Product
from core.products.service import create_product, product_input, update_product
from core.sync.conflicts import list_conflicts, resolve
from tests.sync.conftest import PASSWORD, Device

SEO_TITLE = "Brass Diya, 4 inch | Asha Crafts"
SEO_DESCRIPTION = "A 4 inch brass diya for Diwali and daily puja, polished by hand in Moradabad."


def _shopify_copy(device: Device, sku: str) -> tuple[int, DraftView]:
    """The product's local id on ``device`` and its Shopify copy as the Content tab shows it."""
    with device.app.db.session() as session:
        product_id = session.scalars(select(Product.id).where(Product.sku == sku)).one()
    return product_id, list_drafts(device.app.db, product_id)["shopify"]


def test_seo_fields_and_the_approval_arrive_on_the_other_computer(make_device, server) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    diya = create_product(laptop.app.db, product_input({"title": "Brass Diya", "price": "450", "sku": "D1",
                                                        "quantity": "6"}))
    generate_drafts(laptop.app, diya.id, ["shopify"], offline=True)
    edit_field(laptop.app.db, diya.id, "shopify", "seo_title", SEO_TITLE)
    edit_field(laptop.app.db, diya.id, "shopify", "seo_description", SEO_DESCRIPTION)
    set_status(laptop.app.db, diya.id, "shopify", "approved")
    laptop.sync()
    shop.sync()

    shop_id, arrived = _shopify_copy(shop, "D1")
    assert (arrived.seo_title, arrived.seo_description) == (SEO_TITLE, SEO_DESCRIPTION)
    assert arrived.status == "approved" and arrived.stale == ""
    with laptop.app.db.session() as one, shop.app.db.session() as other:
        sent = one.scalars(select(ContentDraft.approved_facts)).one()
        assert sent and other.scalars(select(ContentDraft.approved_facts)).one() == sent

    # The price changes on the shop computer: the approval is stale there and, once synced, on the laptop.
    update_product(shop.app.db, shop_id, {"price": "499"})
    assert _shopify_copy(shop, "D1")[1].stale
    shop.sync()
    laptop.sync()
    assert _shopify_copy(laptop, "D1")[1].stale
    # Approved again on the laptop: fresh on both.
    set_status(laptop.app.db, diya.id, "shopify", "approved")
    laptop.sync()
    shop.sync()
    assert _shopify_copy(shop, "D1")[1].stale == "" and _shopify_copy(laptop, "D1")[1].stale == ""


def test_copy_edited_on_both_is_a_conflict_in_the_sellers_words(make_device, server) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    diya = create_product(laptop.app.db, product_input({"title": "Brass Diya", "price": "450", "sku": "D1"}))
    generate_drafts(laptop.app, diya.id, ["shopify"], offline=True)
    laptop.sync()
    shop.sync()

    server.stop()  # both change the copy while the service is down; the laptop approves its version
    edit_field(laptop.app.db, diya.id, "shopify", "seo_title", SEO_TITLE)
    set_status(laptop.app.db, diya.id, "shopify", "approved")
    shop_id = _shopify_copy(shop, "D1")[0]
    edit_field(shop.app.db, shop_id, "shopify", "seo_title", "Brass Diya for Puja")
    server.start()
    laptop.sync()
    assert shop.sync().conflicts == 1
    conflict = list_conflicts(shop.app.db)[0]
    differences = {name: (mine, theirs) for name, mine, theirs in conflict.differences()}
    assert differences["seo_title"] == ("Brass Diya for Puja", SEO_TITLE)
    assert differences["status"] == ("draft", "approved")
    assert "approved_facts" not in differences  # a fingerprint, not something the seller wrote
    resolve(shop.account, conflict.conflict_id, "theirs")
    kept = _shopify_copy(shop, "D1")[1]
    assert (kept.seo_title, kept.status, kept.stale) == (SEO_TITLE, "approved", "")
