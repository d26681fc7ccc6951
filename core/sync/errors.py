"""Sync errors in the seller's words, and the translation from the service client's errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from core.errors import SellerDeskError
from core.i18n import format_duration
from server.client_models import (
    EmailUnverified,
    NotSignedIn,
    RateLimited,
    ServiceError,
    ServiceUnavailable,
    TooLarge,
    WrongCredentials,
)

Problem = Literal["offline", "signed_out", "rate_limited", "storage_full", "unconfirmed", "refused"]
SIGN_IN_HINT = "Sign in again: Account → Sign in…, or: sellerdesk sync signin --email YOU@EXAMPLE.COM"
RESEND_HINT = ("Open the link in that email (check spam too). No email? Resend it: Account → Sign in… → Resend email, "
               "or: sellerdesk sync resend")
RESET_HINT = ("Check both. Forgot the password? Account → Sign in… → Forgot password, or: "
              "sellerdesk sync reset-password --email YOU@EXAMPLE.COM")


class SyncError(SellerDeskError):
    """Syncing stopped short; ``problem`` says why in one word (the status bar shows it), the message in full."""

    def __init__(self, message: str, problem: Problem, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problem: Problem = problem


@contextmanager
def translated(doing: str) -> Iterator[None]:
    """Turn the client's ServiceErrors raised while ``doing`` (e.g. "syncing") into SyncErrors."""
    try:
        yield
    except ServiceUnavailable as exc:
        raise SyncError(f"The sync service could not be reached while {doing} (no network, or the service is down).",
                        "offline", hint="Your changes wait on this computer and go at the next sync.") from exc
    except WrongCredentials as exc:
        raise SyncError("The email or password is wrong.", "refused",
                        hint=RESET_HINT) from exc
    except EmailUnverified as exc:
        raise SyncError(exc.message, "unconfirmed", hint=RESEND_HINT) from exc
    except NotSignedIn as exc:
        raise SyncError(f"The sync session has ended ({exc.message})", "signed_out", hint=SIGN_IN_HINT) from exc
    except RateLimited as exc:
        raise SyncError(f"The sync service is busy with this account's requests and asks to wait "
                        f"{format_duration(exc.retry_after)} before {doing} again.", "rate_limited",
                        hint="Nothing is lost: your changes wait here and sync carries on by itself.") from exc
    except TooLarge as exc:
        if exc.code != "quota_exceeded":
            raise SyncError(f"The sync service refused {doing}: {exc.message}", "refused") from exc
        raise SyncError(f"Your sync storage on the service is full: {exc.message}", "storage_full",
                        hint="Your changes wait on this computer. Empty the bin, delete photos or products you no "
                             "longer need, or resolve old conflicts; deletions still sync.") from exc
    except ServiceError as exc:
        raise SyncError(f"The sync service refused {doing}: {exc.message}", "refused") from exc
