"""Plain data and error types of the service's client (stdlib only, so core can use them without FastAPI)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal


class ServiceError(Exception):
    """The sync service said no, or could not be reached. ``message`` is a sentence fit for the seller."""

    def __init__(self, message: str, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class NotSignedIn(ServiceError):
    """The session is over (signed out, password changed, refresh token reused, account deleted): sign in again."""


class WrongCredentials(ServiceError):
    """The email or password is wrong."""


class RateLimited(ServiceError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, status: int, code: str, retry_after: int) -> None:
        super().__init__(message, status, code)
        self.retry_after = retry_after


class EmailUnverified(ServiceError):
    """The account's email address is not confirmed yet: no sync until the emailed link is opened."""


class TooLarge(ServiceError):
    """The request or the account's storage is over a limit (``code``: too_large, quota_exceeded, ...)."""


class NotFound(ServiceError):
    """No such thing in this account."""


class Gone(ServiceError):
    """It existed but has expired."""


class ServiceConflict(ServiceError):
    """The request collides with the current state (``code``: email_taken, record_changed, already_resolved,
    service_restored); the message says what to do."""


RESTORED_CODES = ("service_restored", "cursor_ahead")  # cursor_ahead: what servers before the epoch said


class Invalid(ServiceError):
    """The request was refused as malformed; ``fields`` lists what was wrong."""

    def __init__(self, message: str, status: int, code: str, fields: list[dict[str, str]]) -> None:
        super().__init__(message, status, code)
        self.fields = fields


class ServiceUnavailable(ServiceError):
    """Network trouble or a server error: nothing is known to be wrong with the request; retry later."""


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Tokens:
    """A signed-in session. Keep ``refresh_token`` in the keychain and replace it every time it changes:
    the old one is dead, and using it again ends the session."""

    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds when the access token stops working


@dataclass(frozen=True)
class RecordChange:
    """One local edit to push. ``base_version`` is the version it was made on (0 for a new record);
    keep ``change_id`` with the pending change so a retry is recognised and applied only once."""

    kind: str
    id: str
    base_version: int
    data: dict[str, Any]
    updated_at: datetime
    deleted: bool = False
    change_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def as_json(self) -> dict[str, Any]:
        """The wire form."""
        return {"change_id": self.change_id, "kind": self.kind, "id": self.id, "base_version": self.base_version,
                "deleted": self.deleted, "data": {} if self.deleted else self.data,
                "updated_at": self.updated_at.isoformat()}


@dataclass(frozen=True)
class RecordVersion:
    """A record as the server holds it; ``seq`` orders changes within the account."""

    kind: str
    id: str
    version: int
    deleted: bool
    data: dict[str, Any]
    updated_at: datetime
    seq: int

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RecordVersion:
        """Parse the wire form."""
        return cls(raw["kind"], raw["id"], int(raw["version"]), bool(raw["deleted"]), dict(raw["data"]),
                   _time(raw["updated_at"]), int(raw["seq"]))


@dataclass(frozen=True)
class ConflictListing:
    """The account's conflict list as the service sent it: every open conflict (``gone`` None), or only what
    changed since the list a device holds (``conflicts`` new or changed, ``gone`` the ids settled since); ``etag``
    tags the list as it now is."""

    conflicts: list[ConflictInfo]
    etag: str | None
    gone: list[str] | None = None


@dataclass(frozen=True)
class ConflictInfo:
    """An edit that lost a race, kept for the seller: ``data`` is that edit, ``current`` the record as it stands."""

    conflict_id: str
    kind: str
    id: str
    base_version: int
    server_version: int
    deleted: bool
    data: dict[str, Any]
    updated_at: datetime
    created_at: datetime
    device_name: str
    current: RecordVersion | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ConflictInfo:
        """Parse the wire form."""
        current = raw.get("current")
        return cls(raw["conflict_id"], raw["kind"], raw["id"], int(raw["base_version"]), int(raw["server_version"]),
                   bool(raw["deleted"]), dict(raw["data"]), _time(raw["updated_at"]), _time(raw["created_at"]),
                   str(raw.get("device_name", "")), RecordVersion.from_json(current) if current else None)


@dataclass(frozen=True)
class PushOutcome:
    """What became of one pushed change: applied (now ``version``), unchanged (the same edit was already there)
    or conflict (see ``conflict``; the record kept its ``version``)."""

    change_id: str
    kind: str
    id: str
    status: Literal["applied", "unchanged", "conflict"]
    version: int
    seq: int | None
    conflict: ConflictInfo | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PushOutcome:
        """Parse the wire form."""
        conflict = raw.get("conflict")
        return cls(raw["change_id"], raw["kind"], raw["id"], raw["status"], int(raw["version"]), raw.get("seq"),
                   ConflictInfo.from_json(conflict) if conflict else None)


@dataclass(frozen=True)
class SyncPosition:
    """Where a device stands in its account's log: the cursor, the id of the change at it, and the account's
    epoch, as the last pull answered. Sent with every pull and push so the service can tell a device that has
    seen changes it no longer holds (it was restored from a backup)."""

    cursor: int = 0
    change_id: str | None = None
    epoch: str | None = None


@dataclass(frozen=True)
class PullPage:
    """Other devices' changes after a cursor; store ``position`` once they are applied locally."""

    changes: list[RecordVersion]
    cursor: int
    has_more: bool
    open_conflicts: int
    position: SyncPosition = field(default_factory=SyncPosition)
    conflicts_etag: str | None = None  # the conflict list's ETag now (None: the service does not say)


@dataclass(frozen=True)
class MediaLink:
    """A public image URL for a platform to fetch (``url`` is empty in listings: it is shown only once)."""

    id: str
    url: str
    sha256: str
    size: int
    content_type: str
    expires_at: datetime

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> MediaLink:
        """Parse the wire form."""
        return cls(raw["id"], raw["url"], raw["sha256"], int(raw["size"]), raw["content_type"],
                   _time(raw["expires_at"]))


@dataclass(frozen=True)
class ProviderTokens:
    """Tokens for Facebook, Instagram or Pinterest obtained through the broker."""

    provider: str
    access_token: str
    token_type: str
    expires_in: int | None
    refresh_token: str | None
    refresh_token_expires_in: int | None
    scope: str | None
    user_id: str | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ProviderTokens:
        """Parse the wire form."""
        return cls(raw["provider"], raw["access_token"], raw.get("token_type") or "bearer", raw.get("expires_in"),
                   raw.get("refresh_token"), raw.get("refresh_token_expires_in"), raw.get("scope"),
                   raw.get("user_id"))


@dataclass(frozen=True)
class DeviceInfo:
    """One computer signed in to the account."""

    id: str
    name: str
    last_seen_at: datetime
    current: bool


@dataclass(frozen=True)
class AccountInfo:
    """The account as the service sees it."""

    email: str
    created_at: datetime
    storage_bytes: int
    devices: list[DeviceInfo]
    email_confirmed: bool = True  # False: sync waits for the emailed link to be opened

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AccountInfo:
        """Parse the wire form."""
        return cls(raw["email"], _time(raw["created_at"]), int(raw["storage_bytes"]),
                   [DeviceInfo(d["id"], d["name"], _time(d["last_seen_at"]), bool(d["current"]))
                    for d in raw["devices"]], bool(raw.get("email_confirmed", True)))
