"""``platforms check NAME`` and the window's Check pages…: each page is opened, nothing is submitted, and every
selector of the data file is reported found or missing, with what each page showed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from core import cli
from tests.portals.conftest import PortalEnv
from tests.portals.platform_page import click_on_page

EnvOf = Callable[[str], PortalEnv]


def test_the_check_walks_every_page_without_submitting(env_of: EnvOf) -> None:
    env = env_of("meesho")
    submits, listings = env.replica.submits, len(env.replica.listings)
    check = env.platform.check_pages()
    assert check.ok, check.pages
    names = [p.page for p in check.pages]
    assert names == ["home", "listing form: choose the category", "listing form: product details",
                     "listing form: price, GST and HSN", "listing form: legal metrology", "listing result", "catalog",
                     "orders"]
    details = check.pages[2]  # each design's boxes, found in the design block the form shows first
    assert "product name: .product-name" in details.found and "next button: #details-next" in details.found
    assert "add design button: #add-design" in details.found
    assert any("#category-results .category-option" in s for s in check.pages[1].later)  # shows after typing
    assert (env.replica.submits, len(env.replica.listings)) == (submits, listings)
    assert sorted(p.name for p in check.folder.iterdir()) == ["catalog", "home", "listing-form-choose-the-category",
                                                              "listing-form-legal-metrology",
                                                              "listing-form-price-gst-and-hsn",
                                                              "listing-form-product-details", "orders"]
    assert (check.folder / "home" / "screenshot.png").read_bytes().startswith(b"\x89PNG")


def test_a_redesigned_panel_is_reported_by_selector_from_the_command_line(
        env_of: EnvOf, capsys: pytest.CaptureFixture[str]) -> None:
    env = env_of("meesho")
    env.replica.variant = "moved"
    env.platform._session.close_browser()  # the command opens the profile in a browser of its own
    code = cli.main(["--data-dir", str(env.app.data_dir), "--json", "platforms", "check", "meesho"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    pricing = next(p for p in report["pages"] if p["page"] == "listing form: price, GST and HSN")
    assert pricing["missing"] == ["HSN code: #hsn-code"]
    assert not report["ok"] and all(not p["missing"] for p in report["pages"] if p is not pricing)
    env.replica.variant = None
    code = cli.main(["--data-dir", str(env.app.data_dir), "platforms", "check", "meesho"])
    out = capsys.readouterr().out
    assert code == 0 and "Every selector was found." in out and "found    product name: .product-name" in out


def test_check_pages_in_the_window(env_of: EnvOf, qtbot) -> None:  # type: ignore[no-untyped-def]
    env = env_of("snapdeal")
    env.platform._session.close_browser()
    detail, tasks = click_on_page(env.app, qtbot, "snapdeal", "check_button")
    dialog = detail.check_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=60_000)
    assert "Every box and button was found." in dialog.status.text()
    assert "found    product title: #title" in dialog.report.toPlainText()
    dialog.grab().save(str(env.app.data_dir / "check-dialog.png"))
    qtbot.waitUntil(lambda: not tasks._running, timeout=5_000)
    dialog.close()
