"""SecretStore: tokens, API keys and passwords, only ever in the OS keychain (or an encrypted file without one).

Names look like ``etsy:access_token`` or ``gemini:api_key`` (namespace, colon, key). Secrets set together with
``set_many`` (a token pair) are kept as one keychain entry, so they can only ever change together.
Every read and write can be recorded in the audit log by name, never by value.

Keychain entries belong to one data folder: their service is "SellerDesk <folder id>", the id kept in the folder's
``folder-id`` file, so two shops on one computer never share a token, and the entries go wherever the folder goes
(into the trash with "delete all", back with "restore all"). An index entry lists them, because keychains cannot
be asked what they hold; that is how they are removed for good. Entries from before (service "SellerDesk") are
moved under the folder that first asks for them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from core.errors import SellerDeskError, ValidationError
from core.fileio import atomic_write_text
from core.i18n import _
from core.secrets.vault import EncryptedVault

if TYPE_CHECKING:
    from core.db.database import Database

log = logging.getLogger(__name__)

SERVICE = "SellerDesk"  # the service of entries from before they were kept per data folder
FOLDER_ID_FILE = "folder-id"
_INDEX = "_index"
_NO_LEGACY = "no-legacy"
PASSPHRASE_ENV = "SELLERDESK_SECRETS_PASSPHRASE"  # noqa: S105 (the variable's name, not a password)
VAULT_FILE = "secrets.enc"
_BUNDLE = "bundle"
_NAME = re.compile(r"^[a-z0-9_]+:[a-z0-9_]+$")


class SecretsUnavailable(SellerDeskError):
    """The OS keychain refused to store or give back a secret (locked, denied, broken)."""


def _suppress_missing(kr: KeyringBackend, service: str, username: str) -> None:
    with contextlib.suppress(PasswordDeleteError):  # not stored: nothing to forget
        kr.delete_password(service, username)


def keychain_usable(backend: KeyringBackend) -> bool:
    """True if ``backend`` really keeps secrets (keyring's fail/null backends and an empty chain do not)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def folder_service(data_dir: Path, *, create: bool = True) -> str | None:
    """The keychain service of ``data_dir``'s entries (None if it has no id yet and ``create`` is False)."""
    path = data_dir / FOLDER_ID_FILE
    try:
        ident = path.read_text(encoding="ascii").split()[0]
    except FileNotFoundError:
        if not create:
            return None
        ident = uuid.uuid4().hex
        # A shop begun after "delete all data" (the trash is there) must not take the deleted shop's entries from
        # before they were kept per folder; any other folder may adopt them.
        mark = _NO_LEGACY if (data_dir / "trash").is_dir() else ""
        atomic_write_text(path, f"{ident}\n{mark}\n")
    return f"{SERVICE} {ident}"


def _adopts_legacy(data_dir: Path) -> bool:
    try:
        return _NO_LEGACY not in (data_dir / FOLDER_ID_FILE).read_text(encoding="ascii")
    except FileNotFoundError:
        return True


def forget_folder(data_dir: Path, backend: KeyringBackend | None = None) -> int:
    """Remove every keychain entry of ``data_dir`` (a data set being purged for good); returns how many."""
    chosen = backend if backend is not None else keyring.get_keyring()
    service = folder_service(data_dir, create=False)
    if service is None or not keychain_usable(chosen):
        return 0  # no keychain entries were ever made for it (an encrypted file goes with the folder)
    store = SecretStore(data_dir, backend=chosen)
    names = store._index()
    for name in [*names, _INDEX]:
        store._delete_entry(name)
    return len(names)


def _check_name(name: str) -> str:
    if not _NAME.match(name) or name.endswith(":" + _BUNDLE):
        raise ValidationError(_("{name} is not a secret name (like {example}).").format(
            name=repr(name), example="'etsy:access_token'"), field="name")
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
        self._data_dir = data_dir
        self._service: str | None = None

    @property
    def backend(self) -> str:
        """Where secrets go: ``keychain`` or ``encrypted-file``."""
        return "keychain" if self._keyring is not None else "encrypted-file"

    @property
    def location(self) -> str:
        """Where secrets go, in words for the seller (so no message claims the keychain when it was the file)."""
        if self._vault is not None:
            return f"SellerDesk's encrypted secrets file ({self._vault.path.name}, no system keychain here)"
        return "the system keychain"

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
                value = self._get_entry(name)
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
            raise ValidationError(_("Secrets stored together must share one namespace (like {example}).").format(
                example="'etsy:'"), field="name")
        namespace = namespaces.pop()
        if self._vault is not None:
            self._vault.update(values)
        else:
            bundle = self._bundle(namespace)
            if len(values) == 1 and next(iter(values)) not in bundle:
                name, value = next(iter(values.items()))
                self._set_entry(name, value)
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

    def _folder(self) -> str:
        if self._service is None:
            service = folder_service(self._data_dir)
            assert service is not None  # made when missing
            self._service = service
        return self._service

    def _index(self) -> list[str]:
        raw = self._call(lambda kr: kr.get_password(self._folder(), _INDEX))
        try:
            names = json.loads(raw) if raw else []
        except json.JSONDecodeError:
            return []
        return [str(n) for n in names] if isinstance(names, list) else []

    def _write_index(self, names: list[str]) -> None:
        if names:
            text = json.dumps(sorted(set(names)))
            self._call(lambda kr: kr.set_password(self._folder(), _INDEX, text))
        else:
            self._delete_entry(_INDEX)

    def _get_entry(self, username: str) -> str | None:
        value: str | None = self._call(lambda kr: kr.get_password(self._folder(), username))
        if value is None and _adopts_legacy(self._data_dir):
            value = self._call(lambda kr: kr.get_password(SERVICE, username))
            if value is not None:  # kept before entries were per data folder: it becomes this folder's
                self._set_entry(username, value)
                self._call(lambda kr: _suppress_missing(kr, SERVICE, username))
        return value

    def _set_entry(self, username: str, value: str) -> None:
        names = self._index()
        if username not in names:
            self._write_index([*names, username])  # indexed first: a crash never leaves an entry nothing lists
        self._call(lambda kr: kr.set_password(self._folder(), username, value))

    def _delete_entry(self, username: str) -> None:
        self._call(lambda kr: _suppress_missing(kr, self._folder(), username))
        self._call(lambda kr: _suppress_missing(kr, SERVICE, username))  # and any copy from before
        if username != _INDEX:
            names = self._index()
            if username in names:
                self._write_index([n for n in names if n != username])

    def _bundle(self, namespace: str) -> dict[str, str]:
        raw = self._get_entry(f"{namespace}:{_BUNDLE}")
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            log.warning("the keychain entry %s:%s is not readable; ignoring it", namespace, _BUNDLE)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_bundle(self, namespace: str, bundle: dict[str, str]) -> None:
        self._set_entry(f"{namespace}:{_BUNDLE}", json.dumps(bundle))

    def _delete_single(self, name: str) -> None:
        self._delete_entry(name)

    def _call(self, action: Callable[[KeyringBackend], Any]) -> Any:
        assert self._keyring is not None
        try:
            return action(self._keyring)
        except KeyringError as exc:
            raise SecretsUnavailable(
                _("The system keychain refused SellerDesk's request ({problem}).").format(
                    problem=type(exc).__name__),
                hint=_("Unlock the keychain (or allow SellerDesk access to it) and try again."),
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
