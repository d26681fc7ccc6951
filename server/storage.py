"""Where uploaded bytes live: one small interface, with local disk or an S3-compatible bucket behind it.

Uploads are streamed to a staging file on local disk first, hashed on the way in, and only moved into place
(renamed, or sent to the bucket in one PUT / completed multipart upload) once complete, so a half-received upload
is never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3  # type: ignore[import-untyped,unused-ignore]
from boto3.exceptions import Boto3Error  # type: ignore[import-untyped,unused-ignore]
from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped,unused-ignore]
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

from server.config import S3Settings, ServerConfig

_CHUNK = 256 * 1024


@dataclass(frozen=True)
class StagedUpload:
    """A complete upload waiting in the staging area: its file, SHA-256, size and first bytes (for type checks)."""

    path: Path
    sha256: str
    size: int
    head: bytes

    def discard(self) -> None:
        """Remove the staging file (after a refusal, or when the bytes were already stored)."""
        self.path.unlink(missing_ok=True)


class ObjectStore(Protocol):
    """Bytes by key. Keys look like ``blobs/<account>/<sha256>``; an account's keys share a prefix."""

    staging_dir: Path

    def put(self, key: str, staged: StagedUpload) -> None:
        """Store the staged file under ``key`` (consuming the staging file)."""

    def chunks(self, key: str) -> Iterator[bytes]:
        """The stored bytes in pieces; FileNotFoundError (from the call, not mid-stream) if there are none."""

    def local_path(self, key: str) -> Path | None:
        """A file path for zero-copy serving, if this store keeps files locally."""

    def size(self, key: str) -> int | None:
        """The stored object's size in bytes, or None if there is none."""

    def delete(self, key: str) -> None:
        """Remove one object; a missing one is not an error."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under ``prefix`` (an account being deleted)."""

    def probe(self) -> None:
        """Raise OSError unless a new object could be stored now (for the readiness check)."""


class LocalDiskStore:
    """Objects as files under one directory (a single server, or several sharing a network volume)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging_dir = root / ".staging"
        self.staging_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(PermissionError):  # a shared volume owned by someone else keeps its own mode
            root.chmod(0o700)  # the accounts' photos: owner only (the files themselves are made 0600 by mkstemp)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # Keys are built from validated ids, but a path outside the root must be impossible, not just unlikely.
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def put(self, key: str, staged: StagedUpload) -> None:
        """Move the staging file into place (an atomic rename on the same file system)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)

    def chunks(self, key: str) -> Iterator[bytes]:
        """Read the file in 256 KiB pieces (opened now, so a missing file is known before any byte is sent)."""
        return _stream(self._path(key).open("rb"))

    def local_path(self, key: str) -> Path | None:
        """The file itself, if it exists."""
        path = self._path(key)
        return path if path.is_file() else None

    def size(self, key: str) -> int | None:
        """The file's size, if it exists."""
        path = self.local_path(key)
        return path.stat().st_size if path is not None else None

    def delete(self, key: str) -> None:
        """Unlink the file."""
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        """Remove the directory tree holding the prefix's files."""
        shutil.rmtree(self._path(prefix.rstrip("/")), ignore_errors=True)

    def probe(self) -> None:
        """Write, read back and remove a small file where uploads are staged (the same file system as the store)."""
        with tempfile.NamedTemporaryFile(dir=self.staging_dir, prefix="probe-") as handle:
            handle.write(b"ok")
            handle.flush()
            os.fsync(handle.fileno())


_MISSING = {"404", "NoSuchKey", "NotFound"}
_DELETE_BATCH = 1000  # the most keys one DeleteObjects call takes


class S3Store:
    """Objects in one S3-compatible bucket (AWS S3, MinIO, Ceph, Garage...), shared by every instance.

    Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, a profile, or an
    instance role). Nothing is public in the bucket: the service streams every object itself, so media links keep
    their expiry, deletion and headers whatever the store.
    """

    def __init__(self, settings: S3Settings, staging_dir: Path) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.staging_dir = staging_dir
        self.staging_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # One connection per request thread that may be streaming at once (the thread pool's size), not boto's 10.
        config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                        max_pool_connections=40,
                        s3={"addressing_style": "path" if settings.path_style else "auto"})
        self.client: Any = boto3.session.Session().client(
            "s3", endpoint_url=settings.endpoint_url or None, region_name=settings.region or None, config=config)
        # Big uploads go up in parts; the object appears only when the last part is in (CompleteMultipartUpload).
        self._transfer = TransferConfig(multipart_threshold=16 * 1024 * 1024, use_threads=False)

    def put(self, key: str, staged: StagedUpload) -> None:
        """Upload the staging file, then remove it (kept on failure until the caller discards it)."""
        try:
            self.client.upload_file(str(staged.path), self.bucket, key, Config=self._transfer)
        except (Boto3Error, BotoCoreError, ClientError) as exc:
            staged.discard()
            raise OSError(f"could not store {key} in bucket {self.bucket}: {exc}") from exc
        staged.discard()

    def chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes in 256 KiB pieces; FileNotFoundError (at once, not mid-stream) if it is missing."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise FileNotFoundError(key) from exc
            raise OSError(f"could not read {key} from bucket {self.bucket}: {exc}") from exc
        except BotoCoreError as exc:
            raise OSError(f"could not read {key} from bucket {self.bucket}: {exc}") from exc
        return _stream(body)

    def local_path(self, key: str) -> Path | None:
        """Never: the bytes are in the bucket."""
        return None

    def size(self, key: str) -> int | None:
        """The stored object's size in bytes, or None if there is none."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                self._check_bucket()  # a HEAD's 404 has no body: the bucket itself may be the one missing
                return None
            raise OSError(f"could not look up {key} in bucket {self.bucket}: {exc}") from exc
        except BotoCoreError as exc:
            raise OSError(f"could not look up {key} in bucket {self.bucket}: {exc}") from exc
        return int(head["ContentLength"])

    def _check_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"bucket {self.bucket} cannot be reached: {exc}") from exc

    def delete(self, key: str) -> None:
        """Remove one object (S3 answers a delete of a missing key with success too)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"could not delete {key} from bucket {self.bucket}: {exc}") from exc

    def delete_prefix(self, prefix: str) -> None:
        """Remove every object whose key starts with ``prefix``, a thousand per request."""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                for start in range(0, len(keys), _DELETE_BATCH):
                    self.client.delete_objects(Bucket=self.bucket,
                                               Delete={"Objects": keys[start:start + _DELETE_BATCH], "Quiet": True})
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"could not delete {prefix} from bucket {self.bucket}: {exc}") from exc

    def probe(self) -> None:
        """Store, read back and remove a small object in the bucket, and check the staging folder takes a file."""
        key = f".probe/{os.getpid()}-{os.urandom(6).hex()}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=b"ok")
            if self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read() != b"ok":
                raise OSError(f"bucket {self.bucket} gave back other bytes than were stored")
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"bucket {self.bucket} cannot be written to: {exc}") from exc
        with tempfile.NamedTemporaryFile(dir=self.staging_dir, prefix="probe-") as handle:
            handle.write(b"ok")


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _stream(body: Any) -> Iterator[bytes]:
    """Read a file or an S3 response body in 256 KiB pieces, closing it at the end (or when abandoned)."""
    try:
        while chunk := body.read(_CHUNK):
            yield chunk
    finally:
        body.close()


def open_store(config: ServerConfig) -> ObjectStore:
    """The store ``config`` names: its S3 bucket if one is set, else the media folder."""
    if config.s3 is not None:
        return S3Store(config.s3, config.media_dir / ".staging")
    return LocalDiskStore(config.media_dir)


async def stage_upload(body: AsyncIterator[bytes], staging_dir: Path) -> StagedUpload:
    """Write a request body to a staging file, hashing it as it arrives. Partial files are removed on failure."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, name = tempfile.mkstemp(dir=staging_dir, prefix="upload-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in body:
                if not chunk:
                    continue
                digest.update(chunk)
                size += len(chunk)
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StagedUpload(path, digest.hexdigest(), size, head)


def blob_key(account_id: int, sha256: str) -> str:
    """Where an account's photo backup with this hash is kept."""
    return f"blobs/{account_id}/{sha256[:2]}/{sha256}"


def media_key(account_id: int, media_id: str) -> str:
    """Where an account's public media item is kept."""
    return f"media/{account_id}/{media_id}"


def account_prefixes(account_id: int) -> list[str]:
    """Every prefix holding the account's objects (for deleting the account)."""
    return [f"blobs/{account_id}/", f"media/{account_id}/"]
