"""Secrets live in the keychain, or (without one) in an encrypted file; never in plain text; every use audited."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from core.app import App
from core.db.models import AuditEvent
from core.secrets import PASSPHRASE_ENV, SecretsLocked, SecretStore
from core.secrets.store import folder_service
from tests.fakes.memory_keyring import MemoryKeyring

ACCESS = "etsy-access-9f8e7d6c5b4a"
REFRESH = "etsy-refresh-1a2b3c4d5e6f"


class CountingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes.append(username)
        super().set_password(service, username, password)


def test_keychain_round_trip(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    assert store.backend == "keychain"
    store.set("gemini:api_key", "AIza-test-key")
    assert store.get("gemini:api_key") == "AIza-test-key"
    assert keyring.get_password(folder_service(tmp_path), "gemini:api_key") == "AIza-test-key"
    store.delete("gemini:api_key")
    assert store.get("gemini:api_key") is None
    store.delete("gemini:api_key")  # forgetting twice is fine


def test_token_pair_is_one_keychain_entry_written_once(tmp_path: Path) -> None:
    backend = CountingKeyring()
    store = SecretStore(tmp_path, backend=backend)
    store.set_many({"etsy:access_token": ACCESS, "etsy:refresh_token": REFRESH})
    # one write of the pair (after the folder's list of entries): a crash cannot split the pair
    assert [w for w in backend.writes if w != "_index"] == ["etsy:bundle"]
    service = folder_service(tmp_path)
    assert json.loads(backend.secrets[(service, "etsy:bundle")]) == {"etsy:access_token": ACCESS,
                                                                     "etsy:refresh_token": REFRESH}
    store.set("etsy:access_token", "newer")  # a member of the pair is changed inside the entry
    assert store.get("etsy:access_token") == "newer" and store.get("etsy:refresh_token") == REFRESH
    assert (service, "etsy:access_token") not in backend.secrets
    store.delete_many(["etsy:access_token", "etsy:refresh_token"])
    assert backend.secrets == {}


def test_names_are_checked_and_pairs_share_a_namespace(tmp_path: Path) -> None:
    from core.errors import ValidationError

    store = SecretStore(tmp_path)
    with pytest.raises(ValidationError):
        store.set("no namespace", "x")
    with pytest.raises(ValidationError):
        store.set_many({"etsy:access_token": "a", "shopify:access_token": "b"})


def test_without_a_keychain_secrets_go_to_an_encrypted_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse battery staple")
    store = SecretStore(tmp_path, backend=fail.Keyring())
    assert store.backend == "encrypted-file"
    store.set_many({"etsy:access_token": ACCESS, "etsy:refresh_token": REFRESH})
    store.set("gemini:api_key", "AIza-file-key")
    raw = (tmp_path / "secrets.enc").read_bytes()
    for secret in (ACCESS, REFRESH, "AIza-file-key"):
        assert secret.encode() not in raw
    assert list(tmp_path.glob(".secrets.enc.*")) == []  # the atomic write left no temporary file
    reopened = SecretStore(tmp_path, backend=fail.Keyring())
    assert reopened.get("etsy:refresh_token") == REFRESH
    reopened.delete("gemini:api_key")
    assert SecretStore(tmp_path, backend=fail.Keyring()).get("gemini:api_key") is None


def test_encrypted_file_needs_the_right_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    SecretStore(tmp_path, backend=fail.Keyring(), ask_passphrase=lambda: "first").set("etsy:access_token", ACCESS)
    with pytest.raises(SecretsLocked, match="passphrase does not open"):
        SecretStore(tmp_path, backend=fail.Keyring(), ask_passphrase=lambda: "wrong").get("etsy:access_token")
    with pytest.raises(SecretsLocked, match="SELLERDESK_SECRETS_PASSPHRASE"):
        SecretStore(tmp_path, backend=fail.Keyring()).get("etsy:access_token")
    monkeypatch.setenv(PASSPHRASE_ENV, "first")
    assert SecretStore(tmp_path, backend=fail.Keyring()).get("etsy:access_token") == ACCESS


def test_every_read_and_write_is_audited_by_name_never_value(app: App) -> None:
    store = SecretStore(app.data_dir, db=app.db)
    store.set_many({"etsy:access_token": ACCESS, "etsy:refresh_token": REFRESH})
    store.get("etsy:access_token")
    store.get("gemini:api_key")
    with app.db.session() as session:
        events = [(e.kind, e.subject, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    events = [e for e in events if e[0].startswith("secret.")]  # (opening the database notes its daily purge)
    assert [(k, s) for k, s, _ in events] == [
        ("secret.write", "etsy:access_token"), ("secret.write", "etsy:refresh_token"),
        ("secret.read", "etsy:access_token"), ("secret.read", "gemini:api_key")]
    assert events[2][2]["found"] is True and events[3][2]["found"] is False
    app.db.dispose()
    assert ACCESS.encode() not in app.db.path.read_bytes()
