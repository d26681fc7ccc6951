"""Sync errors in the seller's words, and the translation from the service client's errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from core.errors import SellerDeskError
from core.i18n import N_, _, format_duration
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
# The hints are translated where they are shown: the interface language is chosen after import.
SIGN_IN_HINT = N_("Sign in again: Account → Sign in…, or: sellerdesk sync signin --email YOU@EXAMPLE.COM")
RESEND_HINT = N_("Open the link in that email (check spam too). No email? Resend it: Account → Sign in… → Resend "
                 "email, or: sellerdesk sync resend")
RESET_HINT = N_("Check both. Forgot the password? Account → Sign in… → Forgot password, or: "
                "sellerdesk sync reset-password --email YOU@EXAMPLE.COM")
# What callers of translated() say they were doing, for the catalog: the sentence is made (and translated) here.
_DOING = (N_("creating the account"), N_("signing in"), N_("asking for the confirmation email"),
          N_("asking for a password reset"), N_("setting the new password"), N_("listing your computers"),
          N_("settling the conflict"), N_("syncing"))


class SyncError(SellerDeskError):
    """Syncing stopped short; ``problem`` says why in one word (the status bar shows it), the message in full."""

    def __init__(self, message: str, problem: Problem, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problem: Problem = problem


@contextmanager
def translated(doing: str) -> Iterator[None]:
    """Turn the client's ServiceErrors raised while ``doing`` (e.g. "syncing", one of ``_DOING``) into SyncErrors, in
    the interface language; what the service says itself (``exc.message``) is kept as it said it."""
    try:
        yield
    except ServiceUnavailable as exc:
        raise SyncError(_("The sync service could not be reached while {doing} (no network, or the service is "
                          "down).").format(doing=_(doing)),
                        "offline", hint=_("Your changes wait on this computer and go at the next sync.")) from exc
    except WrongCredentials as exc:
        raise SyncError(_("The email or password is wrong."), "refused", hint=_(RESET_HINT)) from exc
    except EmailUnverified as exc:
        raise SyncError(exc.message, "unconfirmed", hint=_(RESEND_HINT)) from exc
    except NotSignedIn as exc:
        raise SyncError(_("The sync session has ended ({reason})").format(reason=exc.message), "signed_out",
                        hint=_(SIGN_IN_HINT)) from exc
    except RateLimited as exc:
        raise SyncError(_("The sync service is busy with this account's requests and asks to wait {wait} before "
                          "{doing} again.").format(wait=format_duration(exc.retry_after), doing=_(doing)),
                        "rate_limited",
                        hint=_("Nothing is lost: your changes wait here and sync carries on by itself.")) from exc
    except TooLarge as exc:
        if exc.code != "quota_exceeded":
            raise _refused(doing, exc) from exc
        raise SyncError(_("Your sync storage on the service is full: {reason}").format(reason=exc.message),
                        "storage_full",
                        hint=_("Your changes wait on this computer. Empty the bin, delete photos or products you no "
                               "longer need, or resolve old conflicts; deletions still sync.")) from exc
    except ServiceError as exc:
        raise _refused(doing, exc) from exc


def _refused(doing: str, exc: ServiceError) -> SyncError:
    return SyncError(_("The sync service refused {doing}: {reason}").format(doing=_(doing), reason=exc.message),
                     "refused")
