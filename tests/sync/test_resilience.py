"""Bad networks and bad days: a lost answer is retried without doubling anything, a service restored from a backup
is caught up, and no token ever reaches the database, the logs or the settings file."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db.models import Product
from core.logs import setup_logging, stop_logging
from core.products.service import create_product, product_input, update_product
from core.sync.conflicts import list_conflicts
from core.sync.errors import SyncError
from core.sync.status import read_status
from server.client import SyncServiceClient
from tests.sync.conftest import PASSWORD, LiveServer


def _titles(device) -> list[str]:
    with device.app.db.session() as session:
        return list(session.scalars(select(Product.title).order_by(Product.id)))


def test_a_push_whose_answer_was_lost_is_applied_once(make_device, server: LiveServer) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    lamp = create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500"}))
    laptop.network.drop_answer_to("/v1/sync/push")
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert failure.value.problem == "offline"
    assert read_status(laptop.app).pending == 1
    update_product(laptop.app.db, lamp.id, {"title": "Brass lamp"})  # queued behind the unanswered one

    report = laptop.sync()
    assert (report.pushed, report.conflicts) == (2, 0)
    shop.account.sign_in("asha@example.com", PASSWORD)
    shop.sync()
    assert _titles(shop) == ["Brass lamp"]
    with SyncServiceClient(server.url) as observer:
        observer.login("asha@example.com", PASSWORD, uuid.uuid4(), "observer")
        changes, _ = observer.pull_all(0)
        assert [c.version for c in changes if c.kind == "product"] == [1, 2]
        assert observer.conflicts() == []
    assert list_conflicts(laptop.app.db) == list_conflicts(shop.app.db) == []


def test_a_service_restored_from_backup_is_caught_up(make_device, server: LiveServer, tmp_path: Path) -> None:
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    laptop.sync()
    backup = tmp_path / "backup"
    server.stop()
    shutil.copytree(server.root, backup)
    server.start()
    create_product(laptop.app.db, product_input({"title": "Kept only here after the backup", "price": "10"}))
    laptop.sync()
    server.stop()
    shutil.rmtree(server.root)
    shutil.copytree(backup, server.root)
    server.start()

    laptop.sync()  # its cursor is now past the service's last change
    shop = make_device("shop")
    shop.account.sign_in("asha@example.com", PASSWORD)
    shop.sync()
    assert _titles(shop) == ["Kept only here after the backup"]


def test_no_token_or_password_is_written_to_the_data_dir(make_device, server: LiveServer) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    setup_logging(laptop.app.logs_dir, "DEBUG")
    try:
        laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
        server.confirm("asha@example.com")
        shop.account.sign_in("asha@example.com", PASSWORD)
        create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500"}))
        laptop.sync()
        shop.sync()
        laptop.account._tokens = None  # as in a new process: the next round renews from the keychain
        laptop.sync()
        laptop.network.online = False
        with pytest.raises(SyncError):
            laptop.sync()
        laptop.network.online = True
        laptop.account.sign_out()
    finally:
        stop_logging()
    secrets = laptop.network.tokens_seen | shop.network.tokens_seen
    # Two sign-ins and a renewal: three refresh tokens (an access token renewed within the same second may repeat).
    assert len([s for s in secrets if s.startswith("sdr_")]) == 3 and len(secrets) >= 5
    scanned = 0
    for device in (laptop, shop):
        device.app.db.dispose()  # flush the WAL into the file too
        for path in device.app.data_dir.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                scanned += 1
                for secret in [*secrets, PASSWORD]:
                    assert secret.encode() not in content, f"a secret reached {path.name}"
    assert scanned >= 4 and (laptop.app.logs_dir / "sellerdesk.log").stat().st_size > 0
    assert shop.keyring.secrets  # the refresh token is in the (test) keychain, and only there


def test_a_session_ended_elsewhere_asks_to_sign_in_again(make_device, server: LiveServer) -> None:
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    laptop.sync()
    with shop.account.client() as client:  # a password change signs the other computers out
        client.change_password(PASSWORD, PASSWORD + " renewed")
    create_product(laptop.app.db, product_input({"title": "Made after the change", "price": "10"}))
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert failure.value.problem == "signed_out"
    status = read_status(laptop.app)
    assert (status.state, status.summary, status.pending) == ("signed_out", "Sync: signed out — sign in again", 1)
    assert laptop.keyring.secrets == {}  # the dead refresh token is forgotten
    laptop.account.sign_in("asha@example.com", PASSWORD + " renewed")
    assert laptop.sync().pushed == 1


def test_a_lost_refresh_answer_does_not_sign_the_seller_out(make_device, server: LiveServer) -> None:
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    laptop.sync()  # signs in, now that the address is confirmed
    laptop.account._tokens = None  # a new start: the first request renews the tokens from the keychain
    laptop.network.drop_answer_to("/v1/auth/refresh")
    with pytest.raises(SyncError) as failure:
        laptop.sync()
    assert failure.value.problem == "offline"
    create_product(laptop.app.db, product_input({"title": "Lamp", "price": "500"}))
    assert laptop.sync().pushed == 1  # the old refresh token, retried, is answered again
    assert read_status(laptop.app).state != "signed_out" and laptop.keyring.secrets
