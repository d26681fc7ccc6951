"""SecretStore: tokens, API keys and passwords, only ever in the OS keychain (or an encrypted file without one).

Names look like ``etsy:access_token`` or ``gemini:api_key`` (namespace, colon, key). Secrets set together with
``set_many`` (a token pair) are kept as one keychain entry, so they can only ever change together.
Every read and write can be recorded in the audit log by name, never by value.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from core.errors import SellerDeskError, ValidationError
from core.secrets.vault import EncryptedVault

if TYPE_CHECKING:
    from core.db.database import Database

log = logging.getLogger(__name__)

SERVICE = "SellerDesk"
PASSPHRASE_ENV = "SELLERDESK_SECRETS_PASSPHRASE"  # noqa: S105 (the variable's name, not a password)
VAULT_FILE = "secrets.enc"
_BUNDLE = "bundle"
_NAME = re.compile(r"^[a-z0-9_]+:[a-z0-9_]+$")


class SecretsUnavailable(SellerDeskError):
    """The OS keychain refused to store or give back a secret (locked, denied, broken)."""


def keychain_usable(backend: KeyringBackend) -> bool:
    """True if ``backend`` really keeps secrets (keyring's fail/null backends and an empty chain do not)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def _check_name(name: str) -> str:
    if not _NAME.match(name) or name.endswith(":" + _BUNDLE):
        raise ValidationError(f"{name!r} is not a secret name (like 'etsy:access_token').", field="name")
    return name.split(":", 1)[0]


class SecretStore:
    """Get, set and delete secrets for one data dir, in the keychain or (without one) an encrypted file."""

    def __init__(self, data_dir: Path, *, db: Database | None = None,
                 ask_passphrase: Callable[[], str | None] | None = None,
                 backend: KeyringBackend | None = None) -> None:
        self._db = db
        self._ask = ask_passphrase
        chosen = backend if backend is not None else keyring.get_keyring()
        self._keyring: KeyringBackend | None = chosen if keychain_usable(chosen) else None
        self._vault = None if self._keyring else EncryptedVault(data_dir / VAULT_FILE, self._passphrase)

    @property
    def backend(self) -> str:
        """Where secrets go: ``keychain`` or ``encrypted-file``."""
        return "keychain" if self._keyring is not None else "encrypted-file"

    def _passphrase(self) -> str | None:
        return os.environ.get(PASSPHRASE_ENV) or (self._ask() if self._ask is not None else None)

    def get(self, name: str) -> str | None:
        """The secret called ``name``, or None if it is not stored."""
        namespace = _check_name(name)
        if self._vault is not None:
            value = self._vault.read_all().get(name)
        else:
            value = self._bundle(namespace).get(name)
            if value is None:
                value = self._call(lambda kr: kr.get_password(SERVICE, name))
        self._audit("secret.read", [name], found=value is not None)
        return value

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name`` (replacing any earlier value)."""
        self.set_many({name: value})

    def set_many(self, values: Mapping[str, str]) -> None:
        """Store several secrets of one namespace so that they change together or not at all.

        In the keychain they become one entry; in the encrypted file, one atomic rewrite.
        """
        if not values:
            return
        namespaces = {_check_name(name) for name in values}
        if len(namespaces) != 1:
            raise ValidationError("Secrets stored together must share one namespace (like 'etsy:').", field="name")
        namespace = namespaces.pop()
        if self._vault is not None:
            self._vault.update(values)
        else:
            bundle = self._bundle(namespace)
            if len(values) == 1 and next(iter(values)) not in bundle:
                name, value = next(iter(values.items()))
                self._call(lambda kr: kr.set_password(SERVICE, name, value))
            else:
                bundle.update(values)
                self._write_bundle(namespace, bundle)
                # A value kept on its own from before would be shadowed by the bundle; remove it so it cannot linger.
                for name in values:
                    self._delete_single(name)
        self._audit("secret.write", list(values))

    def delete(self, name: str) -> None:
        """Forget ``name`` (nothing happens if it was not stored)."""
        self.delete_many([name])

    def delete_many(self, names: Iterable[str]) -> None:
        """Forget several secrets (e.g. everything of a platform being disconnected)."""
        names = list(names)
        for name in names:
            _check_name(name)
        if self._vault is not None:
            self._vault.update({}, delete=names)
        else:
            for namespace in {n.split(":", 1)[0] for n in names}:
                bundle = self._bundle(namespace)
                kept = {k: v for k, v in bundle.items() if k not in names}
                if kept != bundle:
                    if kept:
                        self._write_bundle(namespace, kept)
                    else:
                        self._delete_single(f"{namespace}:{_BUNDLE}")
            for name in names:
                self._delete_single(name)
        self._audit("secret.delete", names)

    def _bundle(self, namespace: str) -> dict[str, str]:
        raw = self._call(lambda kr: kr.get_password(SERVICE, f"{namespace}:{_BUNDLE}"))
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            log.warning("the keychain entry %s:%s is not readable; ignoring it", namespace, _BUNDLE)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_bundle(self, namespace: str, bundle: dict[str, str]) -> None:
        text = json.dumps(bundle)
        self._call(lambda kr: kr.set_password(SERVICE, f"{namespace}:{_BUNDLE}", text))

    def _delete_single(self, name: str) -> None:
        def delete(kr: KeyringBackend) -> None:
            with contextlib.suppress(PasswordDeleteError):  # not stored on its own: nothing to forget
                kr.delete_password(SERVICE, name)

        self._call(delete)

    def _call(self, action: Callable[[KeyringBackend], Any]) -> Any:
        assert self._keyring is not None
        try:
            return action(self._keyring)
        except KeyringError as exc:
            raise SecretsUnavailable(
                f"The system keychain refused SellerDesk's request ({type(exc).__name__}).",
                hint="Unlock the keychain (or allow SellerDesk access to it) and try again.",
            ) from exc

    def _audit(self, kind: str, names: list[str], *, found: bool | None = None) -> None:
        if self._db is None:
            return
        from core.db.models import AuditEvent

        detail: dict[str, Any] = {"backend": self.backend}
        if found is not None:
            detail["found"] = found
        with self._db.session() as session:
            session.add_all(AuditEvent(kind=kind, subject=name, detail=detail) for name in names)
