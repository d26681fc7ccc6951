"""IndiaMART's CRM key entered and tested from the command line and the window (Leads…), and the last 7 days'
buyer enquiries shown there, read from the Lead Manager API stand-in."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from core import cli
from core.app import App
from core.db.types import utcnow
from core.platforms.connections import platform_status, set_preferences
from desktop.platforms.detail import PlatformDetail
from desktop.tasks import TaskRunner
from tests.fakes.portals.indiamart import API_PATH, LeadsApiStandIn

IST = timedelta(hours=5, minutes=30)


@pytest.fixture
def api(app: App) -> Iterator[LeadsApiStandIn]:
    server = LeadsApiStandIn()
    server.start()
    server.now = (datetime.now(UTC) + IST).replace(tzinfo=None, microsecond=0)  # the real clock, in IST
    server.add_lead("Q-NEW", server.now - timedelta(hours=2), "Brass diya")
    server.add_lead("Q-OLD", server.now - timedelta(days=3), "Copper lota")
    server.add_lead("Q-GONE", server.now - timedelta(days=9), "Lamp")  # older than a read covers
    app.settings.set("platforms.indiamart.leads_api_url", server.url + API_PATH)
    yield server
    server.stop()


def _five_minutes_later(app: App, api: LeadsApiStandIn) -> None:
    """As if IndiaMART's gap between reads had passed (on both sides)."""
    set_preferences(app.db, "indiamart", {"leads_api_last_call": (utcnow() - timedelta(minutes=6)).isoformat()})
    api.last_call = None


def _run(app: App, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
         stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(["--data-dir", str(app.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_key_entered_and_tested_on_the_command_line(app: App, api: LeadsApiStandIn, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run(app, capsys, monkeypatch, "platforms", "leads", "indiamart", "--check")
    assert code == 1 and "no IndiaMART CRM key" in err and "Generate a CRM key" in err and not api.calls
    code, out, err = _run(app, capsys, monkeypatch, "platforms", "leads", "indiamart", "--key-stdin",
                          stdin="not-the-key\n")
    assert code == 1 and "IndiaMART refused the CRM key (Invalid key" in err
    assert app.secrets.get("indiamart:crm_key") is None  # a refused key is not kept
    # The corrected key right away (a refusal is no download), then the leads of the last 7 days, newest first.
    code, out, err = _run(app, capsys, monkeypatch, "platforms", "leads", "indiamart", "--key-stdin",
                          stdin=api.key + "\n")
    assert code == 0, err
    assert "The IndiaMART CRM key works. Buyer enquiries in the last 7 days: 2." in out
    assert out.index("Brass diya") < out.index("Copper lota") and "Lamp" not in out and "Please quote" in out
    assert app.secrets.get("indiamart:crm_key") == api.key
    code, out, err = _run(app, capsys, monkeypatch, "platforms", "leads", "indiamart", "--check")
    assert code == 1 and "one leads download every 5 minutes; try again in 5 minutes" in err and len(api.calls) == 2
    assert "by itself" not in err  # a read the seller asked for is not retried behind their back
    _five_minutes_later(app, api)
    code, out, err = _run(app, capsys, monkeypatch, "--json", "platforms", "leads", "indiamart")
    shown = json.loads(out)
    assert code == 0 and shown["key_works"] is True
    assert [(lead["query_id"], lead["buyer"], lead["product"]) for lead in shown["leads"]] == [
        ("Q-NEW", "Buyer", "Brass diya"), ("Q-OLD", "Buyer", "Copper lota")]
    # Showing leads does not move where the next import of leads continues.
    assert "leads_synced_until" not in json.loads(json.dumps(_prefs(app)))
    _five_minutes_later(app, api)
    api.key = "a-new-key-after-revoking"
    code, out, err = _run(app, capsys, monkeypatch, "platforms", "leads", "indiamart", "--check")
    assert code == 1 and "IndiaMART refused the CRM key" in err and "Buyer" not in out


def _prefs(app: App) -> dict[str, object]:
    from core.platforms.connections import get_preferences

    return dict(get_preferences(app.db, "indiamart"))


def test_leads_window_tests_a_typed_key_and_lists_the_enquiries(app: App, api: LeadsApiStandIn,
                                                                qtbot) -> None:  # type: ignore[no-untyped-def]
    tasks = TaskRunner()
    detail = PlatformDetail(app, tasks)
    qtbot.addWidget(detail)
    detail.show_status(platform_status(app.db, "meesho"))
    assert detail.leads_button.isHidden()  # Meesho has no leads API
    detail.show_status(platform_status(app.db, "indiamart"))
    assert not detail.leads_button.isHidden() and detail.leads_button.isEnabled()  # a CRM key needs no sign-in
    qtbot.mouseClick(detail.leads_button, Qt.MouseButton.LeftButton)
    dialog = detail.leads_dialog
    qtbot.waitUntil(dialog.isVisible)
    QTest.keyClicks(dialog.key, "typo-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.test_button.isEnabled() and dialog.progress.isVisibleTo(dialog)  # busy, off the GUI thread
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10_000)
    assert "IndiaMART refused the CRM key (Invalid key" in dialog.status.text()
    assert dialog.key.text() == "typo-key" and app.secrets.get("indiamart:crm_key") is None  # nothing lost
    dialog.key.clear()
    QTest.keyClicks(dialog.key, api.key)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert "The IndiaMART CRM key works. Buyer enquiries in the last 7 days: 2." in dialog.status.text()
    assert "The new key is saved." in dialog.status.text() and dialog.key.text() == ""
    assert app.secrets.get("indiamart:crm_key") == api.key
    cells = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(2)]
    assert [row[1:] for row in cells] == [["Buyer (Pune)", "Brass diya", "Please quote"],
                                          ["Buyer (Pune)", "Copper lota", "Please quote"]]
    assert cells[0][0] == f"{api.now - timedelta(hours=2):%a %d %b %Y, %H:%M} IST"  # the seller's time zone
    # Refresh with the stored key: too soon, said plainly; five minutes later, new enquiries appear.
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.refresh_button.isEnabled(), timeout=10_000)
    assert "one leads download every 5 minutes" in dialog.status.text() and dialog.table.rowCount() == 2
    _five_minutes_later(app, api)
    api.add_lead("Q-NOW", api.now - timedelta(minutes=1), "Brass bell")
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10_000)
    assert dialog.table.item(0, 2).text() == "Brass bell"
    qtbot.waitUntil(lambda: not tasks._running, timeout=5_000)
    dialog.grab().save("/tmp/leads_dialog.png")
