"""The portals read the product's marketplace details (editor fields) first, attributes and defaults after, and
a missing one is named by the product editor's label before anything is sent or written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.app import App
from core.errors import ValidationError
from core.platforms.base import ListingCopy, ListingRequest
from core.platforms.browser.spec import load_portal
from core.platforms.browser.templates import export_template
from core.platforms.browser.values import form_values
from core.platforms.errors import ContentRejected
from core.products.service import update_product
from tests.portals.test_templates import designs

DETAILS = {"mrp": "549", "hsn_code": "69120010", "gst_percent": "5", "weight_grams": "420", "net_quantity": "2 N",
           "country_of_origin": "India", "manufacturer_name": "Khurja Kilns", "manufacturer_address": "4 Kiln Rd",
           "packer_name": "Pack Co", "packer_address": "9 Depot St", "importer_name": "Dock Imports",
           "importer_address": "4 Dock Rd"}


def request(details: dict[str, str], attributes: dict[str, str] | None = None) -> ListingRequest:
    return ListingRequest(product_id=3, platform="meesho", copy=ListingCopy("Blue mug", "A mug."),
                          price=Decimal("249"), currency="INR", quantity=5, sku="MUG-1", images=(Path("a.jpg"),),
                          idempotency_key="k" * 16, category="Kitchen > Mugs", attributes=attributes or {},
                          details=details)


def test_meesho_form_takes_the_fields_before_attributes_and_defaults() -> None:
    old = {"hsn_code": "6911", "gst_rate": "12", "weight_g": "100", "net_quantity": "1 N"}
    values = form_values(load_portal("meesho"), request(DETAILS, old), {"hsn_code": "1234"}, "meesho")
    assert (values["hsn"], values["gst"], values["weight"], values["net_quantity"], values["mrp"]) == (
        "69120010", "5", "420", "2 N", "549")
    assert (values["packer_name"], values["manufacturer_name"]) == ("Pack Co", "Khurja Kilns")
    assert (values["importer_name"], values["importer_address"]) == ("Dock Imports", "4 Dock Rd")
    fallback = form_values(load_portal("meesho"), request({"manufacturer_name": "K", "manufacturer_address": "A"},
                                                          old), {}, "meesho")
    assert (fallback["hsn"], fallback["weight"], fallback["packer_name"]) == ("6911", "100", "K")


def test_a_missing_detail_is_named_by_its_editor_label_before_the_browser_opens() -> None:
    lacking = {k: v for k, v in DETAILS.items() if k != "weight_grams"}
    with pytest.raises(ContentRejected) as caught:
        form_values(load_portal("meesho"), request(lacking), {}, "meesho")
    assert caught.value.field == "Weight (g)"
    assert "needs the Weight (g)" in str(caught.value)
    assert "Fill in 'Weight (g)' under Marketplace details in the product editor" in str(caught.value.fix)


def test_the_meesho_template_is_filled_from_the_fields(app: App, tmp_path: Path) -> None:
    ids = designs(app, "meesho", tmp_path, ["blue", "green"], {"material": "Stoneware", "capacity": "350 ml"})
    for pid in ids:
        update_product(app.db, pid, DETAILS)
    done = export_template(app, "meesho", "Mugs", ids, tmp_path / "out")
    sheet = load_workbook(done.workbook)["Catalog"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert (first["MRP"], first["GST %"], first["HSN Code"], first["Weight (g)"], first["Net Quantity"]) == (
        "549", "5", "69120010", "420", "2 N")
    assert (first["Packer Name"], first["Packer Address"]) == ("Pack Co", "9 Depot St")
    assert (first["Importer Name"], first["Importer Address"]) == ("Dock Imports", "4 Dock Rd")
    update_product(app.db, ids[0], {"net_quantity": ""})
    with pytest.raises(ValidationError, match=r"no Net quantity\. Fill in 'Net quantity'"):
        export_template(app, "meesho", "Mugs", ids, tmp_path / "again")
    update_product(app.db, ids[0], {"net_quantity": "1 N", "country_of_origin": "China", "importer_name": ""})
    with pytest.raises(ValidationError, match=r"no Importer name \(the Country of Origin is China\)\. Fill in"):
        export_template(app, "meesho", "Mugs", ids, tmp_path / "imported")
