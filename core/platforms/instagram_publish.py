"""Instagram's publishing steps: the daily quota, media containers, waiting for them, and media_publish.

Instagram downloads each picture when its container is made and reports progress on the container
(``status_code``: IN_PROGRESS → FINISHED, or ERROR / EXPIRED). Only ``media_publish`` puts a post on the
account; containers that are never published expire by themselves after a day, so making one again is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.i18n import format_duration
from core.platforms.base import PlatformContext
from core.platforms.errors import PlatformError, RateLimited, TransientFailure
from core.platforms.meta_errors import ImageRejected, image_refusal
from core.platforms.meta_graph import GraphApi
from core.platforms.social_copy import photo_label

NAME = "instagram"
_SUBCODE = re.compile(r"\b(2207\d{3})\b")
_JPEG = b"\xff\xd8\xff"


class Containers:
    """The container calls for one Instagram professional account."""

    def __init__(self, context: PlatformContext, graph: GraphApi, user_id: str, token: Callable[[], str]) -> None:
        self._graph = graph
        self._user = user_id
        self._token = token
        self._sleep = context.http.sleep
        self._config: dict[str, Any] = dict(context.spec.extra["publishing"])

    def check_quota(self, product: str) -> None:
        """Refuse (RateLimited, nothing made) when the rolling 24-hour publishing quota is used up."""
        found = self._graph.get(f"{self._user}/content_publishing_limit", token=self._token(), product=product,
                                fields="quota_usage,config")
        entry = (found.get("data") or [{}])[0]
        used = int(entry.get("quota_usage") or 0)
        total = int((entry.get("config") or {}).get("quota_total") or self._config["daily_limit"])
        if used >= total:
            wait = float(self._config["quota_recheck_seconds"])
            raise RateLimited(NAME, wait, product=product,
                              problem=f"the account has used its publishing limit ({used} of {total} posts in 24 "
                                      f"hours); SellerDesk tries again in {format_duration(wait)}")

    def image(self, url: str, what: str, product: str, *, caption: str | None = None, alt_text: str | None = None,
              carousel_item: bool = False) -> str:
        """A container for one picture at a public ``url`` (``what`` names it in refusals); returns its id."""
        try:
            made = self._graph.post(f"{self._user}/media", token=self._token(), product=product, idempotent=True,
                                    image_url=url, caption=caption, alt_text=alt_text or None,
                                    is_carousel_item="true" if carousel_item else None)
        except ImageRejected as exc:
            raise exc.for_image(what) from exc
        return str(made["id"])

    def carousel(self, children: Sequence[str], caption: str, product: str) -> str:
        """The carousel container of up to 10 finished item containers, carrying the caption."""
        made = self._graph.post(f"{self._user}/media", token=self._token(), product=product, idempotent=True,
                                media_type="CAROUSEL", children=",".join(children), caption=caption)
        return str(made["id"])

    def wait(self, container_id: str, what: str, product: str) -> None:
        """Poll until the container is FINISHED; refusals name ``what`` (e.g. ``photo 2 of 3 (x.jpg)``)."""
        for _ in range(int(self._config["max_polls"])):
            found = self._graph.get(container_id, token=self._token(), product=product, fields="status_code,status")
            status = str(found.get("status_code", ""))
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status == "ERROR":
                detail = str(found.get("status") or "no reason given")
                code = _SUBCODE.search(detail)
                if code:
                    raise image_refusal(NAME, int(code.group(1)), detail, product).for_image(what)
                raise PlatformError(NAME, f"could not process {what} ({detail})", product=product,
                                    hint="Publish again; if it keeps failing, replace that photo.")
            if status == "EXPIRED":
                raise TransientFailure(NAME, f"the upload of {what} expired before it was published", product=product)
            self._sleep(float(self._config["poll_seconds"]))
        waited = format_duration(float(self._config["poll_seconds"]) * int(self._config["max_polls"]))
        raise TransientFailure(NAME, f"was still processing {what} after {waited}", product=product)

    def publish(self, container_id: str, images: Sequence[Path], product: str) -> str:
        """Put the container on the account; returns the media id. Never repeated blindly (it posts)."""
        try:
            made = self._graph.post(f"{self._user}/media_publish", token=self._token(), product=product,
                                    creation_id=container_id)
        except ImageRejected as exc:
            raise exc.for_image(_culprits(images, exc.subcode)) from exc
        return str(made["id"])


def _culprits(images: Sequence[Path], subcode: int) -> str:
    """Which pictures a refusal at publish time is about: for a format refusal, those that are not JPEG."""
    if subcode == 2207003:
        bad = [photo_label(images, i) for i, path in enumerate(images) if not _is_jpeg(path)]
        if bad:
            return ", ".join(bad)
    return photo_label(images, 0) if len(images) == 1 else f"one of the {len(images)} photos"


def _is_jpeg(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(3) == _JPEG
    except OSError:
        return False
