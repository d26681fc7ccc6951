"""Photo backup by content hash, and the public media host the platforms download from."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from server.client import SyncServiceClient
from server.client_models import TooLarge
from server.media import sweep_expired
from server.models import MediaItem, utcnow
from tests.fakes.mailbox import Mailbox, sign_up
from tests.server.conftest import PUBLIC_URL, bearer, open_http

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x01" * 300


def _path(url: str) -> str:
    assert url.startswith(PUBLIC_URL + "/m/")
    return url[len(PUBLIC_URL):]


def test_a_photo_is_uploaded_once_by_its_hash(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop, desktop = new_device("a@example.com"), new_device("a@example.com")
    sha = hashlib.sha256(JPEG).hexdigest()
    assert not laptop.has_blob(sha)
    assert laptop.upload_blob(JPEG, "image/jpeg") == sha
    assert desktop.has_blob(sha)  # the other device skips the upload ...
    assert desktop.download_blob(sha) == JPEG  # ... and can fetch the bytes
    head = http.head(f"/v1/blobs/{sha}", headers=bearer(desktop))
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(JPEG)
    again = http.put(f"/v1/blobs/{sha}", headers=bearer(desktop) | {"Content-Type": "image/jpeg"}, content=JPEG)
    assert again.status_code == 200  # already there: nothing new stored
    assert laptop.account().storage_bytes == len(JPEG)


def test_bytes_that_do_not_match_their_hash_are_refused(new_device: Callable[..., SyncServiceClient],
                                                        http: httpx.Client, app: FastAPI) -> None:
    laptop = new_device("a@example.com")
    sha = hashlib.sha256(JPEG).hexdigest()
    response = http.put(f"/v1/blobs/{sha}", headers=bearer(laptop) | {"Content-Type": "image/jpeg"},
                        content=JPEG[:-1])
    assert response.status_code == 400 and response.json()["error"] == "hash_mismatch"
    assert not laptop.has_blob(sha)
    staging = app.state.services.store.staging_dir
    assert list(staging.iterdir()) == []  # the refused upload left nothing behind


def test_blob_names_must_be_sha256(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    for name in ("abc", "../../etc/passwd", "G" * 64):
        assert http.put(f"/v1/blobs/{name}", headers=bearer(laptop), content=b"x").status_code in (404, 422)


def test_a_deleted_photo_is_gone(new_device: Callable[..., SyncServiceClient]) -> None:
    laptop = new_device("a@example.com")
    sha = laptop.upload_blob(PNG, "image/png")
    laptop.delete_blob(sha)
    assert not laptop.has_blob(sha)
    assert laptop.account().storage_bytes == 0


def test_storage_quota(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> None:
    app = make_app(account_quota_bytes=len(JPEG) + 10)
    with open_http(app) as http:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(client, http, mailbox, "a@example.com", "long enough password", uuid.uuid4())
        client.upload_blob(JPEG, "image/jpeg")
        with pytest.raises(TooLarge) as full:
            client.upload_blob(PNG, "image/png")
        assert full.value.code == "quota_exceeded"


def test_a_public_link_serves_the_image_without_sign_in(new_device: Callable[..., SyncServiceClient],
                                                        http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    link = laptop.publish_media(JPEG, "image/jpeg", expires_in=3600)
    assert link.url.endswith(".jpg") and len(link.url.rsplit("/", 1)[1]) >= 43  # 256 random bits
    assert link.sha256 == hashlib.sha256(JPEG).hexdigest()
    fetched = http.get(_path(link.url))  # no Authorization: this is Meta's or Pinterest's fetcher
    assert fetched.status_code == 200 and fetched.content == JPEG
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert http.head(_path(link.url)).status_code == 200
    assert 3590 <= (link.expires_at - utcnow()).total_seconds() <= 3600


def test_png_and_webp_are_hosted_too(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    for data, kind, ending in ((PNG, "image/png", ".png"), (WEBP, "image/webp", ".webp")):
        link = laptop.publish_media(data, kind)
        assert link.url.endswith(ending) and http.get(_path(link.url)).content == data


def test_only_real_images_are_hosted(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    html = b"<html><script>alert(1)</script></html>"
    for content_type, body in (("text/html", html), ("image/jpeg", html), ("image/png", JPEG),
                               ("image/svg+xml", b"<svg/>")):
        response = http.post("/v1/media", headers=bearer(laptop) | {"Content-Type": content_type}, content=body)
        assert response.status_code == 415, content_type


def test_expired_links_answer_410_and_are_swept(new_device: Callable[..., SyncServiceClient], http: httpx.Client,
                                                app: FastAPI) -> None:
    laptop = new_device("a@example.com")
    link = laptop.publish_media(JPEG, "image/jpeg")
    with app.state.services.db.writer() as session:
        session.execute(update(MediaItem).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert http.get(_path(link.url)).status_code == 410
    assert sweep_expired(app.state.services) == 1
    assert http.get(_path(link.url)).status_code == 404
    assert laptop.list_media() == []
    assert not any(p.is_file() for p in (app.state.services.config.media_dir / "media").rglob("*"))


def test_a_deleted_link_stops_working(new_device: Callable[..., SyncServiceClient], http: httpx.Client) -> None:
    laptop = new_device("a@example.com")
    link = laptop.publish_media(JPEG, "image/jpeg")
    assert [m.id for m in laptop.list_media()] == [link.id]
    assert laptop.list_media()[0].url == ""  # the token is never shown again
    laptop.delete_media(link.id)
    assert http.get(_path(link.url)).status_code == 404


def test_guessed_links_find_nothing(http: httpx.Client) -> None:
    for path in ("/m/abc.jpg", "/m/" + "A" * 43 + ".jpg", "/m/" + "x" * 500):
        assert http.get(path).status_code == 404


def test_expiry_is_capped(new_device: Callable[..., SyncServiceClient]) -> None:
    link = new_device("a@example.com").publish_media(JPEG, "image/jpeg", expires_in=365 * 24 * 3600)
    assert (link.expires_at - utcnow()) <= timedelta(days=7)


@pytest.fixture
def small_app(make_app: Callable[..., FastAPI], mailbox: Mailbox) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """An app accepting 1 KiB JSON bodies and 4 KiB uploads, with a signed-in device."""
    app = make_app(max_body_bytes=1024, max_upload_bytes=4096)
    with open_http(app) as http:
        client = SyncServiceClient(PUBLIC_URL, http=http)
        sign_up(client, http, mailbox, "a@example.com", "long enough password", uuid.uuid4())
        yield http, bearer(client)


def test_oversized_bodies_are_refused_with_413(small_app: tuple[httpx.Client, dict[str, str]]) -> None:
    http, auth = small_app
    big = JPEG + b"\x00" * 5000
    sha = hashlib.sha256(big).hexdigest()
    assert http.put(f"/v1/blobs/{sha}", headers=auth, content=big).status_code == 413
    assert http.post("/v1/media", headers=auth | {"Content-Type": "image/jpeg"}, content=big).status_code == 413
    json_body = http.post("/v1/sync/push", headers=auth | {"Content-Type": "application/json"},
                          content=b'{"changes": [' + b" " * 2000 + b"]}")
    assert json_body.status_code == 413
    assert http.post("/v1/auth/login", content=b"x" * 2000).status_code == 413


def test_oversized_streams_without_length_are_cut_off(small_app: tuple[httpx.Client, dict[str, str]]) -> None:
    http, auth = small_app

    def chunks() -> Iterator[bytes]:
        yield JPEG[:1000]
        for _ in range(10):
            yield b"\x00" * 1000

    response = http.post("/v1/media", headers=auth | {"Content-Type": "image/jpeg"}, content=chunks())
    assert response.status_code == 413
    small = http.post("/v1/media", headers=auth | {"Content-Type": "image/jpeg"}, content=iter([JPEG[:1000]]))
    assert small.status_code == 201
