"""The Qt binding must not leak or drop references: a long session makes millions of Qt calls."""

from __future__ import annotations

import sys


def test_calls_returning_nothing_keep_none_alive(qapp) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    # PySide6 6.12.0 dropped one reference per call, aborting the app after enough of them (pinned <6.12).
    assert abs(sys.getrefcount(None) - before) < 50
