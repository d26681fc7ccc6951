"""IndiaMART's Lead Manager pull API: key in the keychain, one call per 5 minutes, at most 7 days per call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.app import App
from core.db.models import SaleEvent
from core.platforms.browser.indiamart import IndiaMartPlatform
from core.platforms.errors import AuthExpired, RateLimited
from core.platforms.registry import open_platform
from core.platforms.service import import_sales
from tests.fakes.portals.indiamart import API_PATH, TIME_FORMAT, LeadsApiStandIn

IST = timedelta(hours=5, minutes=30)


class Clock:
    """SellerDesk's clock (UTC) and the stand-in's (IST), moved together."""

    def __init__(self, api: LeadsApiStandIn) -> None:
        self.api = api
        self.now = api.now.replace(tzinfo=UTC) - IST

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
        self.api.now += timedelta(**delta)


@pytest.fixture
def api() -> Iterator[LeadsApiStandIn]:
    server = LeadsApiStandIn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def indiamart(app: App, api: LeadsApiStandIn) -> Iterator[tuple[IndiaMartPlatform, Clock]]:
    app.settings.set("platforms.indiamart.leads_api_url", api.url + API_PATH)
    clock = Clock(api)
    with open_platform(app, "indiamart", now=clock) as platform:
        assert isinstance(platform, IndiaMartPlatform)
        platform.store_leads_key(api.key)
        yield platform, clock


def test_leads_arrive_once_with_ist_times_and_no_buyer_contacts(app: App, api: LeadsApiStandIn,
                                                                 indiamart: tuple[IndiaMartPlatform, Clock]) -> None:
    platform, clock = indiamart
    for i, hours in enumerate((2, 20, 40)):
        api.add_lead(f"Q{i}", api.now - timedelta(hours=hours), "Brass diya")
    api.add_lead("OLD", api.now - timedelta(days=10), "Brass diya")
    report = import_sales(app, "indiamart", since=clock.now - timedelta(days=3), target=platform)
    assert (report.new, report.known) == (3, 0)
    call = api.calls[-1]
    assert call["glusr_crm_key"] == api.key
    assert datetime.strptime(call["end_time"], TIME_FORMAT) == api.now
    with app.db.session() as session:
        lead = session.scalars(select(SaleEvent).where(SaleEvent.external_id == "Q0")).one()
    assert lead.kind == "lead" and lead.occurred_at == clock.now - timedelta(hours=2)
    # The key is in the keychain only; buyers' phone numbers are not copied anywhere.
    assert app.secrets.get("indiamart:crm_key") == api.key
    for own in (app.data_dir / "sellerdesk.db", app.data_dir / "settings.json"):
        assert api.key.encode() not in own.read_bytes() and b"9800000000" not in own.read_bytes()
    clock.advance(minutes=5)
    assert import_sales(app, "indiamart", since=clock.now - timedelta(days=3), target=platform).new == 0


def test_five_minutes_between_calls_and_seven_days_per_call(api: LeadsApiStandIn,
                                                            indiamart: tuple[IndiaMartPlatform, Clock]) -> None:
    platform, clock = indiamart
    since = clock.now - timedelta(days=20)
    api.add_lead("EARLY", api.now - timedelta(days=19), "Lamp")
    api.add_lead("LATE", api.now - timedelta(days=1), "Lamp")
    assert [s.external_id for s in platform.fetch_sales(since)] == ["EARLY"]
    with pytest.raises(RateLimited) as caught:
        platform.fetch_sales(since)
    assert caught.value.retry_after == pytest.approx(300) and len(api.calls) == 1
    assert "one leads download every 5 minutes" in str(caught.value)
    windows = []
    for _ in range(3):
        clock.advance(minutes=5)
        found = platform.fetch_sales(since)
        call = api.calls[-1]
        windows.append((datetime.strptime(call["start_time"], TIME_FORMAT),
                        datetime.strptime(call["end_time"], TIME_FORMAT)))
        if found:
            assert [s.external_id for s in found] == ["LATE"]
    assert all(end - start <= timedelta(days=7) for start, end in windows)
    assert windows[-1][1] == api.now  # caught up with the present


def test_a_refused_key_and_the_services_own_limit(api: LeadsApiStandIn,
                                                  indiamart: tuple[IndiaMartPlatform, Clock]) -> None:
    platform, clock = indiamart
    api.last_call = api.now  # another program pulled a moment ago
    with pytest.raises(RateLimited, match="asks to wait"):
        platform.fetch_sales(clock.now - timedelta(days=1))
    clock.advance(minutes=5)
    platform.store_leads_key("a-revoked-key")
    with pytest.raises(AuthExpired) as caught:
        platform.fetch_sales(clock.now - timedelta(days=1))
    assert "IndiaMART refused the CRM key" in str(caught.value) and "Generate a CRM key" in str(caught.value)
