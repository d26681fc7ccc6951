"""Request and response bodies (pydantic): the service's public contract, validated at the door."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError("not an email address")
    return value


Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
_MAX_DEPTH = 32


def _plain_json(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse what standard JSON (and PostgreSQL's jsonb) cannot hold: NaN and infinities, absurd nesting."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("numbers must be finite (no NaN or Infinity)")
        if isinstance(item, dict | list):
            if depth > _MAX_DEPTH:
                raise ValueError(f"nested deeper than {_MAX_DEPTH} levels")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return value


RecordData = Annotated[dict[str, Any], AfterValidator(_plain_json)]
NewPassword = Annotated[str, Field(min_length=10, max_length=256)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
Kind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
UrlSafe = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._~-]+$")]
Token = Annotated[str, Field(min_length=1, max_length=4096)]


class Strict(BaseModel):
    """Unknown fields are refused, so a misspelt field fails loudly instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class RegisterRequest(Strict):
    """A new account. The device signs in afterwards (``/auth/login``); older desktops still send its id."""

    email: Email
    password: NewPassword
    device_id: UUID | None = None
    device_name: str = Field(default="", max_length=100)


class Accepted(BaseModel):
    """Asked for and under way (an email is being sent); the same shape whatever the outcome was."""

    status: str
    message: str


class PasswordResetRequest(Strict):
    """The address a reset code should go to."""

    email: Email


class PasswordResetConfirm(Strict):
    """The emailed reset code and the new password."""

    code: str = Field(min_length=10, max_length=200)
    new_password: NewPassword


class LoginRequest(Strict):
    """A device signing in; ``device_id`` is the UUID the desktop keeps for this computer."""

    email: Email
    password: Password
    device_id: UUID
    device_name: str = Field(default="", max_length=100)


class ResendRequest(Strict):
    """An address not confirmed yet and its password: send the confirmation email again."""

    email: Email
    password: Password


class RefreshRequest(Strict):
    """The current refresh token, to trade for a new pair."""

    refresh_token: Token


class PasswordChangeRequest(Strict):
    """The current password (proof) and the new one."""

    current_password: Password
    new_password: NewPassword


class PasswordConfirmation(Strict):
    """The password again, for something that cannot be undone."""

    password: Password


class TokenPair(BaseModel):
    """A short-lived access token and the refresh token that renews it (once)."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int


DEVICE_NAME_MAX = 100  # the devices table's name column


def _device_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("a computer's name cannot be empty")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("a computer's name cannot hold control characters")
    return value


class DeviceRename(Strict):
    """A new name for the calling computer, as the seller's other computers show it ("scheduled on Shop PC")."""

    name: Annotated[str, Field(max_length=DEVICE_NAME_MAX), AfterValidator(_device_name)]


class DeviceOut(BaseModel):
    """One of the account's computers."""

    id: str
    name: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class AccountOut(BaseModel):
    """The account as the seller sees it in the desktop's settings."""

    email: str
    created_at: datetime
    storage_bytes: int
    devices: list[DeviceOut]
    email_confirmed: bool = True  # False: the emailed link was not opened yet, and this service asks for it


# Bounds of the database columns (PostgreSQL integer and bigint): anything larger is refused as invalid (422).
MAX_VERSION = 2**31 - 1
MAX_SEQ = 2**63 - 1
Epoch = Annotated[str, Field(max_length=32, pattern=r"^[0-9a-f]*$")]


class PositionIn(Strict):
    """Where the device stands in the account's log (what its last pull answered): refused with 409
    ``service_restored`` when the server no longer holds what the device has seen."""

    cursor: int = Field(ge=0, le=MAX_SEQ)
    cursor_change: UUID | None = None
    epoch: Epoch | None = None


class ChangeIn(Strict):
    """One edit a device made to one record, based on the version it last saw (0: the record is new)."""

    change_id: UUID
    kind: Kind
    id: UUID
    base_version: int = Field(ge=0, le=MAX_VERSION)
    deleted: bool = False
    data: RecordData = Field(default_factory=dict)
    updated_at: AwareDatetime


class PushRequest(Strict):
    """A batch of one device's changes, applied in order."""

    changes: list[ChangeIn] = Field(min_length=1)
    since: PositionIn | None = None


class RecordOut(BaseModel):
    """A record version as stored; ``seq`` orders the account's changes."""

    kind: str
    id: str
    version: int
    deleted: bool
    data: dict[str, Any]
    updated_at: datetime
    seq: int


class ConflictOut(BaseModel):
    """The losing side of a concurrent edit, next to the record as it now stands."""

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
    current: RecordOut | None


class PushResult(BaseModel):
    """What became of one pushed change."""

    change_id: str
    kind: str
    id: str
    status: Literal["applied", "unchanged", "conflict"]
    version: int
    seq: int | None
    conflict: ConflictOut | None = None


class PushResponse(BaseModel):
    """One result per pushed change, in the order sent."""

    results: list[PushResult]


class PullResponse(BaseModel):
    """A page of other devices' changes, and the cursor to continue from (with the change id at it and the
    account's epoch, both to be sent back with the cursor)."""

    changes: list[RecordOut]
    cursor: int
    has_more: bool
    open_conflicts: int
    cursor_change: str | None
    epoch: str
    conflicts_etag: str  # the ETag of GET /v1/sync/conflicts now: list the conflicts again only when it changed


class ConflictList(BaseModel):
    """A page of the account's unresolved conflicts; ``next`` continues the list (None: that was all).

    With ``changed`` true it holds only what changed since the list tagged ``since``: open conflicts that are new
    or show something new, and in ``gone`` the ids of those settled since."""

    conflicts: list[ConflictOut]
    next: str | None = None
    changed: bool = False
    gone: list[str] = Field(default_factory=list)


class ResolveRequest(Strict):
    """Which side wins: the record as it stands, the conflict's content, or a merge the seller made."""

    choice: Literal["current", "conflict", "merged"]
    base_version: int = Field(ge=0, le=MAX_VERSION)
    data: RecordData | None = None
    deleted: bool = False


class ResolveResponse(BaseModel):
    """The record after the resolution (None if the seller kept a record the server never had)."""

    conflict_id: str
    record: RecordOut | None


class BlobOut(BaseModel):
    """A backed-up photo."""

    sha256: str
    size: int
    content_type: str
    created_at: datetime


class MediaOut(BaseModel):
    """A public image; ``url`` is only filled in the upload answer."""

    id: str
    url: str
    sha256: str
    size: int
    content_type: str
    created_at: datetime
    expires_at: datetime


class MediaList(BaseModel):
    """The account's public images."""

    media: list[MediaOut]


class OAuthStartRequest(Strict):
    """Where the desktop's loopback listener waits, and the state it will check."""

    redirect_uri: str = Field(max_length=2000)
    state: UrlSafe
    scopes: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_:.]{1,80}$")]] | None = Field(default=None, max_length=30)


class OAuthStartResponse(BaseModel):
    """The provider's consent page to open in the seller's browser."""

    authorize_url: str
    expires_at: datetime


class RedeemRequest(Strict):
    """The one-time code the loopback listener received."""

    code: Token


class ExchangeRequest(Strict):
    """A short-lived provider token to make long-lived."""

    access_token: Token


class ProviderRefreshRequest(Strict):
    """A provider refresh token."""

    refresh_token: Token


class ProviderTokensOut(BaseModel):
    """Provider tokens for the desktop to keep in the OS keychain."""

    provider: str
    access_token: str
    token_type: str
    expires_in: int | None
    refresh_token: str | None
    refresh_token_expires_in: int | None
    scope: str | None
    user_id: str | None
