"""An encrypted secrets file, for machines without an OS keychain (e.g. headless Linux).

AES-256-GCM with a key derived from a passphrase by scrypt. The whole set of secrets is one ciphertext written
atomically, so a crash leaves either the old file or the new one, never a mix (a new access token with a dead
refresh token).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import SellerDeskError, StorageError
from core.fileio import atomic_write_bytes

FORMAT = "sellerdesk-secrets"
VERSION = 1
_AAD = b"SellerDesk secrets v1"
# scrypt cost: 2**15 x 8 = 32 MiB and ~0.1 s per unlock, the interactive setting scrypt's author recommends.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1


class SecretsLocked(SellerDeskError):
    """The encrypted secrets file cannot be opened: no passphrase given, or the wrong one."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    return base64.b64decode(str(text), validate=True)


class EncryptedVault:
    """All secrets in one encrypted file; ``passphrase()`` is asked only when the file is first opened."""

    def __init__(self, path: Path, passphrase: Callable[[], str | None]) -> None:
        self.path = path
        self._passphrase = passphrase
        self._key: bytes | None = None
        self._kdf: tuple[bytes, int, int, int] | None = None
        self._lock = threading.Lock()

    def _derive(self, salt: bytes, n: int, r: int, p: int) -> bytes:
        if self._key is not None and self._kdf == (salt, n, r, p):
            return self._key
        phrase = self._passphrase()
        if not phrase:
            raise SecretsLocked(
                "There is no OS keychain here, and no passphrase was given for SellerDesk's encrypted secrets file.",
                hint="Set SELLERDESK_SECRETS_PASSPHRASE, or enter the passphrase when SellerDesk asks for it.",
            )
        key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(phrase.encode("utf-8"))
        self._key, self._kdf = key, (salt, n, r, p)
        return key

    def read_all(self) -> dict[str, str]:
        """Every stored secret (an empty dict when there is no file yet)."""
        with self._lock:
            return self._read()

    def update(self, set_values: Mapping[str, str], delete: Iterable[str] = ()) -> None:
        """Set and delete secrets in one atomic rewrite of the file."""
        with self._lock:
            values = self._read()
            values.update(set_values)
            for name in delete:
                values.pop(name, None)
            self._write(values)

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT or doc.get("version") != VERSION:
                raise ValueError("unknown format")
            kdf = doc["kdf"]
            key = self._derive(_unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
            nonce, data = _unb64(doc["nonce"]), _unb64(doc["data"])
        except SecretsLocked:
            raise
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise StorageError(
                f"The secrets file {self.path} is damaged ({exc}).",
                hint="Move it away and reconnect your platforms; the secrets in it cannot be recovered.",
            ) from exc
        try:
            plain = AESGCM(key).decrypt(nonce, data, _AAD)
        except InvalidTag:
            self._key = None  # let the next attempt ask again
            raise SecretsLocked(
                f"The passphrase does not open the secrets file {self.path}.",
                hint="Check SELLERDESK_SECRETS_PASSPHRASE (or the passphrase you typed) and try again.",
            ) from None
        values = json.loads(plain.decode("utf-8"))
        return {str(k): str(v) for k, v in values.items()}

    def _write(self, values: dict[str, str]) -> None:
        salt, n, r, p = self._kdf or (os.urandom(16), _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
        key = self._derive(salt, n, r, p)
        nonce = os.urandom(12)  # never reused: a fresh random nonce for every write
        data = AESGCM(key).encrypt(nonce, json.dumps(values, sort_keys=True).encode("utf-8"), _AAD)
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "kdf": {"name": "scrypt", "salt": _b64(salt), "n": n, "r": r, "p": p},
            "cipher": "AES-256-GCM",
            "nonce": _b64(nonce),
            "data": _b64(data),
        }
        # atomic_write_bytes goes through mkstemp, so the file is created readable by its owner only.
        atomic_write_bytes(self.path, json.dumps(doc, indent=1).encode("utf-8"))
