"""Public image URLs for platforms that fetch pictures themselves (Instagram, Pinterest).

A desktop app cannot serve a picture to Meta or Pinterest, so each variant is put online for a short while:
through the SellerDesk sync service's media host, or in the seller's own S3-compatible bucket behind a presigned
GET URL. Either way the URL is unguessable and expires, and SellerDesk deletes the picture as soon as the platform
has it (the container is FINISHED, the pin exists).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import httpx

from core.platforms.base import PlatformContext
from core.platforms.broker import open_sync_service
from core.platforms.errors import ContentRejected, PlatformError, TransientFailure
from core.platforms.sigv4 import Credentials, presign
from core.platforms.specs import display_name

log = logging.getLogger(__name__)

S3_SECRET = "media:s3_secret_access_key"  # noqa: S105 (a secret's name in the keychain, not a secret)
_TYPES = ((b"\xff\xd8\xff", "image/jpeg", ".jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", ".png"))


@dataclass(frozen=True)
class HostedImage:
    """One picture online: the URL to give the platform, until when it works, and how to take it down."""

    url: str
    expires_at: datetime
    key: str
    name: str


class PublicImageHost(Protocol):
    """Somewhere pictures can be put online for a platform to download."""

    def put(self, path: Path, *, expires_in: int, product: str | None) -> HostedImage:
        """Upload the picture at ``path``; its URL works for ``expires_in`` seconds."""
        ...

    def remove(self, image: HostedImage) -> None:
        """Take the picture down (already gone is fine)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def read_picture(platform: str, path: Path, product: str | None) -> tuple[bytes, str, str]:
    """The bytes, content type and file ending of a variant; WebP and anything unknown are sent as they are."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentRejected(platform, "images", f"the picture {path.name} cannot be read ({exc.strerror})",
                              fix=f"Re-make the product's {display_name(platform)} pictures and publish again.",
                              product=product) from exc
    for magic, content_type, ending in _TYPES:
        if data.startswith(magic):
            return data, content_type, ending
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return data, "image/webp", ".webp"
    return data, "application/octet-stream", path.suffix


class SyncMediaHost:
    """The sync service's media host (the seller's SellerDesk account)."""

    def __init__(self, context: PlatformContext, platform: str) -> None:
        self.platform = platform
        self._service = open_sync_service(context, platform, for_media=True)

    def put(self, path: Path, *, expires_in: int, product: str | None) -> HostedImage:
        """Upload to the service; it answers with the public URL."""
        data, content_type, _ = read_picture(self.platform, path, product)
        upload = self._service.publish_media(data, content_type, expires_in)
        return HostedImage(upload.url, upload.expires_at, upload.id, path.name)

    def remove(self, image: HostedImage) -> None:
        """Delete it from the service now."""
        self._service.delete_media(image.key)

    def close(self) -> None:
        """Close the service session."""
        self._service.close()


class S3MediaHost:
    """The seller's own S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, ...), private, with presigned URLs."""

    def __init__(self, context: PlatformContext, platform: str) -> None:
        settings = context.settings
        self.platform = platform
        self._now = context.now
        self._endpoint = str(settings.get("media.s3.endpoint")).rstrip("/")
        self._bucket = str(settings.get("media.s3.bucket")).strip()
        self._prefix = str(settings.get("media.s3.prefix")).strip("/")
        self._virtual = settings.get("media.s3.addressing") == "virtual"
        secret = context.secrets.get(S3_SECRET)
        key_id = str(settings.get("media.s3.access_key_id")).strip()
        if not (self._endpoint and self._bucket and key_id and secret):
            raise PlatformError(platform, "the S3 bucket for public pictures is not fully set up", hint=(
                "Set media.s3.endpoint, media.s3.bucket, media.s3.region and media.s3.access_key_id, and store the "
                "secret access key in the keychain; or use the sync service (media.host = sync)."))
        self._credentials = Credentials(key_id, secret, str(settings.get("media.s3.region")))
        self._http = httpx.Client(timeout=httpx.Timeout(context.http.timeout, connect=context.http.connect_timeout))

    def _object_url(self, key: str) -> str:
        if self._virtual:
            scheme, _, host = self._endpoint.partition("://")
            return f"{scheme}://{self._bucket}.{host}/{key}"
        return f"{self._endpoint}/{self._bucket}/{key}"

    def _send(self, method: str, key: str, product: str | None, content: bytes | None = None,
              content_type: str | None = None) -> None:
        url = presign(method, self._object_url(key), self._credentials, expires=300, now=self._now())
        headers = {"Content-Type": content_type} if content_type else None
        try:
            response = self._http.request(method, url, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise TransientFailure(self.platform, f"the S3 bucket could not be reached ({type(exc).__name__})",
                                   product=product) from exc
        if response.status_code == 404 and method == "DELETE":
            return
        if response.status_code >= 500:
            raise TransientFailure(self.platform, f"the S3 bucket had a problem (HTTP {response.status_code})",
                                   product=product)
        if response.status_code >= 300:
            raise PlatformError(self.platform, f"the S3 bucket refused the picture (HTTP {response.status_code}: "
                                f"{response.text[:200].strip()})", product=product,
                                hint="Check the media.s3.* settings and the secret access key.")

    def put(self, path: Path, *, expires_in: int, product: str | None) -> HostedImage:
        """Upload with a presigned PUT; the picture is read through a presigned GET valid for ``expires_in``."""
        data, content_type, ending = read_picture(self.platform, path, product)
        # A random name: the object cannot be found by guessing, and two uploads never collide.
        key = "/".join(filter(None, [self._prefix, secrets.token_urlsafe(24) + ending]))
        self._send("PUT", key, product, content=data, content_type=content_type)
        now = self._now()
        url = presign("GET", self._object_url(key), self._credentials, expires=expires_in, now=now)
        return HostedImage(url, now + timedelta(seconds=expires_in), key, path.name)

    def remove(self, image: HostedImage) -> None:
        """Delete the object (its presigned URL stops working with it)."""
        self._send("DELETE", image.key, None)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


def open_media_host(context: PlatformContext, platform: str) -> PublicImageHost:
    """The host the seller chose (``media.host``): ``s3``, ``sync``, or ``auto`` (S3 when a bucket is set)."""
    choice = str(context.settings.get("media.host"))
    if choice == "s3" or (choice == "auto" and str(context.settings.get("media.s3.bucket")).strip()):
        return S3MediaHost(context, platform)
    return SyncMediaHost(context, platform)


@contextmanager
def hosted(context: PlatformContext, platform: str, paths: Sequence[Path],
           product: str | None) -> Iterator[list[HostedImage]]:
    """Put ``paths`` online for the duration of the block, then take them all down (on success or failure).

    A picture that cannot be taken down only lingers until its URL expires, so that is logged, not raised.
    """
    expires_in = int(context.settings.get("media.expires_seconds"))
    host = open_media_host(context, platform)
    images: list[HostedImage] = []
    try:
        for path in paths:
            images.append(host.put(path, expires_in=expires_in, product=product))
        yield images
    finally:
        for image in images:
            try:
                host.remove(image)
            except PlatformError as exc:
                log.warning("%s: picture %s stays online until it expires (%s)", platform, image.name, exc.problem)
        host.close()
