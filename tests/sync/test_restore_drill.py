"""Restore drills: the service goes back to a backup while several computers hold newer data. Every computer must
notice (whichever talks to the service first), give back what the service lost, and end with the same records."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from core.db.models import Product
from core.products.service import create_product, delete_product, product_input
from core.sync.conflicts import list_conflicts
from tests.sync.conftest import PASSWORD, Device, LiveServer


def _titles(device: Device) -> list[str]:
    with device.app.db.session() as session:
        return sorted(session.scalars(select(Product.title).where(Product.deleted_at.is_(None))))


def _add(device: Device, *titles: str) -> None:
    for title in titles:
        create_product(device.app.db, product_input({"title": title, "price": "10"}))


def _restore(server: LiveServer, backup: Path) -> None:
    server.stop()
    shutil.rmtree(server.root)
    shutil.copytree(backup, server.root)
    server.start()


def _backup(server: LiveServer, backup: Path) -> None:
    server.stop()
    shutil.copytree(server.root, backup)
    server.start()


def _two_computers_then_a_backup(make_device: Callable[[str], Device], server: LiveServer,
                                 backup: Path) -> tuple[Device, Device]:
    """A laptop and a shop computer sharing a lamp and a bowl, and a backup of the service holding them."""
    laptop, shop = make_device("laptop"), make_device("shop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    shop.account.sign_in("asha@example.com", PASSWORD)
    _add(laptop, "Lamp", "Bowl")
    laptop.sync()
    shop.sync()
    _backup(server, backup)
    return laptop, shop


def test_two_computers_converge_after_a_restore_that_reused_sequence_numbers(make_device, server: LiveServer,
                                                                              tmp_path: Path) -> None:
    laptop, shop = _two_computers_then_a_backup(make_device, server, tmp_path / "backup")

    # After the backup: each computer adds work, both see all of it.
    _add(shop, "Shop rug 1", "Shop rug 2", "Shop rug 3")
    shop.sync()
    _add(laptop, "Laptop vase")
    laptop.sync()
    shop.sync()
    assert _titles(laptop) == _titles(shop) == ["Bowl", "Lamp", "Laptop vase", "Shop rug 1", "Shop rug 2",
                                                "Shop rug 3"]

    _restore(server, tmp_path / "backup")
    # The laptop reaches the restored service first and pushes new work: the lost sequence numbers are handed out
    # again, so the shop's cursor is no longer past the service's last change.
    _add(laptop, "After restore 1", "After restore 2", "After restore 3", "After restore 4", "After restore 5")
    laptop.sync()
    shop.sync()
    laptop.sync()
    shop.sync()

    expected = ["After restore 1", "After restore 2", "After restore 3", "After restore 4", "After restore 5",
                "Bowl", "Lamp", "Laptop vase", "Shop rug 1", "Shop rug 2", "Shop rug 3"]
    assert _titles(laptop) == expected
    assert _titles(shop) == expected
    newcomer = make_device("newcomer")  # the service itself holds everything again
    newcomer.account.sign_in("asha@example.com", PASSWORD)
    newcomer.sync()
    assert _titles(newcomer) == expected
    assert list_conflicts(laptop.app.db) == list_conflicts(shop.app.db) == []


def test_a_deletion_the_restore_lost_is_sent_again(make_device, server: LiveServer, tmp_path: Path) -> None:
    laptop, shop = _two_computers_then_a_backup(make_device, server, tmp_path / "backup")
    with laptop.app.db.session() as session:
        lamp = session.scalar(select(Product.id).where(Product.title == "Lamp"))
    assert lamp is not None
    delete_product(laptop.app.db, lamp)
    laptop.sync()
    shop.sync()
    assert _titles(shop) == ["Bowl"]

    _restore(server, tmp_path / "backup")  # the service has the lamp again
    _add(shop, "Rug")
    shop.sync()
    laptop.sync()
    shop.sync()
    newcomer = make_device("newcomer")
    newcomer.account.sign_in("asha@example.com", PASSWORD)
    newcomer.sync()
    assert _titles(laptop) == _titles(shop) == _titles(newcomer) == ["Bowl", "Rug"]
