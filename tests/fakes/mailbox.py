"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, so tests read the service's emails
the way a seller would: ``confirm(http, email)`` opens the link in the newest confirmation email."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import suppress
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any
from uuid import UUID, uuid4

import httpx
from aiosmtpd.controller import Controller

from server.client import SyncServiceClient
from server.client_models import Tokens
from server.config import MailConfig

SENDER = "SellerDesk <no-reply@sync.test>"
_LINK = re.compile(r"https?://\S+/v1/auth/verify\?token=\S+")
_CODE = re.compile(r"\bsdp_[A-Za-z0-9_-]+\.[0-9a-f]+")


class _Keeper:
    def __init__(self, box: Mailbox) -> None:
        self._box = box

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        with self._box.lock:
            self._box.messages.append(message)
        return "250 OK"


class Mailbox:
    """The SMTP stand-in and everything it received, oldest first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=port)
        self.port = port
        self._running = False

    def start(self) -> Mailbox:
        """Listen (again after ``stop``; what was received is kept)."""
        if not self._running:
            self._controller.start()
            self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def config(self) -> MailConfig:
        """How the service reaches this server (plain SMTP: it listens on loopback only)."""
        return MailConfig(host="127.0.0.1", port=self.port, sender=SENDER, security="none", timeout_seconds=5)

    def to(self, address: str) -> list[EmailMessage]:
        """Messages to ``address``, oldest first."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def count(self, address: str, subject_has: str) -> int:
        """How many messages to ``address`` have ``subject_has`` in their subject so far."""
        return sum(1 for m in self.to(address) if subject_has in str(m["Subject"]))

    def wait_for(self, address: str, subject_has: str, after: int = 0, timeout: float = 5.0) -> EmailMessage:
        """The first message to ``address`` whose subject contains ``subject_has``, beyond the first ``after``
        such messages (emails go out just after the answer, so wait a moment)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.to(address) if subject_has in str(m["Subject"])]
            if len(found) > after:
                return found[after]
            if time.monotonic() > deadline:
                raise AssertionError(f"no email {subject_has!r} to {address}; have "
                                     f"{[str(m['Subject']) for m in self.to(address)]}")
            time.sleep(0.02)


def body_of(message: EmailMessage) -> str:
    """The plain-text body."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def confirm_link(box: Mailbox, address: str, after: int = 0) -> str:
    """The link in a confirmation email to ``address``."""
    found = _LINK.search(body_of(box.wait_for(address, CONFIRM_SUBJECT, after)))
    assert found is not None, "confirmation email without a link"
    return found.group(0)


def reset_code(box: Mailbox, address: str, after: int = 0) -> str:
    """The code in a password reset email to ``address``."""
    found = _CODE.search(body_of(box.wait_for(address, "Reset your", after)))
    assert found is not None, "reset email without a code"
    return found.group(0)


CONFIRM_SUBJECT = "Confirm your email"


def confirm(http: httpx.Client, box: Mailbox, address: str, after: int = 0) -> None:
    """Open the ``after``-th confirmation link sent to ``address`` the way a browser would (``http`` reaches the
    service)."""
    link = confirm_link(box, address, after)
    response = http.get(link)
    assert response.status_code == 200, response.text


def sign_up(client: SyncServiceClient, http: httpx.Client, box: Mailbox, email: str, password: str,
            device: UUID | str | None = None, name: str = "") -> Tokens:
    """Register ``email`` with ``client``, open the emailed confirmation link (through ``http``, which reaches
    the service), and return the device's tokens: an account that may sync."""
    from server.client_models import EmailUnverified

    sent = box.count(email, CONFIRM_SUBJECT)
    device = device or uuid4()
    with suppress(EmailUnverified):  # nobody is signed in to an address before it is confirmed
        client.register(email, password, device, name)
    confirm(http, box, email, after=sent)
    return client.login(email, password, device, name)


def register_confirmed(http: httpx.Client, box: Mailbox, email: str, password: str) -> None:
    """Sign ``email`` up over raw HTTP and open the confirmation link it is sent: it may sign in from then on."""
    sent = box.count(email.strip().lower(), CONFIRM_SUBJECT)
    answer = http.post("/v1/auth/register", json={"email": email, "password": password})
    assert answer.status_code == 202, answer.text
    confirm(http, box, email.strip().lower(), after=sent)
