"""The public media host: a variant uploaded by the seller, served without sign-in at an unguessable URL until
it expires, so Instagram and Pinterest can download it; deleted once the post is out."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, select

from server.blobs import check_quota, declared_size, delete_stored, put_stored, stored_response
from server.context import CallerDep, Services, ServicesDep
from server.errors import ApiError, not_found
from server.models import MediaItem, utcnow
from server.schemas import MediaList, MediaOut
from server.security import sha256_hex
from server.storage import StagedUpload, media_key, stage_upload

router = APIRouter()

# What the platforms accept, and the file name ending that goes with it (some fetchers look at the URL).
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
_SWEEP_BATCH = 50


def _url(services: Services, token: str, content_type: str) -> str:
    return f"{services.config.public_base}/m/{token}{_EXTENSIONS[content_type]}"


def _out(item: MediaItem, url: str) -> MediaOut:
    return MediaOut(id=item.id, url=url, sha256=item.sha256, size=item.size, content_type=item.content_type,
                    created_at=item.created_at, expires_at=item.expires_at)


def _matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes are those of ``content_type`` (so nothing else can be hosted under an image type)."""
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def sweep_expired(services: Services) -> int:
    """Delete a batch of expired media (rows and bytes) of any account; returns how many went."""
    with services.db.writer() as session:
        expired = [(media_id, account_id) for media_id, account_id in session.execute(
            select(MediaItem.id, MediaItem.account_id).where(MediaItem.expires_at <= utcnow()).limit(_SWEEP_BATCH))]
        if expired:
            session.execute(delete(MediaItem).where(MediaItem.id.in_([media_id for media_id, _ in expired])))
    for media_id, account_id in expired:
        delete_stored(services, media_key(account_id, media_id))
    return len(expired)


def _save(services: Services, account_id: int, staged: StagedUpload, content_type: str, ttl: int) -> MediaOut:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    item = MediaItem(id=str(uuid.uuid4()), account_id=account_id, token_hash=sha256_hex(token), sha256=staged.sha256,
                     size=staged.size, content_type=content_type, created_at=now,
                     expires_at=now + timedelta(seconds=ttl))
    put_stored(services, media_key(account_id, item.id), staged)
    with services.db.writer() as session:
        session.add(item)
    services.file_bytes.forget(account_id)  # pushes count the new bytes from now on
    sweep_expired(services)  # housekeeping rides on uploads, so no instance needs a scheduler
    return _out(item, _url(services, token, content_type))


@router.post("/v1/media", status_code=201)
async def publish_media(request: Request, caller: CallerDep, services: ServicesDep,
                        expires_in: Annotated[int | None, Query(ge=60)] = None) -> MediaOut:
    """Upload an image variant (JPEG, PNG or WebP body) and get its public URL, valid for ``expires_in`` seconds.

    The URL's token is shown only in this answer; the server keeps its hash.
    """
    limits = services.config.limits
    ttl = min(expires_in or limits.media_default_ttl_seconds, limits.media_max_ttl_seconds)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _EXTENSIONS:
        raise ApiError(415, "unsupported_media_type", "Public media must be JPEG, PNG or WebP "
                                                      f"(Content-Type was {content_type or 'missing'}).")
    await run_in_threadpool(check_quota, services, caller.account_id, declared_size(request))
    staged = await stage_upload(request.stream(), services.store.staging_dir)
    if not _matches(content_type, staged.head):
        staged.discard()
        raise ApiError(415, "unsupported_media_type", f"The bytes sent are not a {content_type} image.")
    try:
        await run_in_threadpool(check_quota, services, caller.account_id, staged.size)
    except ApiError:
        staged.discard()
        raise
    return await run_in_threadpool(_save, services, caller.account_id, staged, content_type, ttl)


@router.get("/v1/media")
def list_media(caller: CallerDep, services: ServicesDep) -> MediaList:
    """The account's public media (URLs are not repeated: only the upload answer carries them)."""
    with services.db.reader() as session:
        items = session.scalars(select(MediaItem).where(MediaItem.account_id == caller.account_id)
                                .order_by(MediaItem.created_at)).all()
    return MediaList(media=[_out(item, "") for item in items])


@router.delete("/v1/media/{media_id}", status_code=204)
def delete_media(media_id: uuid.UUID, caller: CallerDep, services: ServicesDep) -> None:
    """Take a public image down now (the platform has fetched it)."""
    with services.db.writer() as session:
        deleted = session.execute(delete(MediaItem).where(MediaItem.id == str(media_id),
                                                          MediaItem.account_id == caller.account_id)
                                  .returning(MediaItem.id)).first()
    if deleted is None:
        raise not_found("media")
    delete_stored(services, media_key(caller.account_id, str(media_id)))
    services.file_bytes.forget(caller.account_id)


@router.api_route("/m/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def serve_public(name: str, services: ServicesDep) -> Response:
    """The image, to anyone holding the URL, until it expires (410) or is deleted (404)."""
    token = name.split(".", 1)[0]
    if not 20 <= len(token) <= 64:
        raise ApiError(404, "not_found", "No such image.")
    with services.db.reader() as session:
        item = session.scalar(select(MediaItem).where(MediaItem.token_hash == sha256_hex(token)))
    if item is None:
        raise ApiError(404, "not_found", "No such image.")
    if item.expires_at <= utcnow():
        raise ApiError(410, "gone", "This image link has expired.")
    key = media_key(item.account_id, item.id)
    # No caching (the default no-store applies): a deleted image must not live on in a proxy.
    headers = {"Content-Disposition": "inline"}
    return stored_response(services, key, item.content_type, item.size, headers, "media")
