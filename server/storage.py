"""Where uploaded bytes live: one small interface, local disk behind it (S3-compatible storage would fit the same).

Uploads are streamed to a staging file first, hashed on the way in, and only moved into place once complete,
so a half-received upload is never served.
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
from typing import Protocol

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
        """The stored bytes in pieces; FileNotFoundError if there are none."""

    def local_path(self, key: str) -> Path | None:
        """A file path for zero-copy serving, if this store keeps files locally."""

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
        """Read the file in 256 KiB pieces."""
        with self._path(key).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk

    def local_path(self, key: str) -> Path | None:
        """The file itself, if it exists."""
        path = self._path(key)
        return path if path.is_file() else None

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
