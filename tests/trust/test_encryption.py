"""Sensitive columns are encrypted at rest: the database file alone reveals no buyer or account detail."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import keyring
import pytest

from core.app import App
from core.db.models import PlatformConnection, SaleEvent
from core.errors import StorageError

BUYER = "Priya Sharma, 12 MG Road, Bengaluru 560001, +91 98450 12345"


def _files(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_buyer_and_account_never_in_plaintext_on_disk(app) -> None:
    with app.db.session() as session:
        session.add(SaleEvent(platform="etsy", external_id="r-1", amount=Decimal("1299"), currency="INR",
                              occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
        session.add(PlatformConnection(platform="etsy", account_name="Clay Corner Studio",
                                       account_id="shop-998877", status="connected"))
    with app.db.session() as session:
        assert session.query(SaleEvent).one().buyer == BUYER  # the app reads it back
        connection = session.query(PlatformConnection).one()
        assert (connection.account_name, connection.account_id) == ("Clay Corner Studio", "shop-998877")
    app.close()  # checkpoint the WAL so the main file holds everything
    blob = _files(app.data_dir)
    for secret in (b"Priya Sharma", b"98450 12345", b"Clay Corner Studio", b"shop-998877", b"MG Road"):
        assert secret not in blob
    assert b"enc1:" in blob


def test_the_key_lives_in_the_keychain_and_another_key_cannot_read(app, isolated_env: Path) -> None:
    with app.db.session() as session:
        session.add(SaleEvent(platform="etsy", external_id="r-2", amount=Decimal("5"), currency="INR",
                              occurred_at=datetime(2026, 11, 1, tzinfo=UTC), buyer=BUYER))
    from core.db.crypto import KEY_NAME

    assert len(app.secrets.get(KEY_NAME) or "") == 44  # 32 random bytes, base64, in the (test) keychain
    app.close()
    backend = keyring.get_keyring()

    keyring.set_keyring(type(backend)())  # the database copied to a machine whose keychain lacks the key
    other = App(isolated_env)
    try:
        with pytest.raises(StorageError, match="cannot be decrypted"), other.db.session() as session:
            session.query(SaleEvent).one()
    finally:
        other.close()
