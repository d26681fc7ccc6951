"""Public picture addresses (S3 presigned URLs, the sync service's media host) and signing in through the sync
service's broker or the seller's own app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from core.app import App
from core.db.types import utcnow
from core.platforms.base import ConnectOptions
from core.platforms.connections import platform_status
from core.platforms.errors import PlatformError
from core.platforms.publish import publish_listing
from core.platforms.service import connect_platform
from core.platforms.sigv4 import Credentials, presign
from server.config import ProviderConfig
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.s3 import S3StandIn
from tests.fakes.social.sync_service import SyncService
from tests.social.conftest import SOCIAL, FakeBrowser, Opener, add_product, connect, point_at


def test_presigned_urls_match_the_aws_documentation_example() -> None:
    # The worked example of AWS's "Authenticating Requests: Using Query Parameters" (GET, 24 hours).
    url = presign("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                  Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"),
                  expires=86400, now=datetime(2013, 5, 24, tzinfo=UTC))
    assert url.endswith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    assert "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" in url


def test_the_bucket_accepts_fresh_links_and_refuses_expired_ones(s3: S3StandIn) -> None:
    credentials = Credentials(s3.access_key, s3.secret_key, s3.region)
    target = f"{s3.url}/{s3.bucket}/sellerdesk/a b+c.jpg"
    put = presign("PUT", target, credentials, expires=60, now=utcnow())
    assert httpx.put(put, content=b"\xff\xd8\xffpicture").status_code == 200
    assert httpx.get(presign("GET", target, credentials, expires=60, now=utcnow())).content == b"\xff\xd8\xffpicture"
    stale = presign("GET", target, credentials, expires=60, now=utcnow() - timedelta(minutes=5))
    refused = httpx.get(stale)
    assert refused.status_code == 403 and "Request has expired" in refused.text


def test_an_instagram_carousel_through_the_sellers_bucket(own_apps: App, meta: MetaStandIn, s3: S3StandIn,
                                                          opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(own_apps, tmp_path, photos=3)
    with opener(own_apps, "instagram") as instagram:
        result = publish_listing(own_apps, product_id, "instagram", target=instagram)
    assert len(meta.instagram.media[result.remote_id].children) == 3
    assert all(url.startswith(f"{s3.url}/{s3.bucket}/sellerdesk/") for url in meta.instagram.fetched)
    assert "X-Amz-Expires=3600" in meta.instagram.fetched[0]
    assert len(s3.served) == 3 and len(s3.deleted) == 3 and not s3.objects


def test_pictures_need_a_host(app: App, meta: MetaStandIn, pinterest: PinterestStandIn, browser: FakeBrowser,
                              opener: Opener, tmp_path: Path) -> None:
    point_at(app, meta, pinterest)
    app.settings.set("platforms.instagram.client_id", meta.apps["instagram"][0])
    connect(app, "instagram", browser, opener, app_secret=meta.apps["instagram"][1])
    product_id = add_product(app, tmp_path, photos=1)
    with opener(app, "instagram") as instagram, pytest.raises(PlatformError) as caught:
        publish_listing(app, product_id, "instagram", target=instagram)
    message = str(caught.value)
    assert message.startswith("Instagram: Instagram downloads the pictures from a public address")
    assert "product #1" in message and "Sign in to the SellerDesk sync service in Settings, or set up a bucket" \
        in message
    assert not meta.instagram.containers


def test_signing_in_through_the_broker_records_each_end_date(connected: App, sync: SyncService) -> None:
    statuses = {name: platform_status(connected.db, name) for name in SOCIAL}
    assert statuses["facebook"].account_name == "Asha's Pottery" and statuses["facebook"].expires_at is None
    assert statuses["instagram"].account_name == "@ashapottery" and statuses["instagram"].days_left in (59, 60)
    assert statuses["pinterest"].account_name == "ashapottery" and statuses["pinterest"].days_left in (59, 60)
    assert all(s.state == "connected" for s in statuses.values())
    # The app secrets stayed on the service: only tokens reached this computer.
    assert all(connected.secrets.get(f"{name}:app_secret") is None for name in SOCIAL)
    assert connected.secrets.get("instagram:access_token") and connected.secrets.get("pinterest:refresh_token")


def test_pinterest_is_renewed_through_the_broker(connected: App, pinterest: PinterestStandIn, opener: Opener,
                                                 tmp_path: Path) -> None:
    before = connected.secrets.get("pinterest:refresh_token")
    pinterest.expire_access_tokens()
    with opener(connected, "pinterest") as pin:
        result = publish_listing(connected, add_product(connected, tmp_path, photos=1), "pinterest", target=pin)
    assert result.remote_id in pinterest.pins
    assert connected.secrets.get("pinterest:refresh_token") not in (None, before)


def test_without_the_sync_service_or_an_own_app_connecting_says_both_ways(app: App, meta: MetaStandIn,
                                                                          pinterest: PinterestStandIn,
                                                                          opener: Opener) -> None:
    point_at(app, meta, pinterest)
    with opener(app, "pinterest") as pin, pytest.raises(PlatformError) as caught:
        connect_platform(app, "pinterest", ConnectOptions(timeout=5), target=pin)
    message = str(caught.value)
    assert message.startswith("Pinterest: connecting needs the SellerDesk sync service")
    assert "Sign in to the SellerDesk sync service in Settings, or use your own app" in message
    assert "platforms.pinterest.client_id" in message


def test_an_own_app_without_its_secret_is_refused_before_the_browser_opens(app: App, browser: FakeBrowser,
                                                                          opener: Opener) -> None:
    app.settings.set("platforms.facebook.client_id", "1234567890")
    with opener(app, "facebook") as facebook, pytest.raises(PlatformError) as caught:
        connect_platform(app, "facebook", ConnectOptions(open_browser=browser, timeout=5), target=facebook)
    assert "its app secret is not in the keychain" in str(caught.value)
    assert "Connect again and enter the app secret" in str(caught.value)
    assert not browser.threads


def test_a_service_without_the_providers_secret_says_so(app: App, meta: MetaStandIn, pinterest: PinterestStandIn,
                                                        browser: FakeBrowser, opener: Opener, tmp_path: Path,
                                                        sync_template: Path) -> None:
    unconfigured = {"instagram": ProviderConfig("instagram", "", "", "", "", "", ())}
    service = SyncService(tmp_path / "bare-service", unconfigured, sync_template).start()
    try:
        point_at(app, meta, pinterest)
        service.sign_in(app)
        with opener(app, "instagram") as instagram, pytest.raises(PlatformError) as caught:
            connect_platform(app, "instagram", ConnectOptions(open_browser=browser, timeout=5), target=instagram)
    finally:
        service.stop()
    message = str(caught.value)
    assert "Signing in to Instagram through this server is not set up" in message
    assert "platforms.instagram.client_id" in message


def test_s3_settings_are_checked_before_uploading(own_apps: App, s3: S3StandIn, opener: Opener,
                                                  tmp_path: Path) -> None:
    own_apps.settings.set("media.s3.access_key_id", "")
    with opener(own_apps, "pinterest") as pin, pytest.raises(PlatformError) as caught:
        publish_listing(own_apps, add_product(own_apps, tmp_path, photos=1), "pinterest", target=pin)
    assert "the S3 bucket for public pictures is not fully set up" in str(caught.value)
    assert "media.s3.access_key_id" in str(caught.value) and not s3.requests
