"""Desktop test set-up: a main window on a fresh data dir, and proof that no background work outlives a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw


@pytest.fixture
def window(qtbot, isolated_env: Path) -> Iterator:
    """The main window on an empty data dir (welcome already done); checked for leftover work at the end."""
    from core.app import App
    from desktop.main_window import MainWindow

    app = App(isolated_env)
    app.settings.set("general.first_run_done", True)
    win = MainWindow(app)
    qtbot.addWidget(win)
    win.show()
    yield win
    assert win.tasks.shutdown(10_000), "a background task was still running when the test ended"
    assert win.tasks.pool.activeThreadCount() == 0 and win.tasks.writer.activeThreadCount() == 0
    win.close()
    app.close()


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
