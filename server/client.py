"""A typed, synchronous client for the SellerDesk service (httpx only: importable without FastAPI).

Run it off the GUI thread. It refreshes the access token by itself — once, under a lock, because two threads
refreshing with the same refresh token would look like theft and end the session — and reports every new token
pair through ``on_tokens`` so the caller can store the refresh token (``None``: signed out, forget it).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import httpx

from server.client_models import (
    AccountInfo,
    ConflictInfo,
    ConflictListing,
    EmailUnverified,
    Gone,
    Invalid,
    MediaLink,
    NotFound,
    NotSignedIn,
    ProviderTokens,
    PullPage,
    PushOutcome,
    RateLimited,
    RecordChange,
    RecordVersion,
    ServiceConflict,
    ServiceError,
    ServiceUnavailable,
    SyncPosition,
    Tokens,
    TooLarge,
    WrongCredentials,
)

PUSH_BATCH = 500
CONFLICT_PAGE = 500  # conflicts per page (the service sends at most 1,000)
_REFRESH_MARGIN_SECONDS = 30  # refresh a little early so a request never starts with a token about to expire


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = str(body.get("error", "")) if isinstance(body, dict) else ""
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    status = response.status_code
    message = message or f"The sync service answered HTTP {status}."
    if status == 401:
        if response.request.url.path.endswith(("/auth/login", "/auth/verify/resend")):  # a password was wrong
            raise WrongCredentials(message, status, code)
        raise NotSignedIn(message, status, code)
    if status == 429:
        retry = response.headers.get("Retry-After", "60")
        raise RateLimited(message, status, code, int(retry) if retry.isdigit() else 60)
    if status == 403 and code == "email_unverified":
        raise EmailUnverified(message, status, code)
    if status == 413:
        raise TooLarge(message, status, code)
    if status == 404:
        raise NotFound(message, status, code)
    if status == 410:
        raise Gone(message, status, code)
    if status == 409:
        raise ServiceConflict(message, status, code)
    if status == 422:
        raise Invalid(message, status, code, list(body.get("fields", [])) if isinstance(body, dict) else [])
    if status >= 500:
        raise ServiceUnavailable(message, status, code)
    raise ServiceError(message, status, code)


class SyncServiceClient:
    """Accounts, sync, photo backup, public media and the OAuth broker, for one signed-in device."""

    def __init__(self, base_url: str, *, tokens: Tokens | None = None,
                 on_tokens: Callable[[Tokens | None], None] | None = None,
                 http: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self._http = http or httpx.Client(timeout=timeout)
        self._owns_http = http is None
        self._base = base_url.rstrip("/")
        self._tokens = tokens
        self._on_tokens = on_tokens
        self._lock = threading.Lock()
        self.open_conflicts: int | None = None  # as the last pull said (None: no pull yet)
        self.conflicts_etag: str | None = None  # the conflict list's ETag as the last pull said (None: not said)

    def close(self) -> None:
        """Close the connection pool (if this client made it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SyncServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def tokens(self) -> Tokens | None:
        """The current session's tokens (None when signed out)."""
        return self._tokens

    def _set_tokens(self, tokens: Tokens | None) -> None:
        self._tokens = tokens
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def _send(self, method: str, path: str, *, auth: bool, headers: dict[str, str] | None = None,
              **kwargs: Any) -> httpx.Response:
        url = self._base + path
        plain = dict(headers or {})
        try:
            if not auth:
                response = self._http.request(method, url, headers=plain, **kwargs)
            else:
                used = self._fresh_tokens()
                response = self._http.request(method, url, headers={**plain, **self._bearer(used)}, **kwargs)
                if response.status_code == 401:
                    # Expired early (clock skew) or rotated by another thread: refresh once and try again.
                    used = self._refresh(used)
                    response = self._http.request(method, url, headers={**plain, **self._bearer(used)}, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceUnavailable(f"The sync service could not be reached ({type(exc).__name__}). "
                                     "Check the connection; nothing was lost.") from exc
        _raise_for(response)
        return response

    @staticmethod
    def _bearer(tokens: Tokens) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.access_token}"}

    def _fresh_tokens(self) -> Tokens:
        tokens = self._tokens
        if tokens is None:
            raise NotSignedIn("Sign in to the sync service first.")
        if tokens.expires_at - _REFRESH_MARGIN_SECONDS <= time.time():
            return self._refresh(tokens)
        return tokens

    def _refresh(self, stale: Tokens) -> Tokens:
        with self._lock:
            current = self._tokens
            if current is None:
                raise NotSignedIn("Sign in to the sync service again.")
            if current.access_token != stale.access_token:
                return current  # another thread refreshed while we waited
            response = self._http.post(self._base + "/v1/auth/refresh", json={"refresh_token": current.refresh_token})
            if response.status_code == 401:
                self._set_tokens(None)
            _raise_for(response)
            tokens = self._read_tokens(response)
            return tokens

    def _read_tokens(self, response: httpx.Response) -> Tokens:
        body = response.json()
        tokens = Tokens(body["access_token"], body["refresh_token"], time.time() + int(body["expires_in"]))
        self._set_tokens(tokens)
        return tokens

    # Accounts

    def register(self, email: str, password: str, device_id: UUID | str, device_name: str = "") -> Tokens:
        """Create an account (the service answers the same whether or not the address was taken, and emails it),
        then sign this device in. Until the address is confirmed (the emailed link) that sign-in raises
        EmailUnverified — and so does one after registering an address someone else already has."""
        self._send("POST", "/v1/auth/register", auth=False, json={"email": email, "password": password})
        return self.login(email, password, device_id, device_name)

    def resend_verification(self) -> str:
        """Ask for the confirmation email again on a session from before sign-in waited for confirmation; the
        service's sentence about it."""
        return str(self._send("POST", "/v1/account/verify/resend", auth=True).json()["message"])

    def resend_confirmation(self, email: str, password: str) -> str:
        """Ask for the confirmation email again with the account's password (no sign-in exists before the address
        is confirmed); the service's sentence about it."""
        return str(self._send("POST", "/v1/auth/verify/resend", auth=False,
                              json={"email": email, "password": password}).json()["message"])

    def request_password_reset(self, email: str) -> str:
        """Have a reset code emailed to ``email`` (the same answer whether or not it has an account)."""
        return str(self._send("POST", "/v1/auth/password-reset", auth=False, json={"email": email}).json()["message"])

    def reset_password(self, code: str, new_password: str) -> None:
        """Set a new password with an emailed code; every computer of the account is signed out."""
        self._send("POST", "/v1/auth/password-reset/confirm", auth=False,
                   json={"code": code, "new_password": new_password})
        self._set_tokens(None)

    def login(self, email: str, password: str, device_id: UUID | str, device_name: str = "") -> Tokens:
        """Sign this device in. WrongCredentials, EmailUnverified (the address is not confirmed yet) or
        RateLimited (with retry_after) when refused."""
        return self._read_tokens(self._send("POST", "/v1/auth/login", auth=False, json={
            "email": email, "password": password, "device_id": str(device_id), "device_name": device_name}))

    def refresh(self) -> Tokens:
        """Renew the tokens now (normally done automatically)."""
        if self._tokens is None:
            raise NotSignedIn("Sign in to the sync service first.")
        return self._refresh(self._tokens)

    def logout(self) -> None:
        """End this device's session on the server and forget the tokens."""
        with contextlib.suppress(NotSignedIn):  # already over
            self._send("POST", "/v1/auth/logout", auth=True)
        self._set_tokens(None)

    def change_password(self, current_password: str, new_password: str) -> Tokens:
        """Change the password; other devices are signed out, this one gets new tokens."""
        return self._read_tokens(self._send("POST", "/v1/auth/password", auth=True, json={
            "current_password": current_password, "new_password": new_password}))

    def delete_account(self, password: str) -> None:
        """Delete the account and everything stored with it on the service."""
        self._send("POST", "/v1/account/delete", auth=True, json={"password": password})
        self._set_tokens(None)

    def account(self) -> AccountInfo:
        """Email, storage used and signed-in devices."""
        return AccountInfo.from_json(self._send("GET", "/v1/account", auth=True).json())

    def rename_device(self, name: str) -> None:
        """Rename this computer as the account's other computers see it (1–100 characters)."""
        self._send("POST", "/v1/account/device", auth=True, json={"name": name})

    # Sync

    def push(self, changes: Sequence[RecordChange], since: SyncPosition | None = None) -> list[PushOutcome]:
        """Send local changes (in batches); each outcome says applied, unchanged or conflict. Safe to retry.

        With ``since`` (the position the last pull answered) the service refuses with ServiceConflict code
        ``service_restored`` if it no longer holds what this device has seen, before writing anything."""
        outcomes: list[PushOutcome] = []
        position = None if since is None else {"cursor": since.cursor, "cursor_change": since.change_id,
                                               "epoch": since.epoch}
        for start in range(0, len(changes), PUSH_BATCH):
            batch = [change.as_json() for change in changes[start:start + PUSH_BATCH]]
            body = self._send("POST", "/v1/sync/push", auth=True, json={"changes": batch, "since": position}).json()
            outcomes.extend(PushOutcome.from_json(raw) for raw in body["results"])
        return outcomes

    def pull(self, cursor: int | SyncPosition, limit: int = 500, include_own: bool = False) -> PullPage:
        """Other devices' changes after ``cursor`` (ServiceConflict code service_restored: the service lost
        changes this device has seen; compare everything again from 0)."""
        position = cursor if isinstance(cursor, SyncPosition) else SyncPosition(cursor)
        params: dict[str, Any] = {"cursor": position.cursor, "limit": limit, "include_own": str(include_own).lower()}
        if position.change_id is not None:
            params["cursor_change"] = position.change_id
        if position.epoch is not None:
            params["epoch"] = position.epoch
        body = self._send("GET", "/v1/sync/pull", auth=True, params=params).json()
        self.open_conflicts = int(body["open_conflicts"])
        self.conflicts_etag = body.get("conflicts_etag")  # a service from before conflict ETags says nothing
        after = SyncPosition(int(body["cursor"]), body.get("cursor_change"), str(body.get("epoch", "")))
        return PullPage([RecordVersion.from_json(raw) for raw in body["changes"]], after.cursor,
                        bool(body["has_more"]), int(body["open_conflicts"]), after, self.conflicts_etag)

    def pull_since(self, position: SyncPosition,
                   include_own: bool = False) -> tuple[list[RecordVersion], SyncPosition]:
        """Every change after ``position``, page by page, and the position to store afterwards."""
        changes: list[RecordVersion] = []
        while True:
            page = self.pull(position, include_own=include_own)
            changes.extend(page.changes)
            position = page.position
            if not page.has_more:
                return changes, position

    def pull_all(self, cursor: int, include_own: bool = False) -> tuple[list[RecordVersion], int]:
        """Every change after ``cursor``, page by page, and the cursor to store afterwards."""
        changes, position = self.pull_since(SyncPosition(cursor), include_own)
        return changes, position.cursor

    def conflicts(self) -> list[ConflictInfo]:
        """Every unresolved conflict of the account (page by page)."""
        listing = self.conflicts_if_changed(None)
        assert listing is not None  # without a tag to compare, the service always sends the list
        return listing.conflicts

    def conflicts_if_changed(self, etag: str | None) -> ConflictListing | None:
        """What changed in the account's conflict list since the list tagged ``etag``: None when nothing did (the
        service answered 304 Not Modified, without a body); the changes alone when the service can tell them;
        otherwise every unresolved conflict (page by page). Each with the list's ETag now."""
        found: list[ConflictInfo] = []
        params: dict[str, Any] = {"limit": CONFLICT_PAGE} | ({"since": etag} if etag else {})
        headers = {"If-None-Match": etag} if etag else None
        response = self._send("GET", "/v1/sync/conflicts", auth=True, params=params, headers=headers)
        if response.status_code == 304:
            return None
        # The first page's tag: a list that changes while later pages are read gets a newer tag, which the next
        # pull shows, so it is listed again then.
        first = response.headers.get("ETag")
        params.pop("since", None)
        while True:
            body = response.json()
            found.extend(ConflictInfo.from_json(raw) for raw in body["conflicts"])
            if body.get("changed"):
                return ConflictListing(found, first, gone=[str(i) for i in body.get("gone", [])])
            if not body.get("next"):
                return ConflictListing(found, first)
            params["after"] = body["next"]
            response = self._send("GET", "/v1/sync/conflicts", auth=True, params=params)

    def resolve_conflict(self, conflict_id: str, choice: str, base_version: int,
                         data: dict[str, Any] | None = None, deleted: bool = False) -> RecordVersion | None:
        """Settle a conflict: ``current`` keeps the record, ``conflict`` takes the losing edit, ``merged`` writes
        ``data``. ``base_version`` is the version the seller compared against. Returns the record now."""
        body = self._send("POST", f"/v1/sync/conflicts/{conflict_id}/resolve", auth=True, json={
            "choice": choice, "base_version": base_version, "data": data, "deleted": deleted}).json()
        record = body.get("record")
        return RecordVersion.from_json(record) if record else None

    # Photo backup

    def has_blob(self, sha256: str) -> bool:
        """Whether the account already holds these bytes."""
        try:
            self._send("HEAD", f"/v1/blobs/{sha256}", auth=True)
        except NotFound:
            return False
        return True

    def upload_blob(self, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Back up a photo unless the account already has it; returns its SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has_blob(sha256):
            self._send("PUT", f"/v1/blobs/{sha256}", auth=True, content=data, headers={"Content-Type": content_type})
        return sha256

    def download_blob(self, sha256: str) -> bytes:
        """A backed-up photo's bytes (checked against the hash)."""
        data = self._send("GET", f"/v1/blobs/{sha256}", auth=True).content
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ServiceUnavailable("The photo arrived damaged; try again.")
        return data

    def delete_blob(self, sha256: str) -> None:
        """Remove a photo from the backup."""
        self._send("DELETE", f"/v1/blobs/{sha256}", auth=True)

    # Public media

    def publish_media(self, data: bytes, content_type: str, expires_in: int | None = None) -> MediaLink:
        """Put an image variant at a public URL for a platform to fetch (JPEG, PNG or WebP)."""
        params = {"expires_in": expires_in} if expires_in else None
        return MediaLink.from_json(self._send("POST", "/v1/media", auth=True, content=data, params=params,
                                              headers={"Content-Type": content_type}).json())

    def delete_media(self, media_id: str) -> None:
        """Take a public image down (once the platform has it)."""
        self._send("DELETE", f"/v1/media/{media_id}", auth=True)

    def list_media(self) -> list[MediaLink]:
        """The account's public images (without their URLs)."""
        return [MediaLink.from_json(raw) for raw in self._send("GET", "/v1/media", auth=True).json()["media"]]

    # OAuth broker

    def oauth_start(self, provider: str, redirect_uri: str, state: str, scopes: Sequence[str] | None = None) -> str:
        """The consent URL to open for ``provider``; the browser comes back to ``redirect_uri`` (a loopback
        address) with ``code`` and ``state``, and ``code`` goes to ``oauth_redeem``."""
        body = self._send("POST", f"/v1/oauth/{provider}/start", auth=True, json={
            "redirect_uri": redirect_uri, "state": state, "scopes": list(scopes) if scopes else None}).json()
        return str(body["authorize_url"])

    def oauth_redeem(self, code: str) -> ProviderTokens:
        """The provider tokens behind the one-time code the loopback listener received."""
        return ProviderTokens.from_json(self._send("POST", "/v1/oauth/redeem", auth=True, json={"code": code}).json())

    def oauth_exchange(self, provider: str, access_token: str) -> ProviderTokens:
        """A short-lived Facebook/Instagram token → the long-lived one."""
        return ProviderTokens.from_json(self._send("POST", f"/v1/oauth/{provider}/exchange", auth=True,
                                                   json={"access_token": access_token}).json())

    def oauth_refresh(self, provider: str, refresh_token: str) -> ProviderTokens:
        """A Pinterest refresh token → a new access token."""
        return ProviderTokens.from_json(self._send("POST", f"/v1/oauth/{provider}/refresh", auth=True,
                                                   json={"refresh_token": refresh_token}).json())
