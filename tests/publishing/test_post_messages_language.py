"""What core says about a post (its error, next step, notes and history) reaches the Schedule tab in the interface
language: in the pseudo-locale, any English word outside ⟦…⟧ bypassed translation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from core.app import App
from core.i18n import use_language
from core.publishing.jobs import get_job, job_events, list_jobs
from tests.platforms.conftest import add_product
from tests.publishing.conftest import wait_for

FAKE = ("fakegram",)
NAMES = ("Fakegram", "SellerDesk", "HTTP", "IST", "sellerdesk", "jobs", "retry")  # platform, app, zone, command


def bypassed(text: str) -> list[str]:
    """The English words of ``text`` outside every ⟦…⟧ (translated) part, names and the CLI command aside."""
    while True:
        shorter = re.sub(r"⟦[^⟦⟧]*⟧", "", text)
        if shorter == text:
            break
        text = shorter
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NAMES]


@pytest.fixture
def pseudo() -> Iterator[None]:
    use_language("pseudo")
    yield
    use_language("en")


def test_a_failed_post_is_told_in_the_interface_language(qtbot, app: App, fake_platform, make_publisher,
                                                         pseudo) -> None:
    from desktop.schedule.status_list import StatusList

    server = fake_platform()
    server.fail_next = [503] * 10  # the platform keeps failing: retried, then given up with a next step
    publisher = make_publisher(app, max_attempts=2)
    job = publisher.schedule([add_product(app, platforms=FAKE)], FAKE, "now").jobs[0]
    wait_for(lambda: get_job(app.db, job.id).state == "failed", message="failed")
    failed = get_job(app.db, job.id)
    assert failed.last_error and failed.next_step
    shown = StatusList(ZoneInfo("Asia/Kolkata"))
    qtbot.addWidget(shown)
    shown.set_jobs(list_jobs(app.db))
    shown.select(job.id)
    texts = [shown.detail.text(), shown.table.item(0, 0).toolTip(), shown.table.item(0, 2).text(),
             shown.table.item(0, 3).text()]  # the reason and next step, the status and when
    texts += [e.message for e in job_events(app.db, job.id) if e.message]  # the post's history
    assert "⟦" in shown.detail.text()
    left = {text: bypassed(text.replace(failed.label, "")) for text in texts}
    assert not any(left.values()), f"shown without translation: {left}"


def test_post_errors_read_in_hindi_and_stay_english_in_english(app: App, fake_platform, make_publisher) -> None:
    server = fake_platform()
    server.fail_next = [503] * 10
    use_language("hi")
    try:
        publisher = make_publisher(app, max_attempts=2)
        job = publisher.schedule([add_product(app, platforms=FAKE)], FAKE, "now").jobs[0]
        wait_for(lambda: get_job(app.db, job.id).state == "failed", message="failed")
    finally:
        use_language("en")
    failed = get_job(app.db, job.id)
    assert (failed.last_error or "").startswith("Fakegram: सर्वर में दिक्कत थी (HTTP 503) (प्रोडक्ट #")
    assert failed.next_step == (f"Fakegram बार-बार विफल रहा (सर्वर में दिक्कत थी (HTTP 503))। जब यह फिर से काम करे, "
                                f"तब “फिर से कोशिश करें” दबाएँ (या: sellerdesk jobs retry {job.id})।")


def test_best_time_reasons_and_clock_changes_are_told_in_the_interface_language(pseudo) -> None:
    from datetime import datetime

    from core.errors import ValidationError
    from core.publishing.best_time import default_slots
    from core.publishing.timezones import local_to_utc

    zone = ZoneInfo("America/New_York")
    told = [default_slots("etsy")[0].reason]
    with pytest.raises(ValidationError) as skipped:  # 02:30 on the spring-forward night does not exist
        local_to_utc(datetime(2026, 3, 8, 2, 30), zone)
    told += [skipped.value.message, skipped.value.hint or ""]
    told.append(local_to_utc(datetime(2026, 11, 1, 1, 30), zone).message or "")  # happens twice
    left = {text: bypassed(text.replace(zone.key, "")) for text in told}
    assert all("⟦" in text for text in told) and not any(left.values()), left


def test_platform_refusals_are_told_in_the_interface_language(pseudo) -> None:
    import httpx

    from core.platforms.etsy_api import read_etsy_error
    from core.platforms.meta_errors import GraphError, Usage, classify

    refused = read_etsy_error(httpx.Response(403, json={"error": "Invalid API key"}), None)
    graph = classify("instagram", GraphError(message="Error validating access token", type="OAuthException",
                                             code=190, subcode=463, trace="", transient=False), Usage.from_headers({}),
                     None, rate_fallback=60, permissions="instagram_content_publish")
    told = [refused.message, refused.hint or "", graph.message, graph.hint or ""]
    names = ("Etsy", "Instagram", "Invalid API key", "Error validating access token", "code",
             "instagram_content_publish")
    for name in names:  # platforms, their own words (kept for support) and a permission's name
        told = [text.replace(name, "") for text in told]
    left = {text: bypassed(text) for text in told}
    assert all("⟦" in text for text in told) and not any(left.values()), left
