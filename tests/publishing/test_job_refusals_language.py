"""Refusals about a publish job reach the seller in the interface language: the Schedule tab's Cancel post on a post
that can no longer be cancelled, ``sellerdesk jobs`` in Hindi; the English is unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from core.i18n import use_language
from core.publishing.jobs import create_job, move
from core.publishing.states import IllegalTransition
from tests.platforms.conftest import add_product
from tests.publishing.schedule_tabs import shown_tab
from tests.publishing.test_post_messages_language import bypassed


def test_a_post_that_cannot_be_cancelled_is_refused_in_the_interface_language(qtbot, app, fake_platform,
                                                                              make_publisher) -> None:
    fake_platform()
    tabs = shown_tab(qtbot, app, make_publisher(app, start=False))
    tab = next(tabs)
    job = create_job(app.db, add_product(app, platforms=("fakegram",)), "fakegram",
                     at=datetime.now(UTC) + timedelta(days=1))
    tab.reload()
    qtbot.waitUntil(lambda: tab.status.table.rowCount() == 1)
    tab.status.select(job.id)
    move(app.db, job.id, "cancelled", "cancelled on another computer")  # after the list was shown
    use_language("pseudo")
    try:
        with qtbot.waitSignal(tab.message, timeout=10_000) as said:
            qtbot.mouseClick(tab.status.cancel, Qt.MouseButton.LeftButton)
    finally:
        use_language("en")
        next(tabs, None)
    shown = said.args[0]
    assert f"#{job.id}" in shown and shown.startswith("⟦") and not bypassed(shown), shown


def test_publish_job_refusals_read_in_hindi_from_the_cli(cli) -> None:
    assert cli("config", "set", "general.language", "hi").code == 0
    try:
        said = cli("jobs", "show", "999")
    finally:
        use_language("en")
    assert "पब्लिश जॉब #999 मौजूद नहीं है। काम इससे देखें: sellerdesk jobs list" in said.err, said.err
    use_language("hi")
    try:
        hindi = str(IllegalTransition(7, "published", "cancelled"))
    finally:
        use_language("en")
    assert hindi == ("पोस्ट #7 की स्थिति “रद्द” नहीं की जा सकती: यह पहले ही प्रकाशित हो चुकी है। "
                     "इसे देखें: sellerdesk jobs list")
    assert str(IllegalTransition(7, "draft", "needs_attention")) == (
        "Job #7 cannot be made needs attention: a draft job cannot become needs attention. "
        "See it with: sellerdesk jobs list")
