"""Signing up on the desktop when the service signs nobody in before the address is confirmed: the password waits in
the keychain until the emailed link is opened, the next round signs in by itself and forgets it; a computer that
registered someone else's address hears exactly what a new account hears, and never gets in."""

from __future__ import annotations

import pytest

from core.sync.account import PENDING_PASSWORD, SESSION_REFRESH
from core.sync.errors import SyncError
from core.sync.status import read_status
from server.client import SyncServiceClient
from tests.fakes.mailbox import reset_code
from tests.sync.conftest import PASSWORD, LiveServer

STRANGER = "lantern otter velvet 42"


def test_the_first_round_after_confirming_signs_in_and_forgets_the_password(make_device,
                                                                            server: LiveServer) -> None:
    laptop = make_device("laptop")
    assert laptop.account.sign_in("asha@example.com", PASSWORD, create=True) == "asha@example.com"
    secrets = laptop.account.secrets
    assert secrets.get(PENDING_PASSWORD) == PASSWORD and secrets.get(SESSION_REFRESH) is None
    status = read_status(laptop.app)
    assert (status.state, status.summary) == ("paused", "Sync paused — confirm your email")
    with pytest.raises(SyncError) as waiting:
        laptop.sync()
    assert waiting.value.problem == "unconfirmed" and "we sent a link to asha@example.com" in waiting.value.message
    assert "on its way to asha@example.com" in laptop.account.resend_verification()

    server.confirm("asha@example.com")
    laptop.sync()
    assert secrets.get(PENDING_PASSWORD) is None and secrets.get(SESSION_REFRESH)
    assert read_status(laptop.app).state == "up_to_date"


def test_registering_a_taken_address_looks_like_a_new_account_and_never_gets_in(make_device,
                                                                              server: LiveServer) -> None:
    owner, stranger, newcomer = make_device("owner"), make_device("stranger"), make_device("newcomer")
    owner.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    owner.sync()

    stranger.account.sign_in("asha@example.com", STRANGER, create=True)
    newcomer.account.sign_in("ravi@example.com", STRANGER, create=True)
    seen = []
    for device, email in ((stranger, "asha@example.com"), (newcomer, "ravi@example.com")):
        status = read_status(device.app)
        with pytest.raises(SyncError) as refused:
            device.sync()
        seen.append((status.state, status.summary, refused.value.problem,
                     refused.value.message.replace(email, "EMAIL"),
                     device.account.resend_verification().replace(email, "EMAIL")))
    assert seen[0] == seen[1]
    assert seen[0][2] == "unconfirmed"
    assert owner.sync().pulled == 0  # the owner's computer carries on as before


def test_a_password_reset_meanwhile_asks_to_sign_in_again(make_device, server: LiveServer) -> None:
    laptop = make_device("laptop")
    laptop.account.sign_in("asha@example.com", PASSWORD, create=True)
    server.confirm("asha@example.com")
    laptop.account.request_password_reset("asha@example.com")
    assert laptop.account.secrets.get(PENDING_PASSWORD) == PASSWORD  # no round since the link was opened
    with SyncServiceClient(server.url) as other:  # the new password is set on another computer
        other.reset_password(reset_code(server.mailbox, "asha@example.com"), PASSWORD + " renewed")
    with pytest.raises(SyncError) as ended:
        laptop.sync()
    assert ended.value.problem == "signed_out"
    assert laptop.account.secrets.get(PENDING_PASSWORD) is None
    assert read_status(laptop.app).summary == "Sync: signed out — sign in again"
