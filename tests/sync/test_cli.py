"""``sellerdesk sync ...`` end to end against the real service: register (and confirm the address by the
emailed link, resend), status, now, conflicts, resolve, sign out, and a password reset by emailed code."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from core.products.service import update_product
from core.sync.errors import SyncError
from tests.fakes.mailbox import CONFIRM_SUBJECT, confirm_link, reset_code
from tests.sync.conftest import PASSWORD


def test_sync_commands(cli, make_device, server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    result = cli("sync", "register", "--email", "asha@example.com", "--server", server.url)
    assert result.code == 0, result.err
    assert result.out.startswith("Signed in as asha@example.com.") and "Check your email" in result.out
    unconfirmed = cli("sync", "now")
    assert unconfirmed.code == 1 and "Check your email to confirm your address" in unconfirmed.err
    assert "sellerdesk sync resend" in unconfirmed.err
    assert "Sync paused — confirm your email" in cli("sync", "status").out
    resent = cli("sync", "resend")
    assert resent.code == 0 and "on its way to asha@example.com" in resent.out
    server.mailbox.wait_for("asha@example.com", CONFIRM_SUBJECT, after=1)  # sent just after the answer
    first = confirm_link(server.mailbox, "asha@example.com", 0)
    server.confirm("asha@example.com")  # the resent link
    assert httpx.get(first).status_code == 400  # replaced by the resent one
    assert cli("sync", "now").code == 0
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


def test_password_reset_from_the_command_line(cli, make_device, server, monkeypatch: pytest.MonkeyPatch) -> None:
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    asked = cli("sync", "reset-password", "--email", "asha@example.com", "--server", server.url)
    assert asked.code == 0 and "If an account uses this address" in asked.out
    code = reset_code(server.mailbox, "asha@example.com")
    monkeypatch.setattr("sys.stdin", io.StringIO("lantern otter velvet 42\n"))
    done = cli("sync", "reset-password", "--code", code)
    assert done.code == 0 and "every computer is signed out" in done.out
    with pytest.raises(SyncError) as ended:
        laptop.sync()
    assert ended.value.problem == "signed_out"
    laptop.account.sign_in("asha@example.com", "lantern otter velvet 42")
    monkeypatch.setattr("sys.stdin", io.StringIO("another try 12345\n"))
    again = cli("sync", "reset-password", "--code", code)
    assert again.code == 1 and "wrong, expired or already used" in again.err
