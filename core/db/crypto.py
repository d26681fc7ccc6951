"""Encryption at rest for sensitive columns (buyer details, platform account ids): AES-256-GCM, key in the keychain.

The database file alone reveals none of these values. The key is made on first use and kept in the OS keychain
(or SellerDesk's encrypted secrets file) under ``sellerdesk:db_key``; it is read once per process.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from core.errors import StorageError

PREFIX = "enc1:"
KEY_NAME = "sellerdesk:db_key"
_AAD = b"sellerdesk-column"
_KEY_ATTR = "_sellerdesk_column_key"


class _LazyKey:
    """Fetches the key on first use, once; never while a database transaction waits on it."""

    def __init__(self, provider: Callable[[], bytes]) -> None:
        self._provider = provider
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def get(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._provider()
            return self._key


def attach_key(engine: Engine, provider: Callable[[], bytes]) -> None:
    """Give ``engine``'s encrypted columns their key source (called when the database is opened)."""
    setattr(engine.dialect, _KEY_ATTR, _LazyKey(provider))


def _key(dialect: Dialect) -> bytes:
    holder: _LazyKey | None = getattr(dialect, _KEY_ATTR, None)
    if holder is None:
        raise StorageError("Encrypted columns were used before the database key was set up.")
    return holder.get()


class EncryptedText(TypeDecorator[str]):
    """Text stored as ``enc1:`` + base64(nonce ‖ AES-GCM ciphertext). Legacy plaintext rows still read back."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or value == "":
            return value  # emptiness is not a secret, and keeps "not connected" rows readable
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # (19 modules: the first value sealed)

        nonce = os.urandom(12)
        sealed = AESGCM(_key(dialect)).encrypt(nonce, value.encode("utf-8"), _AAD)
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not str(value).startswith(PREFIX):
            return value  # type: ignore[no-any-return]
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.b64decode(str(value)[len(PREFIX):])
        try:
            return AESGCM(_key(dialect)).decrypt(raw[:12], raw[12:], _AAD).decode("utf-8")
        except InvalidTag:
            raise StorageError(
                "Some protected details (buyer names, account ids) cannot be decrypted with this computer's key.",
                hint="The database comes from another computer or the keychain entry 'sellerdesk:db_key' was "
                "removed; restore the keychain, or import the data through the sync service instead.",
            ) from None


def new_key() -> str:
    """A fresh 256-bit key, base64 (how it is kept in the keychain)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")
