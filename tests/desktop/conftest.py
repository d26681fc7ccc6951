"""Desktop test set-up: real photos to drop into the editor; the main window on a lived-in data dir."""

from __future__ import annotations

import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PIL import Image, ImageDraw

from core.app import App
from tests.desktop.shop import PLATFORM, fill_shop
from tests.publishing.generic_fake import GenericStandIn, register_fake


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Three real phone-like JPEGs of different shapes."""
    paths = []
    for n, (size, colour) in enumerate([((1600, 1200), (200, 120, 40)), ((1200, 1600), (40, 120, 200)),
                                        ((1500, 1500), (90, 160, 90))]):
        image = Image.new("RGB", size, colour)
        ImageDraw.Draw(image).ellipse((300, 300, 900, 900), fill=(240, 220, 120))
        path = tmp_path / f"photo{n}.jpg"
        image.save(path, quality=90)
        paths.append(path)
    return paths


@pytest.fixture
def shop_window(qtbot, app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The main window on a lived-in data dir; no browser opens, and no work may outlive the test.

    Its posts go to a generic stand-in that takes the place of a real platform (name, spec and class) for the
    test, so that platform's copy rules apply; the real spec is put back afterwards.
    """
    from core.platforms import registry
    from core.platforms.connections import record_connected
    from core.platforms.specs import all_specs
    from desktop.main_window import MainWindow

    installed = registry._entry_points
    # The stand-in takes the place of the real platform's class too (an installed entry point would win).
    monkeypatch.setattr(registry, "_entry_points", lambda: {k: v for k, v in installed().items() if k != PLATFORM})
    monkeypatch.setattr(webbrowser, "open", lambda *_a, **_k: False)
    real = all_specs()[PLATFORM]
    server = GenericStandIn(per_second=20)
    server.start()
    try:
        with register_fake(PLATFORM, server, rate=10.0, concurrency=2):
            record_connected(app.db, PLATFORM, "Fake shop", "1", None, {})
            shop = fill_shop(app, tmp_path)
            app.settings.set("general.first_run_done", True)
            window = MainWindow(app)
            qtbot.addWidget(window)
            window.show()
            qtbot.waitUntil(lambda: window.schedule.publisher.is_runner)
            window.shop = shop
            yield window
            window.close()
            assert window.tasks.shutdown(10_000), "a background task was still running when the test ended"
            # Destroyed now, with its dialogs: a window left behind is restyled by a later test's theme change,
            # and restyling a left-over wizard's date-time edit (with its calendar pop-up) crashes Qt 6.11.
            window.deleteLater()
            qtbot.waitUntil(lambda: not shiboken6.isValid(window))
    finally:
        server.stop()
        all_specs()[PLATFORM] = real
