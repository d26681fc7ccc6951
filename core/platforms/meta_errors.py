"""Meta's Graph API dialect (Facebook Pages and Instagram): error bodies, usage headers, and what each means.

Errors come as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``; the codes and
subcodes below are the ones platform-facts.md lists. Usage headers report percentages of the app's and the
business's hourly budget, and ``estimated_time_to_regain_access`` (minutes) once a limit is hit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from core.i18n import N_, _
from core.platforms.errors import AuthExpired, ContentRejected, PlatformError, RateLimited, TransientFailure
from core.platforms.http import ErrorReader
from core.platforms.specs import display_name

log = logging.getLogger(__name__)

AUTH_CODES = frozenset({190, 102})
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
BLOCKED = 368
DUPLICATE = 506
PERMISSION_CODES = frozenset({10, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2})
# Instagram: the daily publishing limit (code 9 with this subcode) is a rate limit in all but name.
PUBLISH_LIMIT_SUBCODE = 2207042

# What each token subcode means to the seller (platform-facts.md: 458, 459, 460, 463, 467).
AUTH_REASONS = {
    458: N_("SellerDesk's access was removed in the {name} account's app settings"),
    459: N_("{name} wants the account owner to log in on its website and confirm the account first"),
    460: N_("the {name} password was changed, which ends every sign-in"),
    463: N_("the sign-in has expired"),
    467: N_("the sign-in is no longer valid (the account logged out or {name} ended it)"),
}

# Instagram's image refusals, by subcode: what was wrong with the picture, said the way a seller understands it.
IMAGE_REASONS = {
    2207003: N_("it is not a JPEG picture, and Instagram takes JPEG only"),
    2207004: N_("the file is larger than Instagram allows (8 MB)"),
    2207009: N_("its size or shape is outside what Instagram allows (320 to 1440 pixels wide, from 4:5 portrait to "
                "1.91:1 landscape)"),
    2207052: N_("Instagram could not download it from its public address"),
}
IMAGE_FIXES = {
    2207003: N_("Re-make the product's Instagram pictures (the instagram preset makes JPEGs), then publish again."),
    2207052: N_("Check that the public image host works (sync service or S3 bucket settings), then publish again."),
}
# Facebook: the uploaded file is not a picture it can read.
UNREADABLE_PHOTO = 324


@dataclass(frozen=True)
class GraphError:
    """The ``error`` object of a refused Graph request."""

    message: str
    type: str
    code: int | None
    subcode: int | None
    trace: str
    transient: bool

    @classmethod
    def from_body(cls, body: Any) -> GraphError | None:
        """Read ``{"error": {...}}``; None for anything else."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None
        return cls(message=str(error.get("error_user_msg") or error.get("message") or ""),
                   type=str(error.get("type", "")), code=_int(error.get("code")),
                   subcode=_int(error.get("error_subcode")), trace=str(error.get("fbtrace_id", "")),
                   transient=bool(error.get("is_transient")))

    @classmethod
    def from_response(cls, response: httpx.Response) -> GraphError | None:
        """The error of a response, if it carries one."""
        try:
            return cls.from_body(response.json())
        except ValueError:
            return None

    def describe(self) -> str:
        """The platform's words plus the codes support would ask for."""
        codes = f"code {self.code}" + (f"/{self.subcode}" if self.subcode else "")
        return f"{self.message.rstrip('. ')} ({codes})"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_header(headers: Mapping[str, str], name: str) -> Any:
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        log.debug("unreadable %s header", name)
        return None


@dataclass(frozen=True)
class Usage:
    """How much of Meta's budget is used (highest percentage reported) and when access returns (minutes)."""

    percent: float
    regain_minutes: float

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Usage:
        """Read ``X-App-Usage`` and ``X-Business-Use-Case-Usage``; missing or odd headers count as zero."""
        percents: list[float] = []
        regain: list[float] = [0.0]
        app = _json_header(headers, "x-app-usage")
        if isinstance(app, dict):
            percents.extend(_number(app.get(k)) for k in ("call_count", "total_time", "total_cputime"))
        business = _json_header(headers, "x-business-use-case-usage")
        if isinstance(business, dict):
            for entries in business.values():
                for entry in entries if isinstance(entries, list) else []:
                    if isinstance(entry, dict):
                        percents.extend(_number(entry.get(k)) for k in ("call_count", "total_time", "total_cputime"))
                        regain.append(_number(entry.get("estimated_time_to_regain_access")))
        return cls(max(percents, default=0.0), max(regain))

    def wait_seconds(self, fallback: float) -> float:
        """Seconds until calls are accepted again: Meta's own estimate when it gave one, else ``fallback``."""
        return self.regain_minutes * 60 if self.regain_minutes > 0 else fallback

    @property
    def exhausted(self) -> bool:
        """True when Meta is (or is about to start) refusing calls: a budget at 100 % or a wait announced."""
        return self.percent >= 100 or self.regain_minutes > 0


def _number(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0


class ImageRejected(ContentRejected):
    """Meta refused a picture; ``subcode`` says why, and ``for_image`` names the picture in the message."""

    def __init__(self, platform: str, subcode: int, reason: str, *, product: str | None = None,
                 fix: str | None = None) -> None:
        self.subcode = subcode
        default = _("Replace that photo, or re-make the product's {platform} pictures, then publish again.").format(
            platform=display_name(platform))
        known = _(IMAGE_FIXES[subcode]) if subcode in IMAGE_FIXES else default
        super().__init__(platform, "images", reason, product=product, fix=fix or known)

    def for_image(self, label: str) -> ImageRejected:
        """The same refusal, saying which picture it was (``photo 2 of 3 (x.jpg)``)."""
        return ImageRejected(self.platform, self.subcode, f"{label}: {self.reason}", product=self.product,
                             fix=self.fix)


def image_refusal(platform: str, subcode: int, detail: str, product: str | None) -> ImageRejected:
    """The refusal of one picture by Instagram's subcode (``detail``: Meta's words, kept for support)."""
    reason = _(IMAGE_REASONS[subcode]) if subcode in IMAGE_REASONS else _("Instagram could not use it")
    return ImageRejected(platform, subcode, f"{reason} [{detail}]", product=product)


def classify(platform: str, error: GraphError, usage: Usage, product: str | None, *,
             rate_fallback: float, permissions: str) -> PlatformError:
    """The PlatformError for a Graph ``error`` (``permissions``: what the seller must allow when reconnecting)."""
    name = display_name(platform)
    detail = error.describe()
    if error.code in AUTH_CODES:
        known = AUTH_REASONS.get(error.subcode or 0)
        reason = (_(known) if known else _("the sign-in is no longer accepted")).format(name=name)
        return AuthExpired(platform, f"{reason} [{detail}]", product=product)
    if error.code in RATE_LIMIT_CODES or error.subcode == PUBLISH_LIMIT_SUBCODE:
        wait = usage.wait_seconds(rate_fallback)
        return RateLimited(platform, wait, product=product,
                           problem=_("{platform} is limiting how often SellerDesk may call it [{detail}]").format(
                               platform=name, detail=detail))
    if error.subcode in IMAGE_REASONS:
        return image_refusal(platform, error.subcode or 0, detail, product)
    if error.code == UNREADABLE_PHOTO:
        unreadable = _("{platform} could not read the picture [{detail}]").format(platform=name, detail=detail)
        return ImageRejected(platform, UNREADABLE_PHOTO, unreadable, product=product)
    if error.code == BLOCKED:
        return ContentRejected(platform, "post", _("{platform} has temporarily blocked this account from posting "
                                                   "[{detail}]").format(platform=name, detail=detail), product=product,
                               fix=_("Wait before posting again (often a day or more) and read {platform}'s notice in "
                                     "Meta Business Suite; posting more now extends the block.").format(platform=name))
    if error.code == DUPLICATE:
        return ContentRejected(platform, "caption", _("the same text was already posted here (duplicate post) "
                                                      "[{detail}]").format(detail=detail), product=product,
                               fix=_("The post is probably already on {platform}: look there first. To post it again, "
                                     "change the copy in the Content tab.").format(platform=name))
    if error.code in PERMISSION_CODES:
        return PlatformError(platform, _("SellerDesk is not allowed to do this [{detail}]").format(detail=detail),
                             product=product,
                             hint=_("Reconnect {platform} in the Platforms tab and allow every permission SellerDesk "
                                    "asks for ({permissions}); you also need a role that may create content.").format(
                                 platform=name, permissions=permissions))
    if error.code in TRANSIENT_CODES or error.transient:
        return TransientFailure(platform, _("had a temporary problem [{detail}]").format(detail=detail),
                                product=product)
    return PlatformError(platform, _("refused the request [{detail}]").format(detail=detail), product=product)


def graph_error_reader(platform: str, *, rate_fallback: float, permissions: str) -> ErrorReader:
    """An ApiClient error reader for Graph responses (any status that is not handled by the client itself)."""

    def read(response: httpx.Response, product: str | None) -> PlatformError:
        error = GraphError.from_response(response)
        if error is None:
            snippet = response.text[:200].strip()
            return PlatformError(platform, _("refused the request (HTTP {status}: {text})").format(
                status=response.status_code, text=snippet), product=product)
        return classify(platform, error, Usage.from_headers(response.headers), product,
                        rate_fallback=rate_fallback, permissions=permissions)

    return read
