"""Secrets handling: password hashes, signed access tokens, random tokens kept only as hashes, sealed payloads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server.config import PasswordCost

_ACCESS_PREFIX = "sda1."


def sha256_hex(value: str | bytes) -> str:
    """The hex SHA-256 of ``value``: how tokens, codes and states are stored (never the values themselves)."""
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()


def random_token(prefix: str) -> str:
    """A new unguessable token (256 random bits), prefixed so a leaked one can be recognised for what it is."""
    return prefix + secrets.token_urlsafe(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(secret: str, purpose: str) -> bytes:
    # One configured secret, a separate key per use: a flaw in one use cannot forge another.
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


class Passwords:
    """Argon2id hashing, with a cap on simultaneous hashes so a burst of logins cannot exhaust memory."""

    def __init__(self, cost: PasswordCost) -> None:
        self._hasher = Argon2Hasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib,
                                    parallelism=cost.parallelism)
        self._slots = threading.BoundedSemaphore(cost.concurrent_hashes)
        # Compared against when the email is unknown, so the answer takes as long as for a real account.
        self._decoy = self.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """The encoded Argon2id hash of ``password`` (salt and parameters included)."""
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, encoded: str | None, password: str) -> bool:
        """Whether ``password`` matches ``encoded``; ``None`` (no such account) costs the same and is False."""
        with self._slots:
            try:
                return self._hasher.verify(encoded or self._decoy, password) and encoded is not None
            except (VerificationError, InvalidHashError):
                return False

    def needs_rehash(self, encoded: str) -> bool:
        """Whether ``encoded`` was made with other parameters than today's (upgraded at the next login)."""
        return self._hasher.check_needs_rehash(encoded)


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says: whose it is, from which sign-in, until when."""

    account_id: int
    session_id: str
    device_id: int
    expires_at: float


class AccessTokens:
    """Short-lived bearer tokens signed with HMAC-SHA256; the session they name is still checked in the database."""

    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = _derive(secret, "access-token-v1")
        self.ttl_seconds = ttl_seconds

    def issue(self, account_id: int, session_id: str, device_id: int, now: float | None = None) -> str:
        """A token for this session, valid for ``ttl_seconds``."""
        expires = int((time.time() if now is None else now) + self.ttl_seconds)
        body = _b64(json.dumps({"a": account_id, "s": session_id, "d": device_id, "e": expires},
                               separators=(",", ":")).encode())
        return _ACCESS_PREFIX + body + "." + _b64(self._sign(body))

    def verify(self, token: str, now: float | None = None) -> AccessClaims | None:
        """The claims of a genuine, unexpired token; None for anything else."""
        if not token.startswith(_ACCESS_PREFIX):
            return None
        body, _, signature = token[len(_ACCESS_PREFIX):].partition(".")
        try:
            if not hmac.compare_digest(_unb64(signature), self._sign(body)):
                return None
            payload = json.loads(_unb64(body))
            claims = AccessClaims(int(payload["a"]), str(payload["s"]), int(payload["d"]), float(payload["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return claims if claims.expires_at > (time.time() if now is None else now) else None

    def _sign(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()


class RefreshTokens:
    """Refresh tokens: the first of a sign-in is random; each next one is derived from the one it replaces (an
    HMAC under the service's secret), so a retried refresh whose answer was lost can be given the same new token
    again without any token being stored in clear."""

    prefix = "sdr_"

    def __init__(self, secret: str) -> None:
        self._key = _derive(secret, "refresh-successor-v1")

    def first(self) -> str:
        """A new sign-in's first refresh token."""
        return random_token(self.prefix)

    def successor(self, token: str) -> str:
        """The token that replaces ``token`` (the same every time it is asked for)."""
        return self.prefix + _b64(hmac.new(self._key, token.encode(), hashlib.sha256).digest())


class Sealer:
    """AES-GCM for values that must rest in the database briefly (provider tokens awaiting the desktop)."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(_derive(secret, "sealed-payload-v1"))

    def seal(self, payload: dict[str, Any], context: str) -> str:
        """``payload`` encrypted and bound to ``context`` (so a sealed value cannot be replayed elsewhere)."""
        nonce = os.urandom(12)
        return _b64(nonce + self._aead.encrypt(nonce, json.dumps(payload).encode(), context.encode()))

    def open(self, sealed: str, context: str) -> dict[str, Any]:
        """The payload of a value sealed with the same ``context``; raises ValueError if it was tampered with."""
        raw = _unb64(sealed)
        try:
            plain = self._aead.decrypt(raw[:12], raw[12:], context.encode())
        except Exception as exc:  # cryptography raises InvalidTag; callers only need "not ours"
            raise ValueError("sealed value does not open") from exc
        result: dict[str, Any] = json.loads(plain)
        return result
