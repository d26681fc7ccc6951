"""Photo backup by content hash: originals go up once per account before the rows naming them, and come down into
the local image store when a pulled photo row names bytes this computer does not have."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.db.models import ProductImage
from core.errors import SellerDeskError

if TYPE_CHECKING:
    from core.app import App
    from server.client import SyncServiceClient

log = logging.getLogger(__name__)

_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
          ".heic": "image/heic", ".gif": "image/gif"}


def _original(app: App, sha256: str) -> Path | None:
    try:
        return app.image_store.original_path(sha256)
    except SellerDeskError:
        return None


def upload_originals(app: App, client: SyncServiceClient, shas: Iterable[str]) -> int:
    """Back up the originals with these hashes unless the account has them; returns how many were sent.

    A photo missing here (its row came from another computer, which backed it up) is left to the service.
    """
    sent = 0
    for sha in dict.fromkeys(shas):
        path = _original(app, sha)
        if path is None or client.has_blob(sha):
            continue
        client.upload_blob(path.read_bytes(), _TYPES.get(path.suffix.lower(), "application/octet-stream"))
        sent += 1
    return sent


def download_missing(app: App, client: SyncServiceClient, cancelled: Callable[[], bool]) -> int:
    """Fetch every original a photo row names that the local store lacks; returns how many arrived.

    One that the service does not have (yet) or that is not a picture is logged and tried again next round.
    """
    from server.client_models import NotFound

    with app.db.session() as session:
        shas = sorted(set(session.scalars(select(ProductImage.sha256))))
    fetched = 0
    for sha in shas:
        if cancelled():
            break
        if _original(app, sha) is not None:
            continue
        try:
            data = client.download_blob(sha)
        except NotFound:
            log.warning("photo %s is not backed up on the sync service yet", sha[:12])
            continue
        with tempfile.TemporaryDirectory(prefix="sellerdesk-sync-") as folder:
            # The store checks and files a picture from a path; the bytes already match the hash.
            staged = Path(folder) / f"{sha}.img"
            staged.write_bytes(data)
            try:
                app.image_store.add(staged)
            except SellerDeskError as exc:
                log.warning("photo %s from the sync service was not stored: %s", sha[:12], exc)
                continue
        fetched += 1
    return fetched
