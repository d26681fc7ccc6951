"""Faults never put a buyer's details into the log, a crash report or a message: the column key is made unreadable
on purpose, then everything SellerDesk wrote outside the database is scanned."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from core.app import App
from core.db.models import SaleEvent
from core.errors import SellerDeskError
from core.trust.backup import backup_now
from core.trust.crash import write_report
from tests.fakes.memory_keyring import MemoryKeyring

BUYER = "Priya Sharma, 12 MG Road, Bengaluru 560001"
PIECES = ("Priya", "MG Road", "560001")


class LockedKeyring(MemoryKeyring):
    """A keychain that is there but locked (the seller dismissed the unlock prompt)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")


def _text_outside_database(data_dir: Path) -> str:
    skip = {"sellerdesk.db", "sellerdesk.db-wal", "sellerdesk.db-shm"}
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in data_dir.rglob("*")
                   if p.is_file() and p.name not in skip)


@pytest.mark.parametrize(("backend", "message"), [
    (LockedKeyring, "Unlock the keychain"),
    (fail.Keyring, "passphrase"),  # no keychain, and no passphrase for the encrypted secrets file
])
def test_key_failure_puts_no_buyer_detail_anywhere(cli, isolated_env: Path, backend: type, message: str) -> None:
    assert cli("products", "add", "--title", "Mug", "--price", "450", "--sku", "M-1").code == 0
    keyring.set_keyring(backend())
    result = cli("analytics", "add-sale", "--platform", "whatsapp", "--sku", "M-1", "--amount", "450",
                 "--buyer", BUYER)
    assert result.code == 1
    assert message in result.err and "unexpected error" not in result.err
    for piece in PIECES:
        assert piece not in result.out + result.err

    app = App(isolated_env)  # the window's path: the error reaches the crash reporter
    try:
        with pytest.raises(SellerDeskError) as caught, app.db.session() as session:
            session.add(SaleEvent(platform="etsy", external_id="r-1", amount=Decimal("450"), currency="INR",
                                  occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
        assert message in str(caught.value)
        write_report(isolated_env, type(caught.value), caught.value, caught.value.__traceback__)
    finally:
        app.close()
    written = _text_outside_database(isolated_env)
    assert "crash report" in written and "sellerdesk" in written.lower()  # the scan really read the log and report
    for piece in PIECES:
        assert piece not in written


def test_secrets_and_buyer_details_are_nowhere_on_disk_but_the_encrypted_columns(cli, isolated_env: Path,
                                                                                  tmp_path: Path) -> None:
    import zipfile

    gemini, access, refresh = "AIzaSyScanTest0123456789abcdefghij", "etsy-access-scan-42", "etsy-refresh-scan-43"
    assert cli("products", "add", "--title", "Mug", "--price", "450", "--sku", "M-1").code == 0
    app = App(isolated_env)
    try:
        app.secrets.set("gemini:api_key", gemini)
        app.secrets.set_many({"etsy:access_token": access, "etsy:refresh_token": refresh})
        with app.db.session() as session:
            session.add(SaleEvent(platform="etsy", external_id="r-9", amount=Decimal("450"), currency="INR",
                                  occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
        try:
            raise RuntimeError(f"upload failed with key={gemini}")
        except RuntimeError as exc:
            write_report(isolated_env, RuntimeError, exc, exc.__traceback__)
    finally:
        app.close()
    assert cli("products", "show", "99").code == 1  # a failure, logged
    backup_now(isolated_env, "daily-2099-01-01.db")  # a backup holding the sale
    assert cli("data", "backups").code == 0
    export = tmp_path / "export.zip"
    assert cli("data", "export", str(export)).code == 0
    with zipfile.ZipFile(export) as zf:
        exported = b"".join(zf.read(name) for name in zf.namelist())
    on_disk = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    for secret in (gemini, access, refresh):
        assert secret.encode() not in on_disk and secret.encode() not in exported, secret
    assert b"enc1:" in on_disk and b"crash report" in on_disk  # the scan read the database and the crash report
    for piece in PIECES:  # the buyer: encrypted in the database and its backups, nowhere else on disk
        assert piece.encode() not in on_disk, piece
