"""The real thing: `python -m server` processes on 127.0.0.1 — two instances sharing one database behind an
imaginary load balancer, a small concurrent load, and logs read from the processes' own output."""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from benchmarks.sync_load import run_load
from benchmarks.sync_server import running_server
from server.client import SyncServiceClient
from server.client_models import NotSignedIn, RecordChange

pytestmark = pytest.mark.slow
JPEG = b"\xff\xd8\xff\xe0" + b"\x42" * 3000
PASSWORD = "a real server passphrase"


def test_two_instances_share_everything_through_the_database(db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with running_server(data, database_url=db_url, log_path=logs[0]) as a_url:
        env = {"SELLERDESK_SERVER_PUBLIC_URL": a_url}  # the "load balancer" address in the media links
        with running_server(data, database_url=db_url, extra_env=env, log_path=logs[1]) as b_url:
            laptop = SyncServiceClient(a_url)  # each device happens to reach a different instance
            shop = SyncServiceClient(b_url)
            stranger = SyncServiceClient(b_url)
            secrets: list[str] = [PASSWORD]
            try:
                first = laptop.register("seller@example.com", PASSWORD, uuid.uuid4(), "Laptop")
                shop.login("seller@example.com", PASSWORD, uuid.uuid4(), "Shop PC")
                stranger.register("stranger@example.com", PASSWORD, uuid.uuid4())
                secrets += [first.access_token, first.refresh_token]

                pid = str(uuid.uuid4())
                now = datetime.now(UTC)
                laptop.push([RecordChange("product", pid, 0, {"title": "Diya"}, now)])
                records, _ = shop.pull_all(0)
                assert [(r.id, r.version) for r in records] == [(pid, 1)]
                shop.push([RecordChange("product", pid, 1, {"title": "Brass diya"}, now)])
                assert laptop.push([RecordChange("product", pid, 1, {"title": "Lamp"}, now)])[0].status == "conflict"
                assert len(shop.conflicts()) == 1
                assert stranger.pull_all(0) == ([], 0) and stranger.conflicts() == []

                # Refresh tokens live in the database: a retry on the other instance (the answer was lost) gets
                # the same pair; once the new token was used, a replay anywhere ends the session.
                old = laptop.tokens
                assert old is not None
                renewed = laptop.refresh()
                secrets += [renewed.access_token, renewed.refresh_token]
                retried = httpx.post(b_url + "/v1/auth/refresh", json={"refresh_token": old.refresh_token})
                assert retried.status_code == 200 and retried.json()["refresh_token"] == renewed.refresh_token
                latest = laptop.refresh()
                secrets += [latest.access_token, latest.refresh_token]
                replay = httpx.post(b_url + "/v1/auth/refresh", json={"refresh_token": old.refresh_token})
                assert replay.status_code == 401
                with pytest.raises(NotSignedIn):
                    laptop.account()

                link = shop.publish_media(JPEG, "image/jpeg")  # uploaded through B, served by A
                assert link.url.startswith(a_url + "/m/")
                secrets.append(link.url.rsplit("/", 1)[1].split(".")[0])
                assert httpx.get(link.url).content == JPEG
                shop.delete_media(link.id)
                assert httpx.get(link.url).status_code == 404
            finally:
                for client in (laptop, shop, stranger):
                    client.close()

    secret_file = data / "server-secret"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    output = "\n".join(log.read_text() for log in logs)
    assert '"path":"/v1/sync/push"' in output and '"path":"/m/<redacted>"' in output
    for secret in secrets:
        assert secret not in output, f"a secret reached the server's output: {secret[:6]}..."
    assert "Authorization" not in output and "HTTP/1.1" not in output  # uvicorn's own access log is off


def test_devices_under_concurrent_load_lose_and_duplicate_nothing(db_url: str, tmp_path: Path) -> None:
    with running_server(tmp_path, database_url=db_url) as url:
        report = asyncio.run(run_load(url, accounts=4, devices_per_account=3, rounds=3, changes=6))
    assert report.problems == []
    assert report.statuses["applied"] > 0 and report.statuses["conflict"] > 0  # the run did collide
