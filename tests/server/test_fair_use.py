"""Fair use: every byte an account stores counts toward its quota (versions, conflicts, photos, media), and pushes
and pulls are rate limited per account, with answers the desktop can show as they are."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from server.client import SyncServiceClient
from server.client_models import RateLimited, TooLarge
from server.housekeeping import housekeep
from server.quota import ROW_OVERHEAD, record_size
from server.ratelimit import Buckets, Rate
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PASSWORD, PUBLIC_URL, open_http
from tests.server.test_sync import change, new_id

JPEG = b"\xff\xd8\xff\xe0" + b"\x42" * 3000


def _stored(client: SyncServiceClient) -> int:
    return client.account().storage_bytes


def test_records_versions_and_conflicts_count_toward_the_quota(make_app: Callable[..., FastAPI],
                                                             mailbox: Mailbox) -> None:
    quota = 20_000
    with open_http(make_app(account_quota_bytes=quota)) as http:
        laptop = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(laptop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        pid = new_id()
        first = change(pid, 0, text="x" * 3000)
        laptop.push([first])
        assert _stored(laptop) == record_size(first.data)
        laptop.push([change(pid, 1, text="y" * 3000)])  # the old version is kept too (retention)
        assert _stored(laptop) == 2 * record_size(first.data)
        lost = laptop.push([change(pid, 1, text="z" * 3000)])[0]  # a conflict keeps the losing content
        assert lost.status == "conflict" and lost.conflict is not None
        assert _stored(laptop) == 3 * record_size(first.data)

        laptop.upload_blob(JPEG, "image/jpeg")  # photos count in the same total
        assert _stored(laptop) == 3 * record_size(first.data) + len(JPEG)
        with pytest.raises(TooLarge) as full:
            laptop.push([change(new_id(), 0, text="w" * 9000)])
        assert full.value.code == "quota_exceeded" and "storage is full" in full.value.message
        before = _stored(laptop)
        assert laptop.push([change(pid, 2, deleted=True)])[0].status == "applied"  # deleting always works
        # Settling the conflict frees its content.
        laptop.resolve_conflict(lost.conflict.conflict_id, "current", 3)
        assert _stored(laptop) == before + ROW_OVERHEAD + 2 - (record_size(first.data) - ROW_OVERHEAD)


def test_pruned_versions_stop_counting(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    app = make_app(sync_retention_seconds=0)
    with open_http(app) as http:
        laptop = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(laptop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        pid = new_id()
        for base in range(3):
            laptop.push([change(pid, base, text=str(base) * 1000)])
        other = change(new_id(), 0)
        laptop.push([other])
        housekeep(app.state.services)  # which drops versions superseded longer ago than the retention period
        assert _stored(laptop) == record_size({"text": "2" * 1000}) + record_size(other.data)


def test_uploads_over_the_quota_are_refused(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    with open_http(make_app(account_quota_bytes=5000)) as http:
        laptop = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(laptop, http, mailbox, "a@example.com", PASSWORD, uuid.uuid4())
        laptop.push([change(new_id(), 0, text="x" * 3000)])
        with pytest.raises(TooLarge) as full:
            laptop.upload_blob(JPEG, "image/jpeg")  # 3,004 bytes more than the records leave room for
        assert full.value.code == "quota_exceeded"
        assert not laptop.has_blob(hashlib.sha256(JPEG).hexdigest())


def test_pushes_and_pulls_are_rate_limited_per_account(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    with open_http(make_app(push_per_minute=2, push_burst=3, pull_per_minute=2, pull_burst=2)) as http:
        busy, calm = (SyncServiceClient(PUBLIC_URL, http=http) for _ in range(2))
        sign_up(busy, http, mailbox, "busy@example.com", PASSWORD, uuid.uuid4())
        sign_up(calm, http, mailbox, "calm@example.com", PASSWORD, uuid.uuid4())
        for _ in range(3):
            busy.push([change(new_id(), 0)])
        with pytest.raises(RateLimited) as pushed:
            busy.push([change(new_id(), 0)])
        assert pushed.value.retry_after == 30 and "waits 30 seconds" in pushed.value.message
        busy.pull(0)
        busy.pull(0)
        with pytest.raises(RateLimited):
            busy.pull(0)
        calm.push([change(new_id(), 0)])  # another account is not held back
        calm.pull(0)


def test_a_bucket_refills_with_time() -> None:
    now = [0.0]
    buckets = Buckets(max_keys=2, clock=lambda: now[0])
    rate = Rate(per_minute=60, burst=2)
    buckets.take("a", rate)
    buckets.take("a", rate)
    with pytest.raises(Exception, match="Too many sync requests"):
        buckets.take("a", rate)
    now[0] = 1.0
    buckets.take("a", rate)  # one token back per second at 60 a minute
    buckets.take("b", rate)
    buckets.take("c", rate)  # beyond max_keys the least recently used key is forgotten
    assert len(buckets._buckets) == 2
