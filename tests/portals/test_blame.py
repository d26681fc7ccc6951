"""Failures are blamed where they belong: a box SellerDesk could not fill is the changed page's fault, never the
seller's copy; a result panel SellerDesk cannot read is never a success."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.platforms.browser.page import PortalChanged
from core.platforms.errors import ContentRejected, OutcomeUnknown
from tests.portals.conftest import LEGAL_METROLOGY, MUG_ATTRIBUTES, PortalEnv
from tests.portals.test_failures import saved_folder

EnvOf = Callable[[str], PortalEnv]


def test_a_moved_box_the_portal_says_is_empty_is_the_pages_fault_not_the_products(env_of: EnvOf) -> None:
    env = env_of("meesho")
    env.replica.variant = "moved"  # the HSN box is now on the details screen, under another id
    product = env.add_product(sku="MEES-MOVED-1")  # the product has an HSN code (6912)
    before = len(env.replica.listings)
    with pytest.raises(PortalChanged) as caught:
        env.publish(product)
    message = str(caught.value)
    assert "SellerDesk could not fill the HSN code: the page changed" in message
    assert "Meesho says “Enter a valid HSN code (4, 6 or 8 digits)”" in message
    assert "rejected" not in message and "Content tab" not in message
    assert "Your product is fine" in message and "sellerdesk platforms check meesho" in message
    assert "step 'product details'" in message and saved_folder(caught.value).is_dir()
    assert len(env.replica.listings) == before


def test_a_box_sellerdesk_filled_is_still_the_sellers_to_fix(env_of: EnvOf) -> None:
    env = env_of("meesho")
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(attributes={"hsn_code": "12", "gst_rate": "12", "material": "stoneware",
                                                **LEGAL_METROLOGY, **MUG_ATTRIBUTES}))
    assert caught.value.field == "HSN code" and not isinstance(caught.value, PortalChanged)


def test_a_failure_in_words_on_the_result_panel_is_never_a_success(env_of: EnvOf) -> None:
    env = env_of("meesho")
    env.replica.result_next_submit = "Upload failed: images could not be processed"
    before = len(env.replica.listings)
    with pytest.raises(ContentRejected) as caught:
        env.publish(env.add_product(sku="MEES-FAILWORDS-1"))
    assert caught.value.field == "upload"
    assert "Meesho said “Upload failed: images could not be processed”" in str(caught.value)
    assert "step 'read the QC status'" in str(caught.value)
    assert len(env.replica.listings) == before


@pytest.mark.parametrize("name", ["meesho", "snapdeal"])
def test_result_words_sellerdesk_does_not_know_need_attention(env_of: EnvOf, name: str) -> None:
    env = env_of(name)
    env.replica.result_next_submit = "Queued for batch 7"
    with pytest.raises(OutcomeUnknown) as caught:
        env.publish(env.add_product(sku=f"{name[:4].upper()}-ODDWORDS-1"))
    assert "showed “Queued for batch 7”, which SellerDesk does not know" in str(caught.value)
