"""What a portal puts in the way: an announcement pop-up is closed by the data file's rule; a CAPTCHA makes the job
wait for the seller (never retried headless); a new sign-in page is still known by its address."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from core.platforms.browser.page import SellerMustAct
from core.platforms.connections import platform_status
from core.platforms.errors import AuthExpired
from tests.fakes.portals.replica import CAPTCHA_ANSWER
from tests.portals.conftest import PortalEnv

EnvOf = Callable[[str], PortalEnv]


@pytest.mark.parametrize("name", ["meesho", "snapdeal", "indiamart"])
def test_an_announcement_pop_up_is_closed_and_the_listing_goes_through(env_of: EnvOf, name: str) -> None:
    env = env_of(name)
    env.app.settings.set("browser.timeout_seconds", 3.0)
    env.replica.popup = True  # over every page of the panel, covering the buttons
    listed = env.publish(env.add_product(sku=f"{name[:4].upper()}-POPUP-1"))
    assert listed.state == "draft" and listed.remote_id in env.replica.listings


def test_a_captcha_makes_the_job_wait_for_the_seller_then_it_goes_through(env_of: EnvOf) -> None:
    env = env_of("meesho")
    env.replica.captcha = True
    product = env.add_product(sku="MEES-CAPTCHA-1")
    posts = env.replica.submits
    with pytest.raises(SellerMustAct) as caught:
        env.publish(product)
    message = str(caught.value)
    assert ("Meesho shows a CAPTCHA (a check that a person is using the panel), which SellerDesk cannot answer"
            in message)
    assert "Connect" in message and "the post then goes out by itself" in message and "locator" not in message
    assert isinstance(caught.value, AuthExpired) and not caught.value.retryable  # the queue does not retry it
    assert env.replica.submits == posts
    assert platform_status(env.app.db, "meesho").state == "needs_attention"
    # The seller presses Connect: in the window, they answer the CAPTCHA (they are signed in already).
    solve = env.replica.seller_signs_in

    def seller(page: Page) -> None:
        page.locator("#captcha-answer").fill(CAPTCHA_ANSWER)
        page.locator("#captcha-go").click()

    env.replica.seller_signs_in = seller  # type: ignore[method-assign]
    try:
        assert env.connect().state == "connected"
    finally:
        env.replica.seller_signs_in = solve  # type: ignore[method-assign]
    assert not env.replica.captcha
    assert env.publish(product).state == "draft"


def test_a_changed_sign_in_page_is_known_by_its_address(env_of: EnvOf) -> None:
    env = env_of("meesho")
    env.app.settings.set("browser.timeout_seconds", 3.0)
    env.replica.variant = "new-login"  # none of the sign-in markup SellerDesk knows
    env.replica.expire_sessions()
    with pytest.raises(AuthExpired) as caught:
        env.publish(env.add_product(sku="MEES-NEWLOGIN-1"))
    assert "the Meesho session has expired" in str(caught.value)
    assert platform_status(env.app.db, "meesho").state == "needs_attention"
    env.replica.variant = None
    env.connect()
