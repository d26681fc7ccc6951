"""Photo backup by content hash: check, upload once, download on another device, delete."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy.exc import IntegrityError

from server.context import Services, ServicesDep, VerifiedCallerDep
from server.errors import ApiError, not_found
from server.models import Blob, utcnow
from server.quota import refuse_over_quota, stored_bytes
from server.schemas import BlobOut
from server.storage import StagedUpload, blob_key, stage_upload

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/blobs")
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
_CONTENT_TYPE = re.compile(r"^[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}$")


def check_quota(services: Services, account_id: int, incoming: int) -> None:
    """413 if ``incoming`` more bytes would take the account past its storage quota (everything it stores)."""
    with services.db.reader() as session:
        used = stored_bytes(session, account_id)
    refuse_over_quota(used, incoming, services.config.limits.account_quota_bytes)


def declared_size(request: Request) -> int:
    """The Content-Length the client announced (0 when streaming without one)."""
    value = request.headers.get("content-length", "0")
    return int(value) if value.isdigit() else 0


def _find(services: Services, account_id: int, sha256: str) -> Blob | None:
    with services.db.reader() as session:
        return session.get(Blob, (account_id, sha256))


@router.head("/{sha256}")
def blob_exists(sha256: Sha256, caller: VerifiedCallerDep, services: ServicesDep) -> Response:
    """200 if this account already has these bytes (skip the upload), 404 if not."""
    blob = _find(services, caller.account_id, sha256)
    if blob is None:
        raise not_found("photo")
    try:
        stored = services.store.size(blob_key(caller.account_id, sha256))
    except OSError as exc:
        raise storage_unavailable() from exc
    # The bytes must be there too: after a storage restore that lacks them, the device uploads them again.
    if stored != blob.size:
        raise not_found("photo")
    return Response(status_code=200, headers={"Content-Length": str(blob.size), "Content-Type": blob.content_type})


def storage_unavailable() -> ApiError:
    """503 for a store that cannot be reached (a bucket outage): the client tries again later."""
    return ApiError(503, "unavailable", "Photo and media storage cannot be reached right now; try again in a few "
                                        "minutes.", {"Retry-After": "60"})


def put_stored(services: Services, key: str, staged: StagedUpload) -> None:
    """Store the staged bytes under ``key``, or answer 503 (nothing stored, try again) if storage cannot now."""
    try:
        services.store.put(key, staged)
    except OSError as exc:
        staged.discard()
        raise storage_unavailable() from exc


def delete_stored(services: Services, key: str) -> None:
    """Remove the bytes of a row already deleted; if storage cannot now, the row stays gone (nothing can reach
    the bytes any more) and the leftover is logged for the operator."""
    try:
        services.store.delete(key)
    except OSError as exc:
        log.warning("stored object %s could not be removed and is left over: %s", key, exc)


def _save(services: Services, account_id: int, staged: StagedUpload, content_type: str) -> bool:
    """Store the bytes and their row; False if the account had them already (bytes lost from storage are put back)."""
    key = blob_key(account_id, staged.sha256)
    if _find(services, account_id, staged.sha256) is not None and services.store.size(key) == staged.size:
        staged.discard()
        return False
    put_stored(services, key, staged)
    try:
        with services.db.writer() as session:
            session.add(Blob(account_id=account_id, sha256=staged.sha256, size=staged.size,
                             content_type=content_type, created_at=utcnow()))
    except IntegrityError:
        return False  # the same bytes arrived twice at once; both wrote identical files
    services.file_bytes.forget(account_id)  # pushes count the new bytes from now on
    return True


@router.put("/{sha256}", response_model=BlobOut)
async def upload_blob(sha256: Sha256, request: Request, caller: VerifiedCallerDep, services: ServicesDep,
                      response: Response) -> BlobOut:
    """Upload a photo named by its SHA-256; bytes whose hash differs from the name are refused."""
    content_type = request.headers.get("content-type", "application/octet-stream").split(";")[0].strip().lower()
    if not _CONTENT_TYPE.match(content_type):
        raise ApiError(415, "unsupported_media_type", "Send the photo with a plain Content-Type such as image/jpeg.")
    await run_in_threadpool(check_quota, services, caller.account_id, declared_size(request))
    staged = await stage_upload(request.stream(), services.store.staging_dir)
    if staged.sha256 != sha256:
        staged.discard()
        raise ApiError(400, "hash_mismatch", f"The bytes received hash to {staged.sha256}, not {sha256}: "
                                             "the upload was damaged or named wrongly. Upload it again.")
    try:
        await run_in_threadpool(check_quota, services, caller.account_id, staged.size)
    except ApiError:
        staged.discard()
        raise
    created = await run_in_threadpool(_save, services, caller.account_id, staged, content_type)
    response.status_code = 201 if created else 200
    blob = await run_in_threadpool(_find, services, caller.account_id, sha256)
    assert blob is not None
    return BlobOut(sha256=blob.sha256, size=blob.size, content_type=blob.content_type, created_at=blob.created_at)


@router.get("/{sha256}")
def download_blob(sha256: Sha256, caller: VerifiedCallerDep, services: ServicesDep) -> Response:
    """The photo's bytes, for another of the seller's devices."""
    blob = _find(services, caller.account_id, sha256)
    if blob is None:
        raise not_found("photo")
    key = blob_key(caller.account_id, sha256)
    headers = {"Content-Disposition": "attachment"}
    return stored_response(services, key, blob.content_type, blob.size, headers, "photo")


def stored_response(services: Services, key: str, content_type: str, size: int, headers: dict[str, str],
                    what: str) -> Response:
    """The stored object as the answer: the file itself from local disk, or streamed from the bucket."""
    path = services.store.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=content_type, headers=headers)
    try:
        chunks: Iterator[bytes] = services.store.chunks(key)
    except FileNotFoundError:
        raise not_found(what) from None
    except OSError as exc:
        raise storage_unavailable() from exc
    headers = {**headers, "Content-Length": str(size)}  # from the row: the bucket's object has these bytes
    return StreamingResponse(chunks, media_type=content_type, headers=headers)


@router.delete("/{sha256}", status_code=204)
def delete_blob(sha256: Sha256, caller: VerifiedCallerDep, services: ServicesDep) -> None:
    """Remove a photo from the backup."""
    with services.db.writer() as session:
        blob = session.get(Blob, (caller.account_id, sha256))
        if blob is None:
            raise not_found("photo")
        session.delete(blob)
    delete_stored(services, blob_key(caller.account_id, sha256))
    services.file_bytes.forget(caller.account_id)
