"""Light and dark themes (Fusion + a palette + resources/style/base.qss), following the OS when asked."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QLocale, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from core.i18n import language
from core.paths import resources_dir

_LIGHT = {
    QPalette.ColorRole.Window: "#f5f6f8", QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f0f2f5", QPalette.ColorRole.Text: "#1f2933",
    QPalette.ColorRole.WindowText: "#1f2933", QPalette.ColorRole.Button: "#ffffff",
    QPalette.ColorRole.ButtonText: "#1f2933", QPalette.ColorRole.Highlight: "#2f6fdf",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#d5d9e0",
    QPalette.ColorRole.PlaceholderText: "#7b8794", QPalette.ColorRole.ToolTipBase: "#1f2933",
    QPalette.ColorRole.ToolTipText: "#ffffff",
}
_DARK = {
    QPalette.ColorRole.Window: "#1e2126", QPalette.ColorRole.Base: "#272b31",
    QPalette.ColorRole.AlternateBase: "#2c3138", QPalette.ColorRole.Text: "#e4e7eb",
    QPalette.ColorRole.WindowText: "#e4e7eb", QPalette.ColorRole.Button: "#2c3138",
    QPalette.ColorRole.ButtonText: "#e4e7eb", QPalette.ColorRole.Highlight: "#5b8def",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#3e444d",
    QPalette.ColorRole.PlaceholderText: "#9aa5b1", QPalette.ColorRole.ToolTipBase: "#e4e7eb",
    QPalette.ColorRole.ToolTipText: "#1f2933",
}


def is_dark(choice: str) -> bool:
    """Whether the theme setting (system/light/dark) means dark right now."""
    if choice == "system":
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return choice == "dark"


_ICON_STROKE = "#4a6fa5"  # the colour the SVGs are drawn in
_icon_colour = {"value": _ICON_STROKE}


def apply_theme(app: QApplication, choice: str) -> None:
    """Give the whole app the light or dark look."""
    dark = is_dark(choice)
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    _icon_colour["value"] = "#8fb3ef" if dark else _ICON_STROKE
    icon.cache_clear()
    icons = (resources_dir() / "icons").as_posix()
    app.setStyleSheet((resources_dir() / "style" / "base.qss").read_text(encoding="utf-8").replace("@ICONS@", icons))


@lru_cache(maxsize=128)
def icon(name: str, colour: str | None = None) -> QIcon:
    """An icon from resources/icons, drawn in the theme's icon colour or ``colour`` (e.g. white on blue)."""
    svg = (resources_dir() / "icons" / f"{name}.svg").read_bytes()
    svg = svg.replace(_ICON_STROKE.encode(), (colour or _icon_colour["value"]).encode())
    renderer = QSvgRenderer(QByteArray(svg))
    pixmap = QPixmap(128, 128)  # drawn large once, so it stays sharp at 150 % scaling and in empty states
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return QIcon(pixmap)


def dates_qlocale() -> QLocale:
    """Qt's locale for date and time edits: their day and month names in the interface language (digits 0-9)."""
    return QLocale(QLocale.Language.Hindi, QLocale.Country.India) if language() == "hi" else QLocale()
