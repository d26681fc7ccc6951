"""What sync says when it stops short reaches the seller in the interface language (the sign-in dialog, ``sellerdesk
sync``); what the service says itself is kept as it said it, and the English is unchanged."""

from __future__ import annotations

import socket

from core.i18n import use_language
from desktop.sync.signin_dialog import SignInDialog
from tests.publishing.test_post_messages_language import bypassed


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on: the service cannot be reached
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_service_is_said_in_the_interface_language_in_the_sign_in_dialog(window, qtbot) -> None:
    window.sync.sign_in_action.trigger()
    dialog = window.findChild(SignInDialog)
    dialog.server.setText(f"http://127.0.0.1:{_closed_port()}")
    dialog.email.setText("asha@example.com")
    dialog.password.setText("a long enough password")
    use_language("pseudo")
    try:
        dialog.submit.click()
        qtbot.waitUntil(dialog.error.isVisible, timeout=15_000)
        shown = dialog.error.text()
    finally:
        use_language("en")
    dialog.reject()
    assert shown.startswith("⟦") and not bypassed(shown), shown
    assert "⟦šîgñîñg îñ⟧" in shown  # what it was doing, translated inside the sentence


def test_sync_refusals_read_in_hindi_from_the_cli_and_stay_english_in_english(cli) -> None:
    assert cli("config", "set", "general.language", "hi").code == 0
    try:
        said = cli("sync", "now")
        conflict = cli("sync", "resolve", "abc", "--keep", "mine")
    finally:
        use_language("en")
    assert ("यह कंप्यूटर सिंक सेवा में साइन इन नहीं है। फिर से साइन इन करें: खाता → साइन इन…, या: sellerdesk sync "
            "signin --email YOU@EXAMPLE.COM") in said.err, said.err
    assert "ऐसा कोई अकेला टकराव नहीं है जिसका id 'abc' से शुरू होता हो (0 के होते हैं)।" in conflict.err, conflict.err
    assert cli("config", "set", "general.language", "en").code == 0
    said = cli("sync", "now")
    assert "This computer is not signed in to the sync service. Sign in again: Account → Sign in…" in said.err
