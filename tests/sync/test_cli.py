"""``sellerdesk sync ...`` end to end against the real service: register, status, now, conflicts, resolve, sign out."""

from __future__ import annotations

import io
import json

import pytest

from core.products.service import update_product
from tests.sync.conftest import PASSWORD


def test_sync_commands(cli, make_device, server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    result = cli("sync", "register", "--email", "asha@example.com", "--server", server.url)
    assert result.code == 0, result.err
    assert result.out.startswith("Signed in as asha@example.com.")
    assert json.loads(cli("sync", "status", "--json").out)["state"] == "up_to_date"

    assert cli("products", "add", "--title", "Lamp", "--price", "500").code == 0
    status = json.loads(cli("sync", "status", "--json").out)
    assert (status["state"], status["pending"]) == ("waiting", 1)
    done = json.loads(cli("sync", "now", "--json").out)
    assert done["pushed"] == 1 and done["status"]["state"] == "up_to_date"

    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD)
    laptop.sync()
    update_product(laptop.app.db, 1, {"title": "Laptop lamp"})
    laptop.sync()
    assert cli("products", "edit", "1", "--title", "Desk lamp").code == 0
    assert "conflict" in cli("sync", "now").out
    listed = json.loads(cli("sync", "conflicts", "--json").out)
    assert [(c["mine"]["title"], c["theirs"]["title"]) for c in listed] == [("Desk lamp", "Laptop lamp")]
    text = cli("sync", "conflicts").out
    assert "Desk lamp" in text and "Laptop lamp" in text and "--keep mine|theirs" in text

    assert cli("sync", "resolve", "nope", "--keep", "mine").code == 1
    resolved = cli("sync", "resolve", listed[0]["id"][:8], "--keep", "mine")
    assert resolved.code == 0 and "Kept mine" in resolved.out
    laptop.sync()
    assert json.loads(cli("products", "show", "1", "--json").out)["title"] == "Desk lamp"
    with laptop.app.db.session() as session:
        from core.db.models import Product

        assert session.get(Product, 1).title == "Desk lamp"  # type: ignore[union-attr]

    assert cli("sync", "signout").code == 0
    assert json.loads(cli("sync", "status", "--json").out)["state"] == "signed_out"
    signed_out = cli("sync", "now")
    assert signed_out.code == 1 and "not signed in" in signed_out.err
    assert json.loads(cli("products", "list", "--json").out)[0]["title"] == "Desk lamp"  # the data stays
