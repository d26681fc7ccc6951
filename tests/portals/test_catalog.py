"""A Meesho catalog of designs through the supplier panel (real Chromium against the replica): three designs become
one catalog with every Legal Metrology detail, the importer's included; the panel refuses fewer than 2 designs, and
SellerDesk refuses a lone product, a missing category attribute or designs that disagree before anything is sent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from core import cli
from core.app import App
from core.db.models import Listing
from core.errors import ValidationError
from core.platforms import registry
from core.platforms.browser.catalog import catalog_form, group_designs, publish_catalog
from core.platforms.browser.form import create_catalog
from core.platforms.browser.templates import layout_of
from core.platforms.errors import ContentRejected
from core.products.service import update_product
from desktop.platforms.catalog_dialog import CatalogDialog
from desktop.platforms.detail import PlatformDetail
from desktop.tasks import TaskRunner
from tests.portals.conftest import PortalEnv, unpaced
from tests.portals.platform_page import click_on_page, tick
from tests.portals.test_templates import designs as photographed

EnvOf = Callable[[str], PortalEnv]
IMPORTED = {"mrp": "549", "hsn_code": "69120010", "gst_percent": "12", "weight_grams": "420",
            "net_quantity": "1 N", "country_of_origin": "China", "manufacturer_name": "Jingdezhen Ceramics Co",
            "manufacturer_address": "88 Kiln Road, Jingdezhen, Jiangxi", "packer_name": "Asha Handicrafts",
            "packer_address": "12 Potters Lane, Khurja, UP 203131", "importer_name": "Asha Imports",
            "importer_address": "4 Dock Road, Mumbai, MH 400001"}


def designs(env: PortalEnv, stem: str, colours: list[str], details: dict[str, str] | None = None) -> list[int]:
    ids = []
    for colour in colours:
        pid = env.add_product(sku=f"{stem}-{colour.upper()}", title=f"Glazed Mug {colour}")
        if details:
            update_product(env.app.db, pid, details)
        ids.append(pid)
    return ids


def test_three_designs_become_one_catalog_with_every_legal_metrology_detail(env_of: EnvOf) -> None:
    env = env_of("meesho")
    ids = designs(env, "CAT3", ["blue", "green", "ochre"], IMPORTED)
    submits = env.replica.submits
    made = publish_catalog(env.app, "meesho", ids, catalog_name="Glazed Mugs", target=env.platform,
                           variants=env.variants)
    assert env.replica.submits == submits + 1  # one catalog, one submit
    assert [pid for pid, _ in made] == ids and {r.state for _, r in made} == {"draft"}
    listings = [env.replica.listings[r.remote_id] for _, r in made]
    assert len({item.fields["catalog_id"] for item in listings}) == 1
    assert env.replica.catalogs[listings[0].fields["catalog_id"]] == [r.remote_id for _, r in made]
    assert [item.fields["sku"] for item in listings] == ["CAT3-BLUE", "CAT3-GREEN", "CAT3-OCHRE"]
    assert all(len(item.images) == 2 and item.stock == 7 for item in listings)
    first = listings[0].fields
    assert first["title"].startswith("Glazed Mug blue") and listings[2].fields["title"].startswith("Glazed Mug ochre")
    assert {k: first[k] for k in IMPORTED_SENT} == IMPORTED_SENT
    assert (first["category"], first["price"]) == ("Home & Kitchen > Kitchen Tools > Mugs", "249")
    with env.app.db.session() as session:  # each design is a listing of its product, as a publish job makes
        rows = session.scalars(select(Listing).where(Listing.product_id.in_(ids))).all()
        assert sorted((r.product_id, r.remote_id) for r in rows) == sorted((pid, r.remote_id) for pid, r in made)


IMPORTED_SENT = {"mrp": "549", "hsn": "69120010", "gst": "12", "weight_g": "420", "net_quantity": "1 N",
                 "country_of_origin": "China", "manufacturer_name": "Jingdezhen Ceramics Co",
                 "manufacturer_address": "88 Kiln Road, Jingdezhen, Jiangxi", "packer_name": "Asha Handicrafts",
                 "packer_address": "12 Potters Lane, Khurja, UP 203131", "importer_name": "Asha Imports",
                 "importer_address": "4 Dock Road, Mumbai, MH 400001"}


def test_an_imported_product_without_its_importer_is_refused_before_it_is_sent(env_of: EnvOf) -> None:
    env = env_of("meesho")
    lacking = {**IMPORTED, "importer_name": "", "importer_address": ""}
    ids = designs(env, "NOIMP", ["blue", "green"], lacking)
    before, submits = len(env.replica.listings), env.replica.submits
    with pytest.raises(ContentRejected) as caught:
        publish_catalog(env.app, "meesho", ids, target=env.platform, variants=env.variants)
    assert caught.value.field == "Importer name"
    assert "Meesho needs the Importer name (the Country of origin is China)" in str(caught.value)
    assert "Fill in 'Importer name' under Marketplace details in the product editor" in str(caught.value.fix)
    assert (len(env.replica.listings), env.replica.submits) == (before, submits)
    # Made in India, the importer is not asked for.
    for pid in ids:
        update_product(env.app.db, pid, {"country_of_origin": "India"})
    catalog = group_designs(env.app, "meesho", layout_of("meesho"), ids, variants=env.variants)
    shared, each = catalog_form(env.platform.portal, catalog, {})
    assert (shared["country"], shared["importer_name"]) == ("India", "")
    # The panel itself demands it for an imported product (past SellerDesk's own check).
    with pytest.raises(ContentRejected) as panel:
        env.platform._run(lambda tab: create_catalog(tab, {**shared, "country": "China"}, each,
                                                     ["NOIMP-BLUE", "NOIMP-GREEN"]))
    assert panel.value.field == "importer name"
    assert "Importer name is mandatory for imported products" in str(panel.value)
    assert len(env.replica.listings) == before


def test_the_panel_refuses_a_catalog_of_one_design(env_of: EnvOf) -> None:
    env = env_of("meesho")
    ids = designs(env, "LONE", ["blue", "green"])
    catalog = group_designs(env.app, "meesho", layout_of("meesho"), ids, variants=env.variants)
    shared, each = catalog_form(env.platform.portal, catalog, {})
    before = len(env.replica.listings)
    # Past SellerDesk's own check (which refuses it earlier): the panel itself says no.
    with pytest.raises(ContentRejected) as caught:
        env.platform._run(lambda tab: create_catalog(tab, shared, each[:1], ["LONE-BLUE"]))
    assert "Add at least 2 designs: a catalog is 2 to 9 designs of one product" in str(caught.value)
    assert len(env.replica.listings) == before
    with pytest.raises(ValidationError, match="Meesho takes 2 to 9 products in a catalog; 1 were chosen"):
        publish_catalog(env.app, "meesho", ids[:1], target=env.platform, variants=env.variants)
    with pytest.raises(ContentRejected, match="never one product alone") as alone:
        env.platform.publish(catalog.designs[0])
    assert "sellerdesk platforms publish-catalog meesho --products" in str(alone.value)
    assert len(env.replica.listings) == before


def test_a_missing_category_attribute_or_a_disagreement_is_named_before_anything_is_sent(env_of: EnvOf) -> None:
    env = env_of("meesho")
    ids = designs(env, "ATTR", ["blue", "green", "ochre"])
    with env.app.db.session() as session:
        from core.db.models import Product

        product = session.get(Product, ids[1])
        assert product is not None
        product.attributes = {k: v for k, v in product.attributes.items() if k != "capacity"}
    submits = env.replica.submits
    with pytest.raises(ValidationError) as caught:
        publish_catalog(env.app, "meesho", ids, target=env.platform, variants=env.variants)
    message = str(caught.value)
    assert f"#{ids[1]} 'Glazed Mug green" in message and "no Capacity" in message
    assert "Set the product's 'capacity' attribute in the Products tab" in message
    update_product(env.app.db, ids[1], {"gst_percent": "5"})
    with pytest.raises(ValidationError, match=r"has GST % '5' but .* has '12' \(a catalog has one\)"):
        publish_catalog(env.app, "meesho", [ids[0], ids[1]], target=env.platform, variants=env.variants)
    assert env.replica.submits == submits


def test_a_later_designs_box_the_panel_refuses_is_named(env_of: EnvOf) -> None:
    env = env_of("meesho")
    ids = designs(env, "STOCK", ["blue", "green", "ochre"])
    with env.app.db.session() as session:
        from core.db.models import Product

        product = session.get(Product, ids[2])
        assert product is not None
        product.quantity = 0  # the panel takes a design only with stock
    before = len(env.replica.listings)
    with pytest.raises(ContentRejected) as caught:
        publish_catalog(env.app, "meesho", ids, target=env.platform, variants=env.variants)
    assert (caught.value.field, caught.value.reason) == ("inventory", "Inventory must be a whole number of at least 1")
    assert "step 'product details'" in str(caught.value) and len(env.replica.listings) == before


def test_a_catalog_sent_before_is_never_sent_twice(env_of: EnvOf) -> None:
    env = env_of("meesho")
    ids = designs(env, "TWICE", ["blue", "green"])
    first = publish_catalog(env.app, "meesho", ids, target=env.platform, variants=env.variants)
    submits = env.replica.submits
    again = publish_catalog(env.app, "meesho", ids, target=env.platform, variants=env.variants)
    assert [r.remote_id for _, r in again] == [r.remote_id for _, r in first] and env.replica.submits == submits
    extra = designs(env, "TWICE", ["ochre"])
    with pytest.raises(ValidationError, match="already on Meesho") as caught:
        publish_catalog(env.app, "meesho", [ids[0], extra[0]], target=env.platform, variants=env.variants)
    assert "Publish the other designs as a catalog of their own" in str(caught.value.hint)
    assert env.replica.submits == submits


def test_publish_catalog_from_the_command_line(env_of: EnvOf, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = env_of("meesho")
    ids = photographed(env.app, "meesho", tmp_path, ["blue", "green", "ochre"])  # the command uses the image store
    for pid in ids:
        update_product(env.app.db, pid, IMPORTED)
    env.platform._session.close_browser()  # the command opens the profile in a browser of its own
    paced_by(monkeypatch, 0)  # the pacing itself is test_pacing's
    # The run's portal app keeps its database key in an earlier test's keychain: the command's app gets the same.
    key = env.app.db.engine.dialect._sellerdesk_column_key.get()
    monkeypatch.setattr(App, "_column_key", lambda self: key)
    argv = ["--data-dir", str(env.app.data_dir), "--json", "platforms", "publish-catalog", "meesho",
            "--products", ",".join(map(str, ids)), "--catalog-name", "Glazed Mugs"]
    assert cli.main(argv) == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out)
    assert [row["product_id"] for row in out] == ids and {row["state"] for row in out} == {"draft"}
    made = [env.replica.listings[row["remote_id"]] for row in out]
    assert len({item.fields["catalog_id"] for item in made}) == 1
    assert made[0].fields["importer_name"] == "Asha Imports"
    assert cli.main(["--data-dir", str(env.app.data_dir), "platforms", "publish-catalog", "meesho",
                     "--products", "4,x"]) != 0
    assert "is not a list of product ids" in capsys.readouterr().err


def paced_by(monkeypatch: pytest.MonkeyPatch, pause: float) -> None:
    """Platforms opened from here on wait ``pause`` s for each of the pacer's pauses (0: none) and type at once."""
    opened = registry.open_platform

    def opener(*args: Any, **kwargs: Any) -> Any:
        platform = opened(*args, **kwargs)
        unpaced(platform)
        platform.pacer.sleep = lambda _seconds: time.sleep(pause)
        return platform

    monkeypatch.setattr(registry, "open_platform", opener)


def catalog_dialog(env: PortalEnv, qtbot: Any, ids: list[int]) -> tuple[PlatformDetail, CatalogDialog, TaskRunner]:
    """Platforms tab › Meesho › Publish catalog…, with the designs ``ids`` ticked (the page is returned too: it
    owns the dialog)."""
    env.platform._session.close_browser()  # the dialog opens the profile in a browser of its own
    detail, tasks = click_on_page(env.app, qtbot, "meesho", "catalog_button")
    dialog = detail.catalog_dialog
    assert dialog is not None
    tick(dialog.products, ids)
    return detail, dialog, tasks


def test_publish_catalog_from_the_window(env_of: EnvOf, qtbot: Any, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    env = env_of("meesho")
    ids = photographed(env.app, "meesho", tmp_path, ["teal", "rose", "sand"])
    paced_by(monkeypatch, 0)
    _detail, dialog, tasks = catalog_dialog(env, qtbot, ids)
    dialog.catalog_name.setText("Glazed Mugs, window")
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.isVisibleTo(dialog) and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.published is not None or "not" in dialog.status.text(), timeout=90_000)
    assert dialog.published is not None, dialog.status.text()
    assert [pid for pid, _ in dialog.published] == ids
    assert "Published a catalog of 3 designs on Meesho" in dialog.status.text()
    made = [env.replica.listings[r.remote_id] for _, r in dialog.published]
    assert len({item.fields["catalog_id"] for item in made}) == 1
    assert {item.fields["catalog_id"] for item in made} <= set(env.replica.catalogs)
    dialog.grab().save(str(tmp_path / "catalog-dialog.png"))
    qtbot.waitUntil(lambda: not tasks._running, timeout=10_000)
    dialog.close()


def test_cancel_in_the_window_sends_nothing(env_of: EnvOf, qtbot: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    env = env_of("meesho")
    ids = photographed(env.app, "meesho", tmp_path, ["plum", "mint"])
    paced_by(monkeypatch, 0.5)  # a person's pauses, long enough to press Cancel before the catalog goes
    submits = env.replica.submits
    _detail, dialog, tasks = catalog_dialog(env, qtbot, ids)
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.publish_button.isEnabled(), timeout=60_000)
    assert "was cancelled before it was sent: nothing was sent" in dialog.status.text()
    assert dialog.published is None and env.replica.submits == submits
    qtbot.waitUntil(lambda: not tasks._running, timeout=10_000)
    dialog.close()
