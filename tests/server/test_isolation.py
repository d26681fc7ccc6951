"""Accounts are walled off: whatever A knows about B's data (ids, hashes, conflict ids, codes), it can neither
read nor change it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from server.client import SyncServiceClient
from server.client_models import RecordChange
from server.models import OAuthHandoff, utcnow
from server.oauth_providers import ProviderTokens
from tests.server.conftest import bearer

NOW = datetime(2026, 3, 1, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"private photo of B" * 50


@pytest.fixture
def a_and_b(new_device: Callable[..., SyncServiceClient]) -> tuple[SyncServiceClient, SyncServiceClient]:
    return new_device("a@example.com", "A's laptop"), new_device("b@example.com", "B's laptop")


def test_records_of_another_account_are_invisible_and_untouchable(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], new_device: Callable[..., SyncServiceClient]) -> None:
    a, b = a_and_b
    b_second = new_device("b@example.com", "B's shop PC")
    secret_id = str(uuid.uuid4())
    b.push([RecordChange("product", secret_id, 0, {"title": "B's secret product"}, NOW)])
    assert a.pull_all(0, include_own=True) == ([], 0)
    # A pushes to B's record id: that creates A's own record, it does not touch B's.
    [outcome] = a.push([RecordChange("product", secret_id, 1, {"title": "hijacked"}, NOW)])
    assert outcome.status == "conflict" and outcome.conflict is not None and outcome.conflict.current is None
    [outcome] = a.push([RecordChange("product", secret_id, 0, {"title": "A's own"}, NOW)])
    assert outcome.status == "applied" and outcome.version == 1
    records, _ = b_second.pull_all(0)
    assert [(r.version, r.data) for r in records] == [(1, {"title": "B's secret product"})]


def test_conflicts_of_another_account_cannot_be_seen_or_resolved(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], new_device: Callable[..., SyncServiceClient],
        http: httpx.Client) -> None:
    a, b = a_and_b
    b_second = new_device("b@example.com")
    pid = str(uuid.uuid4())
    b.push([RecordChange("product", pid, 0, {"title": "v1"}, NOW)])
    b.push([RecordChange("product", pid, 1, {"title": "v2"}, NOW)])
    conflict = b_second.push([RecordChange("product", pid, 1, {"title": "other"}, NOW)])[0].conflict
    assert conflict is not None
    assert a.conflicts() == []
    response = http.post(f"/v1/sync/conflicts/{conflict.conflict_id}/resolve", headers=bearer(a),
                         json={"choice": "conflict", "base_version": 2})
    assert response.status_code == 404
    assert [c.conflict_id for c in b.conflicts()] == [conflict.conflict_id]  # still waiting for B


def test_photos_of_another_account_cannot_be_probed_read_or_deleted(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], http: httpx.Client) -> None:
    a, b = a_and_b
    sha = b.upload_blob(JPEG, "image/jpeg")
    assert sha == hashlib.sha256(JPEG).hexdigest()
    assert not a.has_blob(sha)  # A cannot even learn that B has this photo
    assert http.get(f"/v1/blobs/{sha}", headers=bearer(a)).status_code == 404
    assert http.delete(f"/v1/blobs/{sha}", headers=bearer(a)).status_code == 404
    assert b.download_blob(sha) == JPEG
    # A uploading the same bytes gets its own copy; deleting it leaves B's alone.
    a.upload_blob(JPEG, "image/jpeg")
    a.delete_blob(sha)
    assert b.download_blob(sha) == JPEG


def test_public_media_of_another_account_cannot_be_listed_or_deleted(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], http: httpx.Client) -> None:
    a, b = a_and_b
    link = b.publish_media(JPEG, "image/jpeg")
    assert a.list_media() == []
    assert http.delete(f"/v1/media/{link.id}", headers=bearer(a)).status_code == 404
    assert http.get(link.url.replace("https://sync.test", "")).status_code == 200


def test_a_sign_in_code_works_only_for_its_own_account(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], http: httpx.Client, app: FastAPI) -> None:
    a, b = a_and_b
    services = app.state.services
    code = "sdh_known-code-of-B"
    code_hash = hashlib.sha256(code.encode()).hexdigest()
    b_account = services.access_tokens.verify(b.tokens.access_token).account_id  # type: ignore[union-attr]
    sealed = services.sealer.seal(ProviderTokens("pinterest", "pina_B").as_dict(),
                                  f"{b_account}:pinterest:{code_hash}")
    with services.db.writer() as session:
        session.add(OAuthHandoff(code_hash=code_hash, account_id=b_account, provider="pinterest",
                                 sealed_tokens=sealed, expires_at=utcnow().replace(year=2030)))
    assert http.post("/v1/oauth/redeem", headers=bearer(a), json={"code": code}).status_code == 404
    assert b.oauth_redeem(code).access_token == "pina_B"


def test_a_token_of_one_account_cannot_be_bent_into_another(
        a_and_b: tuple[SyncServiceClient, SyncServiceClient], http: httpx.Client, app: FastAPI) -> None:
    a, b = a_and_b
    tokens = app.state.services.access_tokens
    claims_a = tokens.verify(a.tokens.access_token)  # type: ignore[union-attr]
    claims_b = tokens.verify(b.tokens.access_token)  # type: ignore[union-attr]
    # Correctly signed, but pairing A's account with B's session: the session check refuses it.
    mixed = tokens.issue(claims_a.account_id, claims_b.session_id, claims_b.device_id)
    assert http.get("/v1/account", headers={"Authorization": f"Bearer {mixed}"}).status_code == 401
