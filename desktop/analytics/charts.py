"""The Analytics chart cards: a picture drawn by a worker (desktop.analytics.render), a hover tooltip, and export
as PNG or CSV. Nothing here imports matplotlib: the GUI thread only shows images."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.analytics.chart_data import ChartTable, write_csv
from core.errors import SellerDeskError
from core.i18n import _
from desktop.analytics.picture import Look, Picture
from desktop.analytics.style import chart_colours
from desktop.tasks import TaskHandle, TaskRunner

REDRAW_DELAY_MS = 150  # while a window is being resized, draw once it stops
MIN_HEIGHT = 205
TIP_BACKGROUND = QColor(31, 41, 51, 237)


class ChartView(QWidget):
    """Shows a drawn chart and, where the pointer rests on a bar or a day, what it is."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setMouseTracking(True)
        self.picture: Picture | None = None
        self._tip: str | None = None
        self._at = QPointF()

    def show_picture(self, picture: Picture) -> None:
        """Show ``picture`` (the tooltip goes: what it named may be gone)."""
        self.picture = picture
        self._tip = None
        self.update()

    @property
    def tip_text(self) -> str | None:
        """The tooltip shown now, if any."""
        return self._tip

    def _scale(self) -> float:
        """Logical pixels of the picture per pixel of the widget (a picture drawn for an older size is
        stretched until the new one arrives)."""
        if self.picture is None or not self.picture.size[0] or not self.width():
            return 1.0
        return self.picture.size[0] / self.width()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        scale = self._scale()
        tip = self.picture.tip_at(position.x() * scale, position.y() * scale) if self.picture else None
        if tip != self._tip or (tip and position != self._at):
            self._tip, self._at = tip, position
            self.update()

    def leaveEvent(self, _event: object) -> None:
        if self._tip is not None:
            self._tip = None
            self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.picture is not None:
            painter.drawImage(QRectF(self.rect()), self.picture.image)
        if self._tip:
            self._paint_tip(painter)

    def _paint_tip(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        lines = self._tip.splitlines() if self._tip else []
        width = max(metrics.horizontalAdvance(line) for line in lines) + 16
        height = metrics.height() * len(lines) + 10
        # Beside the pointer, on the side with room, never past the edges.
        x = self._at.x() + 12 if self._at.x() < self.width() / 2 else self._at.x() - 12 - width
        y = min(max(2.0, self._at.y() - height - 8), self.height() - height - 2)
        box = QRectF(max(2.0, min(x, self.width() - width - 2)), y, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TIP_BACKGROUND)
        painter.drawRoundedRect(box, 5, 5)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box.adjusted(8, 5, -8, -5), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         "\n".join(lines))


class ChartPanel(QFrame):
    """A card holding one chart, its title, and buttons to save it as PNG or its numbers as CSV."""

    message = Signal(str)
    rendered = Signal()  # a picture of the current table is on screen

    def __init__(self, kind: str, title: str, locale: str, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.kind = kind
        self.locale = locale
        self.tasks = tasks
        self.table: ChartTable | None = None
        self.empty_text = ""
        self._request = 0
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.unit = QLabel("")
        self.unit.setProperty("role", "muted")
        self.save_png = QPushButton(_("PNG…"))
        self.save_png.setToolTip(_("Save this chart as a picture"))
        self.save_png.clicked.connect(lambda: self._ask_and_save("png"))
        self.save_csv = QPushButton(_("CSV…"))
        self.save_csv.setToolTip(_("Save the numbers behind this chart as a spreadsheet file"))
        self.save_csv.clicked.connect(lambda: self._ask_and_save("csv"))
        for button in (self.save_png, self.save_csv):
            button.setStyleSheet("padding: 2px 8px;")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.unit)
        head.addStretch(1)
        head.addWidget(self.save_png)
        head.addWidget(self.save_csv)
        self.canvas = ChartView()
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_DELAY_MS)
        self._redraw.timeout.connect(self._draw_if_resized)
        self.canvas.resized.connect(self._redraw.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(head)
        layout.addWidget(self.canvas, 1)

    def look(self) -> Look:
        """How the chart is to look now: the canvas's size and pixel ratio, the palette's colours."""
        size = self.canvas.size()
        return Look(max(size.width(), 200), max(size.height(), MIN_HEIGHT), self.canvas.devicePixelRatioF(),
                    chart_colours(self), self.locale)

    # -- drawing -----------------------------------------------------------------------------------------
    def show_table(self, table: ChartTable, empty_text: str) -> TaskHandle:
        """Draw ``table`` (or ``empty_text`` when it has nothing to show) in the background."""
        self.table, self.empty_text = table, empty_text
        self.unit.setText(table.currency or "")
        for button in (self.save_png, self.save_csv):
            button.setEnabled(not table.empty)
        return self._draw()

    def _draw(self) -> TaskHandle:
        assert self.table is not None
        self._request += 1
        request, kind, table, look, empty_text = self._request, self.kind, self.table, self.look(), self.empty_text

        def work(_handle: TaskHandle) -> Picture:
            from desktop.analytics.render import draw  # matplotlib: only ever imported off the GUI thread

            return draw(kind, table, look, empty_text)

        def done(picture: Picture) -> None:
            if request == self._request:  # a newer table or size was asked for meanwhile
                self.canvas.show_picture(picture)
                self.rendered.emit()

        return self.tasks.start(_("Drawing charts"), work, on_success=done, on_failure=self._failed)

    def _draw_if_resized(self) -> None:
        picture = self.canvas.picture
        if self.table is not None and (picture is None or picture.size != (self.look().width, self.look().height)):
            self._draw()

    def _failed(self, exc: Exception) -> None:
        self.message.emit(_("{chart} could not be drawn ({error}).").format(chart=self.title.text(),
                                                                           error=type(exc).__name__))

    # -- export ------------------------------------------------------------------------------------------
    def export_png(self, path: Path, look: Look | None = None) -> None:
        """Save the chart as a PNG at twice screen resolution (sharp in a report or a chat); ``look`` (taken on
        the GUI thread) lets a worker do it."""
        from desktop.analytics.render import save_png

        if self.table is not None:
            look = look or self.look()
            save_png(self.kind, self.table, look, self.empty_text, path)

    def export_csv(self, path: Path) -> None:
        """Save the numbers behind the chart as CSV."""
        if self.table is not None:
            write_csv(self.table, path)

    def _ask_and_save(self, kind: str) -> None:
        name = self.title.text().lower().replace(" ", "-")
        path, _filter = QFileDialog.getSaveFileName(self, _("Save {chart}").format(chart=self.title.text()),
                                                    f"{name}.{kind}",
                                              _("PNG pictures (*.png)") if kind == "png" else _("CSV files (*.csv)"))
        if not path:
            return
        look = self.look()

        def work(_handle: TaskHandle) -> None:
            if kind == "png":
                self.export_png(Path(path), look)
            else:
                self.export_csv(Path(path))

        def failed(exc: Exception) -> None:
            reason = str(exc) if isinstance(exc, OSError | SellerDeskError) else type(exc).__name__
            self.message.emit(_("{chart} was not saved: {reason}").format(chart=self.title.text(), reason=reason))

        self.tasks.start(_("Saving {chart}").format(chart=self.title.text().lower()), work, on_failure=failed,
                         on_success=lambda _r: self.message.emit(_("Saved {chart} to {path}.").format(
                             chart=self.title.text().lower(), path=path)))
