"""A product's marketplace details (HSN, GST %, MRP, weight, maker) are never given to the copy writer, and
changing them does not make approved copy stale."""

from __future__ import annotations

from core.content.drafts import facts_fingerprint, product_facts
from core.db.models import Product
from core.products.service import create_product, product_input, update_product


def test_the_copy_writer_never_sees_the_marketplace_details(app) -> None:
    product = create_product(app.db, product_input({
        "title": "Blue mug", "price": "249", "attributes": "colour=blue", "mrp": "777", "hsn_code": "69120010",
        "gst_percent": "28", "weight_grams": "4321", "manufacturer_name": "Secret Kilns",
        "manufacturer_address": "99 Hidden Lane"}))
    facts = product_facts(app, product.id)
    seen = repr(facts)
    assert facts.attributes == {"colour": "blue"}
    for private in ("777", "69120010", "4321", "Secret Kilns", "Hidden Lane"):
        assert private not in seen
    with app.db.session() as session:
        before = facts_fingerprint(session.get(Product, product.id))
    update_product(app.db, product.id, {"hsn_code": "6912", "gst_percent": "18"})
    with app.db.session() as session:
        assert facts_fingerprint(session.get(Product, product.id)) == before
