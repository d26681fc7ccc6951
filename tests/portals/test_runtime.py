"""The pieces under the portals: browser choice, launch arguments, data files, the browser thread, form values."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.app import App
from core.errors import StorageError
from core.platforms.base import ListingCopy, ListingRequest
from core.platforms.browser import launcher
from core.platforms.browser.failures import FAILURES_DIR, save_failure
from core.platforms.browser.form import choose
from core.platforms.browser.spec import bundled_dir, load_portal
from core.platforms.browser.values import form_values
from core.platforms.browser.worker import BrowserThread
from core.platforms.errors import ContentRejected


def test_no_sandbox_only_for_root_on_linux(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    app.settings.set("browser.executable_path", __file__)  # any existing file stands for the browser here
    monkeypatch.setattr(launcher, "runs_as_root", lambda: True)
    plan = launcher.launch_plan(app.settings, "meesho")
    assert "--no-sandbox" in plan.args and not plan.sandbox
    monkeypatch.setattr(launcher, "runs_as_root", lambda: False)
    plan = launcher.launch_plan(app.settings, "meesho")
    assert "--no-sandbox" not in plan.args and plan.sandbox
    assert {"--disable-gpu", "--disable-sync", "--disable-component-update"} <= set(plan.args)
    kwargs = plan.launch_kwargs(plan.ways[0], headless=True)
    assert kwargs["executable_path"] == __file__ and kwargs["chromium_sandbox"] and kwargs["headless"]


def test_chrome_or_edge_by_channel_then_whatever_the_doctor_finds(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "find_browser", lambda channel, path: "/usr/bin/chromium")
    app.settings.set("browser.channel", "msedge")
    assert launcher.launch_plan(app.settings, "snapdeal").ways == ({"channel": "msedge"},
                                                                   {"executable_path": "/usr/bin/chromium"})
    monkeypatch.setattr(launcher, "find_browser", lambda channel, path: None)
    app.settings.set("browser.channel", "")
    with pytest.raises(launcher.BrowserMissing) as caught:
        launcher.launch_plan(app.settings, "snapdeal")
    assert str(caught.value) == ("Snapdeal: no Chrome, Edge or Chromium was found on this computer. "
                                 "Install Google Chrome or Microsoft Edge, or set browser.executable_path.")


def test_launch_errors_are_told_apart() -> None:
    assert launcher.is_missing_browser("Chromium distribution 'chrome' is not found at /opt/google/chrome/chrome")
    assert launcher.is_missing_browser("Failed to launch chromium because executable doesn't exist at /x/chrome")
    assert launcher.is_profile_in_use("Failed to create a ProcessSingleton for your profile directory.")
    assert launcher.is_no_display("Looks like you launched a headed browser without having a XServer running.")
    assert not launcher.is_profile_in_use("--disable-features=DestroyProfileOnBrowserClose")


def test_an_edited_copy_of_a_portal_file_wins_and_a_broken_one_is_pinpointed(tmp_path: Path) -> None:
    data = json.loads((bundled_dir() / "meesho.json").read_text(encoding="utf-8"))
    data["listing"]["steps"][1]["next"] = "#details-continue"
    (tmp_path / "meesho.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_portal("meesho", tmp_path).steps[1].next == "#details-continue"
    assert load_portal("snapdeal", tmp_path).path == bundled_dir() / "snapdeal.json"  # no copy: the bundled one
    del data["listing"]["steps"][1]["next"]
    (tmp_path / "meesho.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StorageError, match=r"at 'listing.steps\[1\].next': it is missing") as caught:
        load_portal("meesho", tmp_path)
    assert "Undo the last edit" in str(caught.value)


def test_the_browser_thread_serves_callers_from_any_thread_one_at_a_time() -> None:
    worker = BrowserThread("test")
    seen: list[str] = []

    def ask() -> None:
        seen.append(worker.call(lambda playwright: threading.current_thread().name))

    callers = [threading.Thread(target=ask) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert seen == ["browser-test"] * 3
    with pytest.raises(ZeroDivisionError):
        worker.call(lambda playwright: 1 / 0)
    assert worker.call(lambda playwright: playwright.chromium.name) == "chromium"
    worker.stop()
    assert not worker.running


def test_an_idle_browser_thread_lets_its_owner_close_the_browser() -> None:
    idled = threading.Event()
    worker = BrowserThread("idle", idle=0.1, on_idle=lambda playwright: idled.set())
    worker.call(lambda playwright: None)
    assert idled.wait(5)
    worker.stop()


def test_failure_folders_keep_only_the_newest(tmp_path: Path) -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for i in range(5):
        save_failure(tmp_path, "meesho", "price, GST and HSN", None, "timeout", when=start + timedelta(seconds=i),
                     keep=3)
    folders = sorted((tmp_path / FAILURES_DIR / "meesho").iterdir())
    assert len(folders) == 3 and all(f.name.endswith("-price-gst-and-hsn") for f in folders)
    assert "the browser tab was already closed" in (folders[-1] / "step.txt").read_text(encoding="utf-8")


def request(**changes: object) -> ListingRequest:
    values: dict[str, object] = dict(
        product_id=3, platform="meesho", copy=ListingCopy("Brass diya", "Hand-cast.", ("Set of 2",)),
        price=Decimal("499.50"), currency="INR", quantity=4, sku="DIYA-2", images=(Path("a.jpg"),),
        idempotency_key="k", category="Decor > Diyas", attributes={"hsn_code": "9405", "colour": "gold"})
    values.update(changes)
    return ListingRequest(**values)  # type: ignore[arg-type]


def test_form_values_come_from_the_product_then_the_sellers_defaults() -> None:
    meesho = load_portal("meesho")
    diya = request(attributes={"hsn_code": "9405", "colour": "gold", "net_quantity": "2 N", "weight_g": "180"})
    maker = {"manufacturer_name": "Asha Handicrafts", "manufacturer_address": "12 Potters Lane, Khurja"}
    values = form_values(meesho, diya, {"gst_rate": "5", **maker}, "meesho")
    assert (values["price"], values["mrp"], values["gst"], values["hsn"]) == ("500", "500", "5", "9405")
    assert values["description"] == "Hand-cast.\n\n• Set of 2" and values["images"] == (Path("a.jpg"),)
    # Legal Metrology: the product's own values, else the seller's defaults; the packer is the maker unless named.
    assert (values["net_quantity"], values["weight"], values["country"]) == ("2 N", "180", "India")
    assert values["packer_name"] == "Asha Handicrafts" and values["packer_address"] == "12 Potters Lane, Khurja"
    mapped = form_values(meesho, diya, {"gst_rate": "5", **maker,
                                        "category_by_category": {"Decor > Diyas": "Lamps"}}, "meesho")
    assert mapped["category"] == "Lamps"
    indiamart = form_values(load_portal("indiamart"), request(), {}, "indiamart")
    assert indiamart["unit"] == "Piece" and indiamart["specifications"] == (("Hsn code", "9405"), ("Colour", "gold"))
    with pytest.raises(ContentRejected) as caught:
        form_values(meesho, request(), {}, "meesho")
    assert caught.value.field == "GST %" and "sellerdesk platforms prefs meesho gst_rate=VALUE" in str(caught.value)
    assert "under Marketplace details in the product editor" in str(caught.value)


def test_choices_match_by_name_or_by_the_last_part_of_the_path() -> None:
    offered = ["Home & Kitchen > Kitchen Tools > Mugs", "Home & Kitchen > Kitchen Tools > Bowls",
               "Home Decor > Diyas & Lamps"]
    assert choose(offered, "home & kitchen > kitchen tools > mugs") == 0
    assert choose(offered, "Kitchen > Bowls") == 1
    assert choose(offered, "Decor > Diyas") == 2
    assert choose(offered, "Garden > Shovels") is None
    assert choose(["A > Mugs", "B > Mugs"], "Mugs") is None  # two equally good answers: ask the seller
