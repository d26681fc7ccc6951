"""Photos and public media in an S3-compatible bucket (a moto server process on 127.0.0.1): the same behaviour as
on local disk — every media test runs again here — with the bytes in the bucket and nothing left on disk."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from server.admin import delete_account, export_account
from server.client import SyncServiceClient
from server.config import ConfigError, S3Settings, ServerConfig, config_from_env
from server.db import Database
from server.models import Account
from server.storage import S3Store, blob_key
from tests.server.conftest import SECRET, bearer
from tests.server.s3_server import CREDENTIALS, keys, new_bucket, remove_bucket, running_s3, s3_client
from tests.server.test_media import (
    JPEG,
    PNG,
    _path,
    test_a_deleted_link_stops_working,
    test_a_deleted_photo_is_gone,
    test_a_photo_is_uploaded_once_by_its_hash,
    test_a_public_link_serves_the_image_without_sign_in,
    test_bytes_that_do_not_match_their_hash_are_refused,
    test_expired_links_answer_410_and_are_swept,
    test_only_real_images_are_hosted,
    test_png_and_webp_are_hosted_too,
    test_storage_quota,
)

# Collected here again, on the bucket (pytest runs imported test functions with this module's fixtures).
__all__ = ["test_a_deleted_link_stops_working", "test_a_deleted_photo_is_gone",
           "test_a_photo_is_uploaded_once_by_its_hash", "test_a_public_link_serves_the_image_without_sign_in",
           "test_bytes_that_do_not_match_their_hash_are_refused", "test_expired_links_answer_410_and_are_swept",
           "test_only_real_images_are_hosted", "test_png_and_webp_are_hosted_too", "test_storage_quota"]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One S3 server process for this module."""
    with running_s3(tmp_path_factory.mktemp("s3")) as endpoint:
        yield endpoint


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key pair in the environment, where the service (boto3) reads it."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def bucket(s3_endpoint: str) -> S3Settings:
    """This test's own empty bucket."""
    return new_bucket(s3_endpoint)


@pytest.fixture
def config(config: ServerConfig, bucket: S3Settings) -> ServerConfig:
    """The usual test configuration, with photos and media in the bucket."""
    return replace(config, s3=bucket)


def _account(config: ServerConfig, email: str) -> int:
    db = Database(config.database_url)
    try:
        with db.reader() as session:
            return int(session.scalars(select(Account.id).where(Account.email == email)).one())
    finally:
        db.close()


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_photos_and_media_live_in_the_bucket(new_device: Callable[..., SyncServiceClient], http: httpx.Client,
                                             bucket: S3Settings, config: ServerConfig) -> None:
    laptop, shop = new_device("a@example.com", "Laptop"), new_device("a@example.com", "Shop PC")
    sha = laptop.upload_blob(JPEG, "image/jpeg")
    link = laptop.publish_media(PNG, "image/png", expires_in=3600)
    account = _account(config, "a@example.com")
    assert keys(bucket.endpoint_url, bucket.bucket) == sorted([blob_key(account, sha), f"media/{account}/{link.id}"])
    assert _files(config.media_dir) == []  # staged uploads went up to the bucket and were removed
    assert laptop.account().storage_bytes == len(JPEG) + len(PNG)  # the quota counts bucket objects too

    assert shop.download_blob(sha) == JPEG  # another computer of the seller
    fetched = http.get(_path(link.url))  # the platform's fetcher, without sign-in
    assert fetched.status_code == 200 and fetched.content == PNG
    assert fetched.headers["content-length"] == str(len(PNG))
    assert fetched.headers["x-content-type-options"] == "nosniff"

    laptop.delete_blob(sha)
    laptop.delete_media(link.id)
    assert keys(bucket.endpoint_url, bucket.bucket) == []
    assert http.get(_path(link.url)).status_code == 404
    assert laptop.account().storage_bytes == 0


def test_a_photo_lost_from_the_bucket_is_uploaded_again(new_device: Callable[..., SyncServiceClient],
                                                        bucket: S3Settings, http: httpx.Client,
                                                        config: ServerConfig) -> None:
    laptop = new_device("a@example.com")
    sha = laptop.upload_blob(JPEG, "image/jpeg")
    key = blob_key(_account(config, "a@example.com"), sha)
    s3_client(bucket.endpoint_url).delete_object(Bucket=bucket.bucket, Key=key)  # a restore lacked it
    assert not laptop.has_blob(sha)  # so the device uploads it again instead of skipping it
    assert http.get(f"/v1/blobs/{sha}", headers=bearer(laptop)).status_code == 404  # not a 500
    assert laptop.upload_blob(JPEG, "image/jpeg") == sha
    assert laptop.has_blob(sha) and laptop.download_blob(sha) == JPEG
    assert laptop.account().storage_bytes == len(JPEG)  # counted once


def test_readiness_fails_when_the_bucket_is_gone(http: httpx.Client, bucket: S3Settings,
                                                new_device: Callable[..., SyncServiceClient],
                                                caplog: pytest.LogCaptureFixture) -> None:
    laptop = new_device("a@example.com")
    sha = laptop.upload_blob(PNG, "image/png")
    assert http.get("/readyz").status_code == 200
    assert len(keys(bucket.endpoint_url, bucket.bucket)) == 1  # the probe object is not left behind
    remove_bucket(bucket.endpoint_url, bucket.bucket)
    answer = http.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"error": "unavailable", "message": "Media storage cannot be written to."}
    assert http.head("/readyz").status_code == 503
    refused = http.put(f"/v1/blobs/{hashlib.sha256(JPEG).hexdigest()}", content=JPEG,
                       headers={**bearer(laptop), "Content-Type": "image/jpeg"})
    assert refused.status_code == 503 and refused.headers["retry-after"] == "60"  # never answered as stored
    assert laptop.account().storage_bytes == len(PNG)
    # Reads say "try again later", not "you have no such photo" (which would make a device upload it again).
    for method in ("HEAD", "GET"):
        assert http.request(method, f"/v1/blobs/{sha}", headers=bearer(laptop)).status_code == 503
    # A deletion still goes through for the seller; the unreachable object is logged for the operator.
    with caplog.at_level("WARNING", logger="server.blobs"):
        laptop.delete_blob(sha)
    assert laptop.account().storage_bytes == 0
    assert any(sha in record.getMessage() and "left over" in record.getMessage() for record in caplog.records)


def test_deleting_an_account_empties_its_prefixes_only(new_device: Callable[..., SyncServiceClient],
                                                      bucket: S3Settings, config: ServerConfig,
                                                      tmp_path: Path) -> None:
    seller, other = new_device("a@example.com"), new_device("b@example.com")
    shas = [seller.upload_blob(JPEG + bytes([n]), "image/jpeg") for n in range(5)]
    seller.publish_media(JPEG, "image/jpeg")
    kept = other.upload_blob(JPEG, "image/jpeg")
    db = Database(config.database_url)
    try:
        export_account(db, config, "a@example.com", tmp_path / "a.zip")  # photos read back from the bucket
        with zipfile.ZipFile(tmp_path / "a.zip") as archive:
            assert archive.read(f"photos/{shas[3]}") == JPEG + bytes([3])
        delete_account(db, config, "a@example.com")
    finally:
        db.close()
    assert keys(bucket.endpoint_url, bucket.bucket) == [blob_key(_account(config, "b@example.com"), kept)]


def test_delete_prefix_goes_past_one_listing_page(bucket: S3Settings, tmp_path: Path) -> None:
    store = S3Store(bucket, tmp_path / "staging")
    client = s3_client(bucket.endpoint_url)
    for n in range(1005):  # a listing page and a DeleteObjects call both stop at 1,000
        client.put_object(Bucket=bucket.bucket, Key=f"blobs/7/{n:04}", Body=b"x")
    client.put_object(Bucket=bucket.bucket, Key="blobs/70/kept", Body=b"x")
    assert store.size("blobs/7/0001") == 1 and store.size("blobs/7/none") is None
    store.delete_prefix("blobs/7/")
    assert keys(bucket.endpoint_url, bucket.bucket) == ["blobs/70/kept"]
    with pytest.raises(FileNotFoundError):
        store.chunks("blobs/7/0001")
    remove_bucket(bucket.endpoint_url, bucket.bucket)
    with pytest.raises(OSError, match="could not delete blobs/70/"):
        store.delete_prefix("blobs/70/")


def test_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the staging folders made below land here
    base = {"DATABASE_URL": "postgresql+psycopg://db/sellerdesk", "SELLERDESK_SERVER_SECRET": SECRET,
            "SELLERDESK_SERVER_PUBLIC_URL": "https://sync.example.com", "SELLERDESK_SERVER_S3_BUCKET": "media",
            # A production server mails sign-up confirmations (once email verification lands it refuses to start
            # without this); not what this test is about.
            "SELLERDESK_SERVER_SMTP_HOST": "smtp.example.com", "SELLERDESK_SERVER_MAIL_FROM": "no-reply@example.com"}
    aws = config_from_env(base)  # no media folder needed with a bucket: uploads are staged in a private temp dir
    assert aws.s3 == S3Settings(bucket="media")
    assert aws.media_dir.parent == tmp_path and aws.media_dir.stat().st_mode & 0o777 == 0o700
    assert config_from_env(base).media_dir != aws.media_dir  # made afresh, never a guessable shared /tmp name
    minio = config_from_env({**base, "SELLERDESK_SERVER_S3_ENDPOINT_URL": "http://minio:9000",
                             "SELLERDESK_SERVER_S3_REGION": "eu-central-1"})
    assert minio.s3 == S3Settings("media", "http://minio:9000", "eu-central-1", path_style=True)
    hosted = config_from_env({**base, "SELLERDESK_SERVER_S3_ENDPOINT_URL": "https://s3.example.com",
                              "SELLERDESK_SERVER_S3_PATH_STYLE": "0"})
    assert hosted.s3 is not None and not hosted.s3.path_style
    with pytest.raises(ConfigError, match="S3_ENDPOINT_URL must start with http"):
        config_from_env({**base, "SELLERDESK_SERVER_S3_ENDPOINT_URL": "minio:9000"})
    with pytest.raises(ConfigError, match="S3_PATH_STYLE must be 0 or 1"):
        config_from_env({**base, "SELLERDESK_SERVER_S3_PATH_STYLE": "yes"})
    without = {key: value for key, value in base.items() if key != "SELLERDESK_SERVER_S3_BUCKET"}
    with pytest.raises(ConfigError, match="SELLERDESK_SERVER_MEDIA_DIR"):
        config_from_env(without)
    assert config_from_env({}, data_dir=tmp_path / "data").s3 is None  # one machine: the media folder
