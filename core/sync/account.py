"""The seller's account on the sync service for one data dir: sign in, register, sign out, and a client to sync with.

The refresh token lives only in the keychain (``sync:refresh_token``, the name core.platforms.broker reads too);
the access token only in this object's memory. The service rotates the refresh token on every renewal and ends
the session if an old one is used again, and the broker may renew it meanwhile, so the keychain is read again
whenever the access token in memory is about to run out.

The service signs nobody in to an address not confirmed yet (else registering and signing in would tell which
addresses have accounts). Until the seller opens the emailed link, the password waits in the keychain
(``sync:pending_password``, never on disk in clear) so that the next round signs in by itself; it is forgotten
once that sign-in succeeds, or at sign-out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from core.errors import ValidationError
from core.i18n import _
from core.preferences.layout import where
from core.sync import state
from core.sync.errors import SIGN_IN_HINT, SyncError, translated
from core.sync.outbox import forget_service_state, seed
from server.client_models import SyncPosition

if TYPE_CHECKING:
    import httpx

    from core.app import App
    from core.secrets.store import SecretStore
    from server.client import SyncServiceClient
    from server.client_models import Tokens

SESSION_REFRESH = "sync:refresh_token"
PENDING_PASSWORD = "sync:pending_password"  # noqa: S105 -- a keychain entry name, kept until confirmation
# What the broker may have stored beside it; forgotten at sign-out so nothing of the session lingers.
_BROKER_NAMES = ("sync:access_token", "sync:access_expires_at")
_RENEW_MARGIN_SECONDS = 60
_TIMEOUT_SECONDS = 30.0


class SyncAccount:
    """Sign-in state and service clients for ``app``'s data dir (safe to use from one worker thread at a time)."""

    def __init__(self, app: App, *, secrets: SecretStore | None = None, http: httpx.Client | None = None) -> None:
        self.app = app
        self._secrets = secrets
        self._http = http  # tests hand in a client whose network can be switched off
        self._tokens: Tokens | None = None
        self._lock = threading.Lock()

    @property
    def secrets(self) -> SecretStore:
        """Where the refresh token is kept."""
        return self._secrets if self._secrets is not None else self.app.secrets

    @property
    def server_url(self) -> str:
        """The service's address (``sync.server_url``), empty when none is set."""
        return str(self.app.settings.get("sync.server_url") or "").strip().rstrip("/")

    @property
    def email(self) -> str | None:
        """The account this data dir is signed in to, or None."""
        with self.app.db.session() as session:
            return state.read(session, state.EMAIL) or None

    def sign_in(self, email: str, password: str, *, create: bool = False, server_url: str | None = None) -> str:
        """Sign this computer in (``create``: register the account first); returns the normalised email.

        Signing in to another account than the one this data dir synced with before compares every record afresh
        with the new account; the same account carries on where it stopped.
        """
        from server.client import SyncServiceClient

        email = email.strip().lower()
        url = self._service_url(server_url)
        if not email or not password:
            raise ValidationError(_("Enter your email and password."), field="email")
        device, name = state.identity(self.app.db)  # the name as the seller set it (or the host's)
        unconfirmed: SyncError | None = None
        try:
            with SyncServiceClient(url, on_tokens=self._store, http=self._http, timeout=_TIMEOUT_SECONDS) as client, \
                    translated("creating the account" if create else "signing in"):
                if create:
                    client.register(email, password, device, name)
                else:
                    client.login(email, password, device, name)
        except SyncError as exc:
            if exc.problem != "unconfirmed":
                raise
            unconfirmed = exc
        self._bind(email)
        if unconfirmed is None:
            self.secrets.delete_many([PENDING_PASSWORD])
            return email
        self._store(None)  # a session of another account (or an older one) must not be used meanwhile
        self.secrets.set(PENDING_PASSWORD, password)
        with self.app.db.session() as session:
            state.write(session, state.PROBLEM, "unconfirmed")
            state.write(session, state.PROBLEM_TEXT, unconfirmed.message)
        return email

    def _bind(self, email: str) -> None:
        from sqlalchemy import delete

        from core.db.models import SyncConflict
        from core.db.types import utcnow

        with self.app.db.session() as session:
            if state.read(session, state.ACCOUNT) != email:
                conn = session.connection()
                forget_service_state(conn)
                session.execute(delete(SyncConflict).where(SyncConflict.local_only.is_(False)))
                state.write(session, state.CONFLICTS_ETAG, None)
                state.store_position(session, SyncPosition())
                state.write(session, state.ACCOUNT, email)
            seed(session.connection(), utcnow())
            state.write(session, state.EMAIL, email)
            state.write(session, state.PROBLEM, None)
            state.write(session, state.PROBLEM_TEXT, None)

    def resend_verification(self) -> str:
        """Ask the service to email the confirmation link again; its sentence about it."""
        from server.client import SyncServiceClient

        password, email = self.secrets.get(PENDING_PASSWORD), self.email
        if password and email and not self.secrets.get(SESSION_REFRESH):
            with SyncServiceClient(self._service_url(None), http=self._http, timeout=_TIMEOUT_SECONDS) as client, \
                    translated("asking for the confirmation email"):
                return client.resend_confirmation(email, password)
        with self.client() as client, translated("asking for the confirmation email"):
            return client.resend_verification()

    def request_password_reset(self, email: str, server_url: str | None = None) -> str:
        """Have a reset code emailed to ``email`` (the service answers the same whether or not it has an account)."""
        from server.client import SyncServiceClient

        with SyncServiceClient(self._service_url(server_url), http=self._http, timeout=_TIMEOUT_SECONDS) as client, \
                translated("asking for a password reset"):
            return client.request_password_reset(email.strip().lower())

    def reset_password(self, code: str, new_password: str, server_url: str | None = None) -> None:
        """Set a new password with the emailed code; every computer of the account is signed out (sign in again)."""
        from server.client import SyncServiceClient

        if not code.strip() or not new_password:
            raise ValidationError(_("Enter the code from the email and a new password."), field="code")
        with SyncServiceClient(self._service_url(server_url), http=self._http, timeout=_TIMEOUT_SECONDS) as client, \
                translated("setting the new password"):
            client.reset_password(code.strip(), new_password)
        if self.email is not None:
            self.mark_signed_out(_("The password was reset; sign in with the new one."))

    def _service_url(self, server_url: str | None) -> str:
        if server_url:
            self.app.settings.set("sync.server_url", server_url.strip().rstrip("/"))
        url = self.server_url
        if not url:
            raise ValidationError(_("No sync service address is set."), field="sync.server_url",
                                  hint=_("Enter it in the sign-in window.") + " " + where("sync.server_url", "URL"))
        return url

    def sign_out(self) -> None:
        """End the session on the service if it can be reached, and forget the tokens here in any case.

        Local data, the outbox, and this account's versions and cursor stay: signing in again carries on.
        """
        from server.client_models import ServiceError

        if self.email is None:
            return
        try:
            with self.client() as client:
                client.logout()
        except (SyncError, ServiceError):
            pass  # offline or already ended: the token is forgotten below, which is what signing out means here
        self._store(None)
        self.secrets.delete_many([PENDING_PASSWORD])
        with self.app.db.session() as session:
            state.write(session, state.EMAIL, None)
            state.write(session, state.PROBLEM, None)
            state.write(session, state.PROBLEM_TEXT, None)

    @contextmanager
    def client(self) -> Iterator[SyncServiceClient]:
        """A client on the signed-in session; SyncError (signed_out) when there is none."""
        from server.client import SyncServiceClient

        url, email = self.server_url, self.email
        if not url or email is None:
            raise SyncError(_("This computer is not signed in to the sync service."), "signed_out",
                            hint=_(SIGN_IN_HINT))
        self._sign_in_confirmed(url, email)
        with SyncServiceClient(url, tokens=self._current_tokens(), on_tokens=self._store, http=self._http,
                               timeout=_TIMEOUT_SECONDS) as client:
            yield client

    def _sign_in_confirmed(self, url: str, email: str) -> None:
        """Signed in with an address not confirmed then: sign in now with the waiting password (SyncError
        unconfirmed while it still is not confirmed; signed out if the password no longer works)."""
        from server.client import SyncServiceClient

        password = self.secrets.get(PENDING_PASSWORD)
        if not password or self.secrets.get(SESSION_REFRESH):
            return
        try:
            with SyncServiceClient(url, on_tokens=self._store, http=self._http, timeout=_TIMEOUT_SECONDS) as client, \
                    translated("signing in"):
                client.login(email, password, *state.identity(self.app.db))
        except SyncError as exc:
            if exc.problem != "refused":
                raise
            self.secrets.delete_many([PENDING_PASSWORD])  # changed by a reset meanwhile: the seller signs in again
            self.mark_signed_out(exc.message)
            raise SyncError(exc.message, "signed_out", hint=_(SIGN_IN_HINT)) from exc
        self.secrets.delete_many([PENDING_PASSWORD])

    def _current_tokens(self) -> Tokens:
        from server.client_models import Tokens

        with self._lock:
            held = self._tokens
            if held is not None and held.expires_at - _RENEW_MARGIN_SECONDS > time.time():
                return held
        refresh = self.secrets.get(SESSION_REFRESH)
        if not refresh:
            self.mark_signed_out()
            raise SyncError(_("The sync session is no longer in the keychain."), "signed_out", hint=_(SIGN_IN_HINT))
        with self._lock:
            if held is not None and held.refresh_token == refresh:
                return held  # ours is still the newest: the client renews it itself
            return Tokens("", refresh, 0.0)  # renewed elsewhere (or a new process): renew with the newest

    def _store(self, tokens: Tokens | None) -> None:
        with self._lock:
            self._tokens = tokens
        if tokens is None:
            self.secrets.delete_many([SESSION_REFRESH, *_BROKER_NAMES])
        else:
            self.secrets.set(SESSION_REFRESH, tokens.refresh_token)

    def mark_signed_out(self, reason: str | None = None) -> None:
        """Record that the session is over (the service refused it, or the keychain lost it)."""
        with self.app.db.session() as session:
            state.write(session, state.EMAIL, None)
            state.write(session, state.PROBLEM, "signed_out")
            state.write(session, state.PROBLEM_TEXT, reason or _("The sync session has ended."))
