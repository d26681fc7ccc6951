"""Account emails over SMTP: confirm an address, someone tried to register it, reset a password.

Sent after the answer has gone out (FastAPI background tasks), so a slow mail server never slows sign-up, and
registering a taken address takes as long as registering a new one. A failure is logged, never shown to the
caller: the seller asks for the email again (resend, or reset once more).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from server.config import MailConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """One email to one address."""

    to: str
    subject: str
    body: str


class Mailer:
    """Sends letters through the configured SMTP server (a new connection each time: emails are rare)."""

    def __init__(self, config: MailConfig | None) -> None:
        self._config = config

    @property
    def configured(self) -> bool:
        """Whether this service can send email at all."""
        return self._config is not None

    def send(self, letter: Letter) -> bool:
        """Deliver ``letter``; False (and a log line without the address) if the mail server refused it."""
        config = self._config
        if config is None:
            return False
        message = EmailMessage()
        message["From"] = config.sender
        message["To"] = letter.to
        message["Subject"] = letter.subject
        message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2].strip("> "))
        message.set_content(letter.body)
        try:
            if config.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout_seconds,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
            with smtp:
                if config.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if config.username:
                    smtp.login(config.username, config.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("account email %r not sent: %s: %s", letter.subject, type(exc).__name__, exc)
            return False
        return True


def verification_letter(to: str, link: str, hours: int) -> Letter:
    """Confirm the address of a new account."""
    return Letter(to, "Confirm your email address for SellerDesk sync", (
        "Someone (we hope you) created a SellerDesk sync account with this address.\n\n"
        f"To confirm it, open this link within {hours} hours:\n\n{link}\n\n"
        "Until then your computers cannot sync. If this was not you, ignore this email: "
        "the account stays unconfirmed.\n"))


def attempted_registration_letter(to: str, reset_hint: str) -> Letter:
    """Tell an account's owner that someone tried to register their address again."""
    return Letter(to, "Someone tried to register your email with SellerDesk sync", (
        "Someone just tried to create a SellerDesk sync account with this address, which already has one.\n\n"
        "If it was you, sign in with your existing password instead. "
        f"{reset_hint}\n\n"
        "If it was not you, nothing has changed: no account was created and your password still works.\n"))


def reset_letter(to: str, code: str, minutes: int) -> Letter:
    """A single-use code to set a new password."""
    return Letter(to, "Reset your SellerDesk sync password", (
        "Someone (we hope you) asked to reset the password of the SellerDesk sync account with this address.\n\n"
        f"Your reset code, valid for {minutes} minutes and only once:\n\n{code}\n\n"
        "Paste it into SellerDesk (Sync > Sign in > Forgot password) or run\n"
        "  sellerdesk sync reset-password --code CODE\n\n"
        "Setting a new password signs every computer out. If this was not you, ignore this email: your "
        "password has not changed.\n"))
