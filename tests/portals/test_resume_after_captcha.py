"""A CAPTCHA pauses a queued Snapdeal post for the seller; once they have answered it in the Connect window, the post
goes out by itself through the same running queue, and Snapdeal gets it once."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page

from core.platforms.base import Platform
from core.platforms.registry import open_platform
from core.publishing.config import load_config
from core.publishing.jobs import get_job
from core.publishing.resume import WAITING_FOR_SELLER, resume_paused
from core.publishing.service import Publisher
from tests.fakes.portals.replica import CAPTCHA_ANSWER
from tests.portals.conftest import PortalEnv, unpaced

EnvOf = Callable[[str], PortalEnv]


def answer_captcha(page: Page) -> None:
    """The seller, in the Connect window over the CAPTCHA wall (signed in already), types what the picture shows."""
    page.fill("#captcha-answer", CAPTCHA_ANSWER)
    page.click("#captcha-go")


def _until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.1)


def test_a_post_paused_by_a_captcha_goes_out_once_the_seller_has_connected(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    product = env.add_product(sku="SNAP-RESUME-1")
    env.platform._session.close_browser()  # the queue opens the profile in a browser of its own
    opened: list[Platform] = []

    def opener(name: str) -> Platform:
        platform = open_platform(env.app, name)
        unpaced(platform)  # type: ignore[arg-type]
        opened.append(platform)
        return platform

    publisher = Publisher(env.app, opener=opener, variants=env.variants, probe=lambda _platform: True,
                          config=load_config(env.app.settings, poll_seconds=0.2, stop_wait_seconds=15))
    env.replica.captcha = True
    submits = env.replica.submits
    publisher.start()
    try:
        job = publisher.schedule([product], ["snapdeal"], "now").jobs[0]
        _until(lambda: get_job(env.app.db, job.id).state == "needs_attention", 60, "paused by the CAPTCHA")
        paused = get_job(env.app.db, job.id)
        assert paused.note == WAITING_FOR_SELLER and env.replica.submits == submits, paused.last_error
        assert "CAPTCHA" in (paused.last_error or "")

        # The seller presses Connect and answers the CAPTCHA in the window that opens; the queue's own browser has
        # let go of the profile (its client was closed when the job paused).
        env.replica.seller_signs_in = answer_captcha  # type: ignore[method-assign]
        try:
            connected = env.connect()
        finally:
            del env.replica.seller_signs_in  # the replica's own sign-in steps again
        assert connected.state == "connected"
        assert [j.id for j in resume_paused(env.app, "snapdeal")] == [job.id]  # what Connect does next

        _until(lambda: get_job(env.app.db, job.id).state == "published", 60, "published after connecting")
        done = get_job(env.app.db, job.id)
        assert done.remote_id in env.replica.listings and done.attempts == 2
        assert env.replica.submits == submits + 1  # sent once
    finally:
        publisher.stop()
        for platform in opened:
            platform.close()
