"""Kill ``sellerdesk run-scheduler`` with SIGKILL while the platforms hold back their answers to the create requests,
then start it again: no duplicate listing, no job lost, the unknown outcomes reconciled on the platforms. Then the
same while a sell-out is taken off sale everywhere: the stock is counted once and both take-downs finish."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from core.app import App
from core.db.types import utcnow
from core.publishing.jobs import PRIORITY_NOW, create_job, job_events, list_jobs
from tests.conftest import PYTHON, python_subprocess_env
from tests.fakes.etsy import EtsyStandIn
from tests.fakes.http_stand_in import Fault
from tests.fakes.shopify import ShopifyStandIn
from tests.publishing.conftest import add_photographed_product, connect_etsy, connect_shopify, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]
PASSPHRASE = "kill-test-passphrase"


def _env(data_dir: Path) -> dict[str, str]:
    env = python_subprocess_env(data_dir)
    # The child keeps secrets where this test put them: the encrypted file, never a real keychain.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["SELLERDESK_SECRETS_PASSPHRASE"] = PASSPHRASE
    return env


def _scheduler(data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([PYTHON, "-m", "core.cli", "run-scheduler"], env=_env(data_dir), stdout=out,
                                stderr=subprocess.STDOUT)


def _states(app: App) -> dict[str, str]:
    return {job.platform: job.state for job in list_jobs(app.db)}


def test_killed_mid_publish_then_restarted(app: App, etsy_server: EtsyStandIn, shopify_server: ShopifyStandIn,
                                           isolated_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("SELLERDESK_SECRETS_PASSPHRASE", PASSPHRASE)
    connect_etsy(app, etsy_server)
    connect_shopify(app, shopify_server)
    app.settings.set("platforms.http.timeout_seconds", 180.0)  # the child waits for the answer until it is killed
    product = add_photographed_product(app, tmp_path)
    for platform in ("etsy", "shopify"):
        create_job(app.db, product, platform, at=utcnow(), priority=PRIORITY_NOW)
    # Held back far longer than the child needs to start on a busy machine, so the kill lands mid-request.
    etsy_server.delay("POST", r"/shops/\d+/listings$", 120)
    shopify_server.faults.append(Fault("POST", re.compile("graphql"), "delay", seconds=120,
                                       body_contains=b"productSet"))
    log = tmp_path / "scheduler.log"

    first = _scheduler(isolated_env, log)
    try:
        wait_for(lambda: etsy_server.listings and shopify_server.products, timeout=90,
                 message="both create requests reached the platforms")
        assert _states(app) == {"etsy": "publishing", "shopify": "publishing"}  # committed before sending
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert first.returncode == -signal.SIGKILL

    second = _scheduler(isolated_env, log)
    try:
        wait_for(lambda: _states(app) == {"etsy": "published", "shopify": "published"}, timeout=90,
                 message=f"reconciled after the restart; log:\n{log.read_text(errors='replace')}")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    output = log.read_text(errors="replace")
    assert second.returncode == 0, output
    assert "Stopped." in output

    assert len(etsy_server.listings) == 1 and len(shopify_server.products) == 1  # nothing posted twice
    listing = next(iter(etsy_server.listings.values()))
    assert listing["state"] == "active" and len(etsy_server.images[listing["listing_id"]]) == 1
    assert next(iter(shopify_server.products.values()))["status"] == "ACTIVE"
    for job in list_jobs(app.db):
        remote = str(listing["listing_id"]) if job.platform == "etsy" else next(iter(shopify_server.products))
        assert job.remote_id == remote
        messages = [e.message for e in job_events(app.db, job.id)]
        assert "SellerDesk stopped during the attempt: the outcome is unknown" in messages
        assert "checking the platform for the earlier attempt" in messages
    creates = [r for r in etsy_server.requests if r.method == "POST" and r.path.endswith("/listings")]
    assert len(creates) == 1

    # Then it sells out (entered by hand), and SellerDesk is killed while taking both listings off sale: after the
    # restart the stock is counted once, both take-downs finish, and nothing is sent that should not be.
    from core.analytics.sales import SaleRecord, record_sale
    from core.db.models import Product, SaleEvent
    from core.listings.store import list_listings

    record_sale(app.db, SaleRecord(platform="meesho", external_id="", occurred_at=utcnow(), amount=Decimal("24.50"),
                                   currency="USD", quantity=5, product_id=product))
    etsy_server.delay("PATCH", r"/shops/\d+/listings/\d+$", 120)
    shopify_server.faults.append(Fault("POST", re.compile("graphql"), "delay", seconds=120,
                                       body_contains=b"productUpdate"))
    etsy_seen, shopify_seen = len(etsy_server.requests), len(shopify_server.requests)
    third = _scheduler(isolated_env, log)
    try:
        # Killed once both requests have reached the platforms, which hold back their answers.
        wait_for(lambda: any(r.method == "PATCH" for r in etsy_server.requests[etsy_seen:])
                 and any(b"productUpdate" in r.body for r in shopify_server.requests[shopify_seen:]), timeout=90,
                 message=f"both take-downs sent; log:\n{log.read_text(errors='replace')}")
        assert sorted(j.state for j in list_jobs(app.db) if j.action == "take_down") == ["publishing", "publishing"]
    finally:
        third.send_signal(signal.SIGKILL)
        third.wait(10)
    fourth = _scheduler(isolated_env, log)
    try:
        wait_for(lambda: {x.state for x in list_listings(app.db)} == {"sold_out"}, timeout=90,
                 message=f"take-downs finished after the restart; log:\n{log.read_text(errors='replace')}")
    finally:
        fourth.send_signal(signal.SIGTERM)
        fourth.wait(20)
    with app.db.session() as session:
        assert session.get(Product, product).quantity == 0  # type: ignore[union-attr]
        assert all(session.scalars(select(SaleEvent.stock_applied)))
    take_downs = [j for j in list_jobs(app.db) if j.action == "take_down"]
    assert len(take_downs) == 2 and all(j.state == "published" for j in take_downs)
    assert next(iter(etsy_server.listings.values()))["state"] == "inactive"
    assert next(iter(shopify_server.products.values()))["status"] == "DRAFT"
