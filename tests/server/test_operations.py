"""What an operator relies on: liveness and readiness checks, request ids in JSON logs, Prometheus metrics, and
scheduled housekeeping that frees what is no longer needed (bytes counted against quotas included)."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from server.client import SyncServiceClient
from server.config import ServerConfig
from server.db import Database
from server.housekeeping import housekeep
from server.logs import JsonFormatter
from server.models import Account, Device, RateEvent, SyncChange, SyncConflict, utcnow
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, bearer, open_http
from tests.server.test_sync import change, new_id


def test_liveness_and_readiness_answer_get_and_head(app: FastAPI) -> None:
    with open_http(app) as http:
        for path in ("/healthz", "/readyz"):
            assert http.get(path).status_code == 200 and http.head(path).status_code == 200
        shutil.rmtree(app.state.services.store.staging_dir)  # media storage can no longer take a write
        not_ready = http.get("/readyz")
        assert not_ready.status_code == 503 and "Media storage" in not_ready.json()["message"]
        assert http.head("/readyz").status_code == 503
        assert http.get("/healthz").status_code == 200  # alive all the same: no restart for a storage problem


def test_readiness_fails_without_the_database(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def down() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(app.state.services.db, "ping", down)
    with open_http(app) as http:
        assert http.get("/readyz").status_code == 503


def test_every_log_line_is_json_with_the_request_id(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with open_http(app) as http:
        offered = http.get("/healthz", headers={"X-Request-ID": "lb-1234567890"})
        made = http.get("/healthz", headers={"X-Request-ID": "bad id!"})
    assert offered.headers["x-request-id"] == "lb-1234567890"
    assert made.headers["x-request-id"] != "bad id" and len(made.headers["x-request-id"]) == 16
    formatter = JsonFormatter()
    access = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "sellerdesk.server.access"]
    assert access[0]["request_id"] == "lb-1234567890" and access[0]["path"] == "/healthz"
    assert access[0]["level"] == "INFO" and access[0]["time"].endswith("+00:00")
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        record = logging.LogRecord("server", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line and "ValueError: broken\\nacross lines" in line


def test_metrics_by_route_for_the_operator_only(make_app: Callable[..., FastAPI], config: ServerConfig,
                                                mailbox: Mailbox) -> None:
    app = make_app()
    with open_http(app, address="127.0.0.1") as http:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(client, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        client.push([change(new_id(), 0, title="one")])
        text = http.get("/metrics").text
    assert 'sellerdesk_request_seconds_count{method="POST",route="/v1/sync/push",status="200"}' in text
    assert "sellerdesk_accounts 1.0" in text and "sellerdesk_open_conflicts 0.0" in text
    assert 'sellerdesk_stored_bytes{what="records"}' in text
    with open_http(app, address="93.184.216.34") as outsider:
        assert outsider.get("/metrics").status_code == 403
    guarded = make_app(replace(config, metrics_token="m" * 32))
    with open_http(guarded, address="127.0.0.1") as http:
        assert http.get("/metrics").status_code == 403
        assert http.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32}).status_code == 200


def test_housekeeping_frees_old_rows_and_their_bytes(make_app: Callable[..., FastAPI], db_url: str,
                                                     mailbox: Mailbox) -> None:
    app = make_app(sync_retention_seconds=3600)
    services = app.state.services
    with open_http(app) as http:
        laptop, shop = (SyncServiceClient(PUBLIC_URL, http=http) for _ in range(2))
        sign_up(laptop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        shop.login("a@example.com", PASSWORD, uuid.uuid4())
        pid = new_id()
        laptop.push([change(pid, 0, title="first")])
        lost = shop.push([change(pid, 0, title="x" * 2000)])[0]
        assert lost.conflict is not None
        shop.resolve_conflict(lost.conflict.conflict_id, "current", 1)
        before = shop.account().storage_bytes
        db = Database(db_url)
        with db.writer() as session:  # as if an hour and more had passed
            for conflict in session.scalars(select(SyncConflict)):
                assert conflict.resolved_at is not None
                conflict.resolved_at -= timedelta(hours=2)
            session.add(RateEvent(key="login-ip:198.51.100.1", at=utcnow() - timedelta(days=1)))
        db.close()
        done = housekeep(services)
        assert done["sync_conflicts"] == 1 and done["rate_events"] >= 1
        assert shop.account().storage_bytes < before
        assert http.get("/v1/sync/conflicts", headers=bearer(shop)).json()["conflicts"] == []
    with services.db.reader() as session:  # the count still equals what the rows hold
        rows = sum(session.scalar(select(func.coalesce(func.sum(table.size), 0))) or 0
                   for table in (SyncChange, SyncConflict))
        assert session.scalar(select(Account.sync_bytes)) == rows
        # The settled conflict's stamp is the oldest list version changes can be told since (it was the last).
        floor, version = session.execute(select(Account.conflicts_floor, Account.conflicts_version)).one()
        assert floor == version > 0


def test_a_computer_housekept_away_no_longer_names_its_conflicts_and_their_list_changes(
        make_app: Callable[..., FastAPI], db_url: str, mailbox: Mailbox) -> None:
    app = make_app()
    with open_http(app) as http:
        laptop, shop = (SyncServiceClient(PUBLIC_URL, http=http) for _ in range(2))
        sign_up(laptop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        shop.login("a@example.com", PASSWORD, uuid.uuid4(), "Old shop PC")
        pid = new_id()
        laptop.push([change(pid, 0, title="first")])
        assert shop.push([change(pid, 0, title="shop")])[0].conflict is not None
        listed = http.get("/v1/sync/conflicts", headers=bearer(laptop))
        assert listed.json()["conflicts"][0]["device_name"] == "Old shop PC"
        shop.logout()
        db = Database(db_url)
        with db.writer() as session:  # unused for over a year, signed out
            old = session.scalars(select(Device).where(Device.name == "Old shop PC")).one()
            old.last_seen_at -= timedelta(days=400)
        db.close()
        assert housekeep(app.state.services)["devices"] == 1
        again = http.get("/v1/sync/conflicts", headers=bearer(laptop) | {"If-None-Match": listed.headers["ETag"]})
        assert again.status_code == 200 and again.headers["ETag"] != listed.headers["ETag"]
        assert again.json()["conflicts"][0]["device_name"] == ""


def test_an_untrusted_proxy_in_front_is_pointed_out_once(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with open_http(app, address="10.0.0.5") as http:
        http.get("/healthz")
        assert not caplog.records
        for _ in range(3):
            http.get("/healthz", headers={"X-Forwarded-For": "198.51.100.20"})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "--forwarded-allow-ips" in warnings[0] and "10.0.0.5" in warnings[0]


def test_a_trusted_proxy_is_not_warned_about(make_app: Callable[..., FastAPI], config: ServerConfig,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with open_http(make_app(replace(config, trusts_proxy=True))) as http:
        http.get("/healthz", headers={"X-Forwarded-For": "198.51.100.20"})
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]
