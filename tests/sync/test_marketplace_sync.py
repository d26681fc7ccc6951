"""A product's marketplace details travel with it, and a record from a desktop that does not know them keeps ours."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.db.models import Product
from core.products.service import create_product, product_input, update_product
from core.sync.apply import apply_version
from core.sync.capture import quietly
from tests.sync.test_capture import _outbox, _record


def test_marketplace_details_travel_and_an_older_record_keeps_ours(app) -> None:
    mug = create_product(app.db, product_input({"title": "Mug", "price": "249", "mrp": "299", "hsn_code": "6912",
                                                "gst_percent": "0.25", "weight_grams": "350",
                                                "manufacturer_name": "Asha"}))
    sent = _outbox(app.db)[-1][2]
    assert (sent["mrp"], sent["hsn_code"], sent["gst_percent"], sent["weight_grams"], sent["legal"]) == (
        "299", "6912", "0.25", 350, {"manufacturer_name": "Asha"})
    update_product(app.db, mug.id, {"hsn_code": ""})
    assert _outbox(app.db)[-1][2]["hsn_code"] is None

    jar = "6a2b1c3d-0000-4000-8000-0000000000a1"
    with app.db.session() as session:
        incoming = _record("product", jar, {"title": "Jar", "price": "99", "currency": "INR", "sku": "J1",
                                            "mrp": "120", "gst_percent": "18", "net_quantity": "1 N",
                                            "legal": {"packer_name": "Pack Co"}})
        assert apply_version(quietly(session), incoming) == "applied"
    with app.db.session() as session:  # from a desktop without marketplace details: ours stay
        older = _record("product", jar, {"title": "Big jar", "price": "99", "currency": "INR", "sku": "J1"}, 2)
        assert apply_version(quietly(session), older) == "applied"
    with app.db.session() as session:
        row = session.scalars(select(Product).where(Product.sku == "J1")).one()
        assert (row.title, row.mrp, row.gst_percent, row.net_quantity, row.legal) == (
            "Big jar", Decimal("120"), Decimal("18"), "1 N", {"packer_name": "Pack Co"})
