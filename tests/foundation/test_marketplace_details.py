"""Marketplace details (Legal Metrology, weight, HSN, GST) as checked product fields: service, CLI, CSV, migration."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command

from core.db.database import DB_FILE, Database, open_database
from core.db.migrate import alembic_config
from core.db.models import ContentDraft, Product
from core.errors import ValidationError
from core.products import marketplace as M
from core.products.service import create_product, get_product, product_input, update_product


@pytest.mark.parametrize(("raw", "code"), [("6912", "6912"), ("6912 00", "691200"), ("6912.00.10", "69120010")])
def test_hsn_codes_of_four_six_or_eight_digits_are_kept(raw: str, code: str) -> None:
    assert M.parse_hsn(raw) == code


@pytest.mark.parametrize("raw", ["691", "69123", "6912001", "ABCD", "691200100"])
def test_other_hsn_codes_are_refused_plainly(raw: str) -> None:
    with pytest.raises(ValidationError, match="must be 4, 6 or 8 digits") as info:
        M.parse_hsn(raw)
    assert info.value.field == "hsn_code"


def test_gst_rates_old_and_2025_slabs_are_accepted_others_refused() -> None:
    assert [M.parse_gst(r) for r in ("0", "0.25", "3", "5", "12%", "18", "28", "40")] == [
        Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28", "40")]
    for bad in ("7", "eighteen", "-5"):
        with pytest.raises(ValidationError, match="is not a GST rate"):
            M.parse_gst(bad)


def test_weight_is_whole_grams_above_zero() -> None:
    assert (M.parse_weight("250"), M.parse_weight("250 g"), M.parse_weight("1.2 kg")) == (250, 250, 1200)
    for bad in ("0", "-3", "heavy"):
        with pytest.raises(ValidationError, match="grams more than zero"):
            M.parse_weight(bad)


def test_mrp_below_the_price_is_refused_on_add_and_on_edit(app) -> None:
    with pytest.raises(ValidationError, match="MRP 400 is less than the price 499"):
        product_input({"title": "Mug", "price": "499", "mrp": "400"})
    product = create_product(app.db, product_input({"title": "Mug", "price": "499", "mrp": "599"}))
    with pytest.raises(ValidationError, match="less than the price"):
        update_product(app.db, product.id, {"price": "699"})
    assert get_product(app.db, product.id).price == Decimal("499")


def test_details_are_stored_changed_and_cleared(app) -> None:
    data = product_input({"title": "Mug", "price": "499", "mrp": "599", "weight_grams": "350", "hsn_code": "6912",
                          "gst_percent": "5", "net_quantity": "1 N", "country_of_origin": "India",
                          "manufacturer_name": "Asha Pottery", "manufacturer_address": "12 Kiln Rd, Khurja"})
    product = create_product(app.db, data)
    assert (product.mrp, product.weight_grams, product.hsn_code, product.gst_percent) == (
        Decimal("599"), 350, "6912", Decimal("5"))
    assert product.legal == {"manufacturer_name": "Asha Pottery", "manufacturer_address": "12 Kiln Rd, Khurja"}
    changed = update_product(app.db, product.id, {"packer_name": "Asha Packers", "hsn_code": "", "weight_grams": None})
    assert changed.hsn_code is None and changed.weight_grams == 350
    assert changed.legal["packer_name"] == "Asha Packers" and changed.legal["manufacturer_name"] == "Asha Pottery"
    assert json.loads(json.dumps(changed.to_json()))["mrp"] == "599"


def test_cli_add_edit_and_show_the_details(cli) -> None:
    added = cli("products", "add", "--title", "Mug", "--price", "499", "--mrp", "599", "--hsn", "6912",
                "--gst", "18", "--weight", "350", "--manufacturer-name", "Asha Pottery", "--json")
    assert added.code == 0, added.err
    pid = str(json.loads(added.out)["id"])
    refused = cli("products", "edit", pid, "--hsn", "123")
    assert refused.code != 0 and "must be 4, 6 or 8 digits" in refused.err
    assert cli("products", "edit", pid, "--net-quantity", "1 N").code == 0
    shown = cli("products", "show", pid).out
    assert "HSN code: 6912" in shown and "Net quantity: 1 N" in shown and "Manufacturer name: Asha Pottery" in shown


def test_csv_export_and_import_carry_the_details(cli, tmp_path: Path) -> None:
    cli("products", "add", "--title", "Mug", "--price", "499", "--sku", "MUG-1", "--mrp", "599",
        "--gst", "12", "--packer-address", "Lane 4, Jaipur")
    out = tmp_path / "p.csv"
    assert cli("products", "export", str(out)).code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "hsn_code" in text.splitlines()[0] and "Lane 4, Jaipur" in text
    edited = text.replace(",599,", ",649,")
    assert edited != text
    out.write_text(edited, encoding="utf-8")
    result = cli("products", "import", str(out), "--json")
    assert result.code == 0, result.err
    shown = json.loads(cli("products", "show", "1", "--json").out)
    assert (shown["mrp"], shown["gst_percent"], shown["legal"]) == ("649", "12", {"packer_address": "Lane 4, Jaipur"})


def test_upgrade_moves_attribute_values_into_the_fields_and_keeps_bad_ones(tmp_path: Path) -> None:
    from core.content.drafts import facts_fingerprint

    db = Database(tmp_path / DB_FILE)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0080")
    attrs = {"colour": "blue", "hsn_code": "6912", "gst_rate": "18", "weight_g": "350", "mrp": "599",
             "manufacturer_name": "Asha Pottery", "net_quantity": "1 N", "country_of_origin": "bad hsn?"}
    attrs_bad = {"hsn_code": "12", "packer_name": "P Co"}
    fingerprint = facts_fingerprint(Product(title="Mug", description="", price=Decimal("499"), currency="INR",
                                            category="", quantity=1, attributes=attrs))
    with db.engine.begin() as conn:
        for title, price, attributes in (("Mug", 4990000, attrs), ("Jar", 990000, attrs_bad)):
            conn.exec_driver_sql(
                "INSERT INTO products (title, description, price, currency, quantity, category, attributes, status,"
                " language, created_at, updated_at) VALUES (?, '', ?, 'INR', 1, '', ?, 'draft', 'en',"
                " '2025-01-01 00:00:00', '2025-01-01 00:00:00')", (title, price, json.dumps(attributes)))
        conn.exec_driver_sql(
            "INSERT INTO content_drafts (product_id, platform, title, description, bullets, hashtags, tags, status,"
            " source, language, edited_by_seller, seo_title, seo_description, approved_facts, created_at, updated_at)"
            " VALUES (1, 'meesho', 'Mug', '', '[]', '[]', '[]', 'approved', 'offline', 'en', 0, '', '', ?,"
            " '2025-01-01 00:00:00', '2025-01-01 00:00:00')", (fingerprint,))
    db.dispose()

    upgraded = open_database(tmp_path)
    try:
        with upgraded.session() as s:
            mug, jar = s.get(Product, 1), s.get(Product, 2)
            assert mug is not None and jar is not None
            assert mug.attributes == {"colour": "blue"}
            assert (mug.hsn_code, mug.gst_percent, mug.weight_grams, mug.mrp, mug.net_quantity) == (
                "6912", Decimal("18"), 350, Decimal("599"), "1 N")
            assert mug.country_of_origin == "bad hsn?" and mug.legal == {"manufacturer_name": "Asha Pottery"}
            assert jar.attributes == {"hsn_code": "12"} and jar.hsn_code is None
            assert jar.legal == {"packer_name": "P Co"}
            draft = s.query(ContentDraft).one()
            assert draft.approved_facts == facts_fingerprint(mug)  # moving the facts did not make approval stale
    finally:
        upgraded.dispose()


def test_downgrade_puts_the_details_back_into_the_attributes(app, tmp_path: Path) -> None:
    create_product(app.db, product_input({"title": "Mug", "price": "249", "attributes": "colour=blue", "mrp": "299",
                                          "weight_grams": "350", "gst_percent": "12", "packer_name": "Pack Co"}))
    cfg = alembic_config()
    with app.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0080")
        row = conn.exec_driver_sql("SELECT attributes FROM products").one()
    assert json.loads(row[0]) == {"colour": "blue", "mrp": "299", "weight_g": "350", "gst_rate": "12",
                                  "packer_name": "Pack Co"}


def test_a_second_name_for_one_field_stays_an_attribute() -> None:
    moved, rest = M.split_attributes({"HSN": "6912", "hsn_code": "6911", "weight": "", "colour": "red"})
    assert moved == {"hsn_code": "6912"} and rest == {"hsn_code": "6911", "weight": "", "colour": "red"}
