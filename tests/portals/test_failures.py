"""When a portal misbehaves: expired session, slow page, field errors, a changed button, banners, no answer.

Every failure names the step, and what the page showed is saved under <data dir>/portal-failures/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.platforms.browser.failures import NOTE, PAGE_HTML, SCREENSHOT
from core.platforms.browser.spec import bundled_dir
from core.platforms.connections import platform_status
from core.platforms.errors import AuthExpired, ContentRejected, OutcomeUnknown, TransientFailure
from core.platforms.publish import build_listing_request, publish_listing
from core.platforms.registry import open_platform
from tests.fakes.portals.replica import Listing
from tests.portals.conftest import LEGAL_METROLOGY, MUG_ATTRIBUTES, PORTALS, PortalEnv

EnvOf = Callable[[str], PortalEnv]


def saved_folder(error: Exception) -> Path:
    """The failure folder an error message names."""
    found = re.search(r"saved in (\S+?portal-failures\S+)", str(error))
    assert found, f"no saved folder in: {error}"
    return Path(found.group(1).rstrip("."))


def test_an_expired_session_stops_the_job_with_sign_in_again(env_of: EnvOf) -> None:
    env = env_of("meesho")
    product = env.add_product(sku="MEES-EXPIRED-1")
    env.replica.expire_sessions()
    with pytest.raises(AuthExpired) as caught:
        env.publish(product)
    message = str(caught.value)
    assert "Meesho: the Meesho session has expired; sign in to Meesho again" in message
    assert "step 'open the catalog upload form'" in message and saved_folder(caught.value).is_dir()
    assert platform_status(env.app.db, "meesho").state == "needs_attention"
    env.connect()  # the seller signs in again; the job then goes through
    assert platform_status(env.app.db, "meesho").state == "connected"
    assert env.publish(product).state == "draft"


def test_a_slow_page_is_waited_for(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    env.app.settings.set("browser.timeout_seconds", 3.0)
    env.replica.delay("GET", "^/product/add$", 1.5)
    started = time.perf_counter()
    assert env.publish(env.add_product(sku="SNAP-SLOW-1")).state == "draft"
    assert time.perf_counter() - started >= 1.5


def test_a_page_slower_than_the_timeout_names_the_step_and_keeps_what_it_showed(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    env.app.settings.set("browser.timeout_seconds", 1.0)
    env.replica.delay("GET", "^/product/add$", 2.0, times=2)  # the page is opened twice: once more after a timeout
    before = len(env.replica.listings)
    with pytest.raises(TransientFailure) as caught:
        env.publish(env.add_product(sku="SNAP-SLOWER-1"))
    message = str(caught.value)
    assert "step 'open Add Product' did not finish" in message and "within 1 s" in message
    folder = saved_folder(caught.value)
    assert folder.parent == env.app.data_dir / "portal-failures" / "snapdeal"
    assert folder.name.endswith("-open-add-product")
    assert (folder / SCREENSHOT).read_bytes().startswith(b"\x89PNG")
    assert "<html" in (folder / PAGE_HTML).read_text(encoding="utf-8").lower()
    assert "step: open Add Product" in (folder / NOTE).read_text(encoding="utf-8")
    assert len(env.replica.listings) == before


FIELD_ERRORS = {
    "meesho": ({"attributes": {"hsn_code": "12", "gst_rate": "12", "material": "stoneware", **LEGAL_METROLOGY,
                               **MUG_ATTRIBUTES}}, "HSN code",
               "Enter a valid HSN code (4, 6 or 8 digits)", "price, GST and HSN"),
    "snapdeal": ({"attributes": {"mrp": "199"}}, "selling price", "Selling price cannot be more than MRP",
                 "price and inventory"),
    "indiamart": ({"description": "Too short.", "bullets": ()}, "description",
                  "Description should be at least 20 characters", "product details"),
}


@pytest.mark.parametrize("name", PORTALS)
def test_a_field_error_names_the_field_in_the_portals_words(env_of: EnvOf, name: str) -> None:
    env = env_of(name)
    changes, field, portal_says, step = FIELD_ERRORS[name]
    before = len(env.replica.listings)
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(**changes))  # type: ignore[arg-type]
    error = caught.value
    assert (error.field, error.reason) == (field, portal_says)
    assert f"rejected the {field}: {portal_says}" in str(error)
    assert f"at step '{step}'" in str(error) and saved_folder(error).is_dir()
    assert len(env.replica.listings) == before


CHANGED = {  # the button the replica's redesign renames: (step name, data file selector, new selector)
    "meesho": ("product details", "#details-next", "#details-continue"),
    "snapdeal": ("images", "#images-next", "#images-save"),
    "indiamart": ("specifications", "#save-product", "#publish-product"),
}


@pytest.mark.parametrize("name", PORTALS)
def test_a_changed_button_is_fixed_by_editing_only_the_data_file(env_of: EnvOf, name: str,
                                                                 tmp_path: Path) -> None:
    env = env_of(name)
    step, old, new = CHANGED[name]
    env.app.settings.set("browser.timeout_seconds", 1.0)
    env.replica.variant = "redesign"
    product = env.add_product(sku=f"{name[:4].upper()}-REDESIGN-1")
    with pytest.raises(TransientFailure) as caught:  # not OutcomeUnknown: the submit button was never clicked
        env.publish(product)
    assert f"step '{step}' did not finish" in str(caught.value) and old in str(caught.value)
    assert saved_folder(caught.value).is_dir()
    data = json.loads((bundled_dir() / f"{name}.json").read_text(encoding="utf-8"))
    for s in data["listing"]["steps"]:
        if s["next"] == old:
            s["next"] = new
    (tmp_path / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env.app.settings.set("browser.portals_dir", str(tmp_path))
    assert env.publish(product).state == "draft"


def test_an_error_banner_reaches_the_seller_in_the_portals_words(env_of: EnvOf) -> None:
    env = env_of("meesho")
    product = env.add_product(sku="MEES-BANNER-1")
    env.replica.banner_next_submit = "Something went wrong. Please try again later."
    with pytest.raises(TransientFailure) as banner:
        env.publish(product)
    assert "Meesho said: “Something went wrong. Please try again later.”" in str(banner.value)
    assert env.publish(product).state == "draft"  # nothing was made, so trying again is safe
    # The seller once listed this SKU by hand in the panel.
    env.replica.listings["CAT-9001"] = Listing("CAT-9001", {"sku": "MEES-BY-HAND-1"}, [("p.jpg", 10)], "Live", 1)
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(sku="MEES-BY-HAND-1"))
    assert caught.value.field == "SKU ID" and "already exists in your catalog" in caught.value.reason


def test_an_unanswered_submit_is_outcome_unknown_then_found_not_repeated(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    env.app.settings.set("browser.timeout_seconds", 1.5)
    env.replica.delay("POST", "^/api/products$", 3.0)
    product = env.add_product(sku="SNAP-NOANSWER-1")
    with pytest.raises(OutcomeUnknown, match="may or may not have been created"):
        env.publish(product)
    env.replica.faults.clear()
    found = env.platform.find_existing(build_listing_request(env.app.db, product, "snapdeal", env.variants))
    assert found is not None
    again = publish_listing(env.app, product, "snapdeal", existing=found, target=env.platform, variants=env.variants)
    assert again.remote_id == found.remote_id
    assert [i.fields["sku"] for i in env.replica.listings.values()].count("SNAP-NOANSWER-1") == 1


def test_what_the_product_lacks_is_refused_before_the_browser_is_used(env_of: EnvOf) -> None:
    env = env_of("meesho")
    requests = len(env.replica.requests)
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(attributes={"gst_rate": "5"}))
    assert caught.value.field == "HSN code"
    assert "sellerdesk platforms prefs meesho hsn_code=VALUE" in str(caught.value)
    lacking = {k: v for k, v in LEGAL_METROLOGY.items() if k != "net_quantity"}
    with pytest.raises(ContentRejected) as legal:  # Legal Metrology is mandatory on Meesho
        env.publish(env.add_product(attributes={"hsn_code": "6912", "gst_rate": "5", **lacking}))
    assert "Meesho needs the Net quantity and the product has none" in str(legal.value)
    assert "Fill in 'Net quantity' under Marketplace details in the product editor" in str(legal.value)
    with pytest.raises(ContentRejected, match="Meesho sells in INR but the product is priced in USD"):
        env.publish(env.add_product(currency="USD"))
    assert len(env.replica.requests) == requests


def test_a_category_the_portal_lacks_is_refused_by_name(env_of: EnvOf) -> None:
    env = env_of("meesho")
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(category="Garden > Shovels"))
    assert caught.value.field == "category"
    assert "Meesho has no category 'Garden > Shovels'" in str(caught.value)


def test_a_second_window_on_the_same_profile_waits_then_says_why(env_of: EnvOf) -> None:
    env = env_of("indiamart")
    env.platform.check_connection()  # the shared browser now holds the profile
    env.app.settings.set("browser.timeout_seconds", 1.0)
    with open_platform(env.app, "indiamart") as other, pytest.raises(TransientFailure) as caught:
        other.check_connection()
    assert "another SellerDesk job is using the IndiaMART browser" in str(caught.value)
