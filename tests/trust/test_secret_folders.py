"""Keychain entries belong to one data folder: two shops never share them, entries from before are moved under the
folder that asks first, "delete all" takes them out of the folder and the purge removes them from the keychain."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import keyring
import pytest

from core.app import App
from core.db.models import SaleEvent
from core.secrets import SERVICE, SecretStore
from core.secrets.store import folder_service

GEMINI = "AIzaSy-folder-test-key-000000000000"
BUYER = "Meera Iyer, 4 Park Street"


def test_two_data_folders_never_share_a_secret(tmp_path: Path) -> None:
    shop, other = tmp_path / "shop", tmp_path / "other"
    shop.mkdir()
    other.mkdir()
    SecretStore(shop).set("gemini:api_key", GEMINI)
    assert SecretStore(shop).get("gemini:api_key") == GEMINI
    assert SecretStore(other).get("gemini:api_key") is None
    assert folder_service(shop) != folder_service(other)


def test_entries_from_before_move_under_the_first_folder_that_asks(tmp_path: Path) -> None:
    backend = keyring.get_keyring()
    backend.set_password(SERVICE, "gemini:api_key", GEMINI)  # as SellerDesk kept it before
    backend.set_password(SERVICE, "etsy:bundle", json.dumps({"etsy:access_token": "tok"}))
    shop, other = tmp_path / "shop", tmp_path / "other"
    shop.mkdir()
    other.mkdir()
    store = SecretStore(shop)
    assert store.get("gemini:api_key") == GEMINI and store.get("etsy:access_token") == "tok"
    assert backend.get_password(SERVICE, "gemini:api_key") is None  # moved, not copied
    assert backend.get_password(SERVICE, "etsy:bundle") is None
    assert backend.get_password(folder_service(shop), "gemini:api_key") == GEMINI
    assert SecretStore(other).get("gemini:api_key") is None
    store.delete("gemini:api_key")
    assert SecretStore(shop).get("gemini:api_key") is None


def test_delete_all_takes_the_secrets_restore_brings_them_back_purge_removes_them(cli, isolated_env: Path) -> None:
    app = App(isolated_env)
    app.secrets.set("gemini:api_key", GEMINI)
    app.secrets.set_many({"etsy:access_token": "etsy-access-123", "etsy:refresh_token": "etsy-refresh-456"})
    with app.db.session() as session:  # makes the database key, kept in the keychain
        session.add(SaleEvent(platform="etsy", external_id="r-1", amount=Decimal("5"), currency="INR",
                              occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
    app.close()
    backend = keyring.get_keyring()
    assert len(backend.secrets) >= 3  # type: ignore[attr-defined]

    deleted = cli("data", "delete-all", "--yes")
    assert deleted.code == 0 and "with this folder's secrets" in deleted.out
    fresh = App(isolated_env)
    try:
        assert fresh.secrets.get("gemini:api_key") is None  # this folder's new shop has none of them
        assert fresh.secrets.get("etsy:access_token") is None
    finally:
        fresh.close()

    assert cli("data", "restore-all").code == 0
    back = App(isolated_env)
    try:
        assert back.secrets.get("gemini:api_key") == GEMINI
        with back.db.session() as session:
            assert session.query(SaleEvent).one().buyer == BUYER  # the database key came back too
    finally:
        back.close()

    assert cli("data", "delete-all", "--yes").code == 0
    assert cli("data", "purge", "--now").code == 0
    left = "".join(backend.secrets.values())  # type: ignore[attr-defined]
    for secret in (GEMINI, "etsy-access-123", "etsy-refresh-456"):
        assert secret not in left
    assert not [k for k in backend.secrets if k[1] == "sellerdesk:db_key"]  # type: ignore[attr-defined]


def test_only_a_key_that_went_to_the_keychain_is_said_to_be_there(cli, monkeypatch) -> None:
    import io

    from keyring.backends import fail

    from core.secrets import PASSPHRASE_ENV

    monkeypatch.setattr("sys.stdin", io.StringIO(GEMINI + "\n"))
    assert "stored in the system keychain" in cli("content", "set-key").out
    keyring.set_keyring(fail.Keyring())  # a computer without a keychain: the encrypted file takes it
    monkeypatch.setenv(PASSPHRASE_ENV, "a long passphrase")
    monkeypatch.setattr("sys.stdin", io.StringIO(GEMINI + "\n"))
    result = cli("content", "set-key")
    assert result.code == 0 and "keychain" not in result.out.replace("no system keychain", "")
    assert "encrypted secrets file" in result.out


def test_without_a_keychain_the_app_asks_for_the_passphrase_once_and_again_after_a_wrong_one(isolated_env: Path
                                                                                              ) -> None:
    from keyring.backends import fail

    from core.secrets import SecretsLocked

    keyring.set_keyring(fail.Keyring())
    answers = iter(["first phrase", "wrong phrase", "first phrase"])
    asked: list[str] = []

    def ask() -> str:
        asked.append("asked")
        return next(answers)

    app = App(isolated_env)
    app.ask_passphrase = ask
    try:
        app.secrets.set("gemini:api_key", GEMINI)
        with app.db.session() as session:  # the database key is in the same file: no second question
            session.add(SaleEvent(platform="etsy", external_id="r-1", amount=Decimal("5"), currency="INR",
                                  occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
        assert asked == ["asked"] and app.secrets.location.startswith("SellerDesk's encrypted secrets file")
    finally:
        app.close()
    later = App(isolated_env)
    later.ask_passphrase = ask
    try:
        with pytest.raises(SecretsLocked, match="passphrase does not open"):
            later.secrets.get("gemini:api_key")
        assert later.secrets.get("gemini:api_key") == GEMINI  # asked again, and the right one opens it
        assert asked == ["asked"] * 3
    finally:
        later.close()


def test_a_shop_begun_after_delete_all_does_not_take_entries_from_before(cli, isolated_env: Path) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "100").code == 0
    keyring.get_keyring().set_password(SERVICE, "gemini:api_key", GEMINI)  # never read since the upgrade
    assert cli("data", "delete-all", "--yes").code == 0
    fresh = App(isolated_env)
    try:
        assert fresh.secrets.get("gemini:api_key") is None
    finally:
        fresh.close()
