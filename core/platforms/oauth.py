"""OAuth 2.0 for a desktop app (RFC 8252): system browser, loopback redirect on 127.0.0.1, PKCE (S256), state check.

The loopback listener answers exactly one sign-in redirect on the caller's thread, then closes. It never
echoes what it received, so a crafted link cannot put content on the page it shows.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from core.i18n import format_duration
from core.platforms.errors import ConnectCancelled, PlatformError

log = logging.getLogger(__name__)

T = TypeVar("T")
CALLBACK_PATH = "/callback"
_POLL_SECONDS = 0.2  # how quickly a cancel is noticed while waiting for the browser

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SellerDesk</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:5rem auto;text-align:center;color:#222}}</style>
</head><body><h1>{heading}</h1><p>{text}</p></body></html>"""
_DONE = _PAGE.format(heading="You're signed in", text="SellerDesk has what it needs. You can close this tab.")
_FAILED = _PAGE.format(heading="Sign-in not completed",
                       text="SellerDesk did not get access. You can close this tab and try again from SellerDesk.")


@dataclass(frozen=True)
class Pkce:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""

    verifier: str
    challenge: str

    @classmethod
    def make(cls) -> Pkce:
        """A fresh random verifier (43+ characters of the unreserved set) and its challenge."""
        return cls.from_verifier(secrets.token_urlsafe(48))

    @classmethod
    def from_verifier(cls, verifier: str) -> Pkce:
        """The pair for a given verifier: challenge = BASE64URL(SHA256(verifier)) without padding."""
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True)
class Callback:
    """What the browser brought back to the loopback listener."""

    params: Mapping[str, str]

    @property
    def code(self) -> str | None:
        """The authorisation code, if access was granted."""
        return self.params.get("code")


class _Handler(BaseHTTPRequestHandler):
    server: _Listener
    # Browsers open speculative connections that never send a request; do not let one hold the listener up.
    timeout = 2.0

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._reply(404, _PAGE.format(heading="Not here", text="This address belongs to SellerDesk's sign-in."))
            return
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        ok = "code" in params and "error" not in params and params.get("state") == self.server.expected_state
        self._reply(200, _DONE if ok else _FAILED)
        self.server.callback = Callback(params)

    def _reply(self, status: int, page: str) -> None:
        body = page.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line holds the authorisation code: never let http.server print it.
        return


class _Listener(HTTPServer):
    def __init__(self, port: int, expected_state: str) -> None:
        self.callback: Callback | None = None
        self.expected_state = expected_state
        super().__init__(("127.0.0.1", port), _Handler)
        self.timeout = _POLL_SECONDS


class LoopbackListener:
    """A one-shot HTTP listener on 127.0.0.1 for the sign-in redirect (port 0 picks a free one)."""

    def __init__(self, platform: str, port: int, state: str) -> None:
        self.platform = platform
        try:
            self._server = _Listener(port, state)
        except OSError as exc:
            raise PlatformError(platform, f"cannot listen for the sign-in on port {port} ({exc.strerror})",
                                hint="Close the program using that port, or change the redirect port setting.") \
                from exc

    @property
    def redirect_uri(self) -> str:
        """The address the platform sends the browser back to."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> Callback:
        """Serve until the redirect arrives; ConnectCancelled on timeout or when ``cancel`` is set."""
        deadline = time.monotonic() + timeout
        while self._server.callback is None:
            if cancel is not None and cancel.is_set():
                raise ConnectCancelled(self.platform, "connecting was cancelled")
            if time.monotonic() >= deadline:
                raise ConnectCancelled(self.platform, f"the sign-in did not finish within {format_duration(timeout)}")
            self._server.handle_request()
        return self._server.callback

    def close(self) -> None:
        """Stop listening."""
        self._server.server_close()


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where and how to ask the seller for access."""

    platform: str
    authorize_url: str
    client_id: str
    scopes: tuple[str, ...]
    port: int = 0
    timeout: float = 300.0


Exchange = Callable[[str, str, str], T]  # (code, verifier, redirect_uri) -> tokens


def authorize(request: AuthorizationRequest, exchange: Exchange[T], *,
              open_browser: Callable[[str], object] | None = None, on_url: Callable[[str], None] | None = None,
              cancel: threading.Event | None = None) -> T:
    """Run the whole sign-in: listen, open the browser at the consent page, check the answer, exchange the code.

    ``exchange`` turns (code, PKCE verifier, redirect URI) into tokens. A redirect whose ``state`` does not match
    is refused: it did not come from the sign-in SellerDesk started.
    """
    state = secrets.token_urlsafe(32)
    pkce = Pkce.make()
    listener = LoopbackListener(request.platform, request.port, state)
    try:
        query = urlencode({
            "response_type": "code",
            "client_id": request.client_id,
            "redirect_uri": listener.redirect_uri,
            "scope": " ".join(request.scopes),
            "state": state,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
        })
        url = f"{request.authorize_url}{'&' if '?' in request.authorize_url else '?'}{query}"
        if on_url is not None:
            on_url(url)
        (open_browser or webbrowser.open)(url)
        callback = listener.wait(request.timeout, cancel)
        redirect_uri = listener.redirect_uri
    finally:
        listener.close()
    if callback.params.get("state") != state:
        raise PlatformError(request.platform, "the sign-in answer did not match the sign-in SellerDesk started, "
                            "so it was refused", hint="Start connecting again from SellerDesk.")
    if "error" in callback.params or not callback.code:
        reason = callback.params.get("error", "no code")
        if reason == "access_denied":
            raise ConnectCancelled(request.platform, "access was declined in the browser")
        raise PlatformError(request.platform, f"the sign-in failed ({reason})", hint="Try connecting again.")
    return exchange(callback.code, pkce.verifier, redirect_uri)
