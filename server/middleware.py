"""ASGI layers around every request: size limits, security headers, and an access log free of secrets."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import logs as log_context
from server.errors import ApiError
from server.metrics import observe_request

access_log = logging.getLogger("sellerdesk.server.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"cross-origin"),
]
# Path prefixes whose last segment is a bearer secret (public media links): logged as "<redacted>".
_SECRET_PATHS = ("/m/",)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"The request is larger than this server accepts ({limit} bytes).")


async def _send_error(send: Send, error: ApiError) -> None:
    body = json.dumps({"error": error.code, "message": error.message}).encode()
    await send({"type": "http.response.start", "status": error.status_code,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for bodies over the limit: at once when Content-Length says so, mid-stream for chunked uploads."""

    def __init__(self, app: ASGIApp, default_limit: int, upload_limit: int,
                 is_upload: Callable[[str, str], bool]) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.is_upload = is_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a counting ``receive``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if self.is_upload(scope["method"], scope["path"]) else self.default_limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_error(send, _too_large(limit))
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _too_large(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except ApiError as exc:
            # Reached only when the body was read outside a route (the routes turn it into a 413 themselves).
            if started or exc.status_code != 413:
                raise
            await _send_error(send, exc)


class SecurityHeaders:
    """Headers every answer carries; Cache-Control no-store unless a route chose its own caching."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.extra = [*_SECURITY_HEADERS]
        if hsts:
            self.extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in self.extra if h[0] not in present)
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def loggable_path(path: str) -> str:
    """The request path as it may appear in a log: public media tokens cut out, never a query string."""
    for prefix in _SECRET_PATHS:
        if path.startswith(prefix):
            return prefix + "<redacted>"
    return path


class AccessLog:
    """One JSON line per request: method, path, status, duration, size, client address and a request id.

    Deliberately absent: query strings (OAuth codes and states travel there), headers (Authorization),
    bodies (passwords, tokens) and public media tokens.
    """

    def __init__(self, app: ASGIApp, trusts_proxy: bool = True) -> None:
        self.app = app
        self._proxy_unheeded = not trusts_proxy  # warn (once) if requests arrive through an untrusted proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request and log it once it is answered (or has failed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if self._proxy_unheeded and b"x-forwarded-for" in headers:
            self._proxy_unheeded = False
            client = scope.get("client")
            access_log.warning(
                "requests arrive through a proxy (X-Forwarded-For) this service does not trust: every seller seems "
                "to come from %s and they share its sign-in and sign-up limits. Start with --forwarded-allow-ips "
                "<the proxy's address> (or SELLERDESK_SERVER_FORWARDED_ALLOW_IPS).", client[0] if client else "?")
        offered = headers.get(b"x-request-id", b"").decode("latin-1")
        # A load balancer's id is kept (if it looks like one), so its logs and ours name the same request.
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex[:16]
        token = log_context.request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        sent = 0

        async def logging_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            client = scope.get("client")
            entry: dict[str, Any] = {
                "event": "request", "request_id": request_id, "method": scope["method"],
                "path": loggable_path(scope["path"]), "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1), "bytes": sent,
                "client": client[0] if client else None,
            }
            access_log.info(json.dumps(entry, separators=(",", ":")))
            route = scope.get("route")
            observe_request(scope["method"], getattr(route, "path", "unmatched"), status,
                            time.perf_counter() - started)
            log_context.request_id.reset(token)
