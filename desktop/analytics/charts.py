"""The Analytics charts: matplotlib figures in cards, with hover tooltips and export as PNG or CSV."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_API", "pyside6")  # before matplotlib picks a Qt binding for itself

from babel.numbers import format_decimal
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.analytics.chart_data import ChartTable, axis_money, write_csv
from core.errors import SellerDeskError
from core.money import format_money
from desktop.analytics.style import HIGHLIGHT, chart_colours, elide, platform_colour, platform_name, style_axes

Hover = Callable[[float, float], str | None]
MAX_TICKS = 8
TICK_FONT = FontProperties(size=8.5)  # the size style_axes gives tick labels


class ChartCanvas(FigureCanvasQTAgg):
    """A figure that shows a tooltip for whatever the pointer is over.

    The tooltip is blitted over a saved copy of the drawn chart, so moving the pointer never redraws the chart.
    """

    def __init__(self) -> None:
        self.figure = Figure(figsize=(5.6, 2.9), dpi=100)
        super().__init__(self.figure)
        self.setMinimumHeight(205)
        self._ax: Any = None
        self._legend: Any = None
        self._hover: Hover | None = None
        self._tip: Any = None
        self._background: Any = None
        self.mpl_connect("motion_notify_event", self._moved)
        self.mpl_connect("figure_leave_event", lambda _event: self._hide())

    def reset(self, hover: Hover | None, style: Callable[[Any], None]) -> Any:
        """Empty the chart for a new drawing and return its axes; ``hover(x, y)`` names what is at a point.

        The axes are made (and styled by ``style``) once; later drawings only swap the data artists, so the
        ticks, spines and grid are reused: rebuilding them is most of what a redraw would otherwise cost.
        """
        if self._ax is None:
            self._ax = self.figure.add_subplot()
            style(self._ax)
        else:
            for artist in [*self._ax.collections, *self._ax.lines, *self._ax.texts, *self._ax.patches]:
                artist.remove()
            self._ax.relim()  # forget the old data's extent
            self._ax.set_axis_on()
            self._ax.set_autoscale_on(True)
        for legend in list(self.figure.legends):
            legend.remove()
        self._legend = None
        self._hover = hover
        self._background = None
        self._tip = self._ax.annotate("", xy=(0, 0), xytext=(12, 12), textcoords="offset points", fontsize=8.5,
                                      color="#ffffff", zorder=10, visible=False, annotation_clip=False,
                                      bbox={"boxstyle": "round,pad=0.45", "fc": "#1f2933", "ec": "none",
                                            "alpha": 0.93})
        return self._ax

    def legend(self, handles: list[Any], labels: list[str], colour: str) -> None:
        """A one-line legend above the chart, lined up with the plot's left edge."""
        self._legend = self.figure.legend(handles, labels, loc="upper left", ncol=max(1, min(len(labels), 7)),
                                          frameon=False, fontsize=8, handlelength=1.0, columnspacing=1.2,
                                          borderaxespad=0.2, labelcolor=colour)

    def _place(self) -> None:
        """Margins from the tick labels actually shown: what constrained layout finds, at a fifth of its cost."""
        ax = self._ax
        renderer = self.get_renderer()
        width, height = self.figure.bbox.width, self.figure.bbox.height
        left = _widest(ax.yaxis, ax.get_ylim(), renderer) + 14
        right = max(14.0, _widest(ax.xaxis, ax.get_xlim(), renderer, last_only=True) / 2 + 6)
        top, bottom = (34 if self._legend is not None else 12), 24
        ax.set_position([left / width, bottom / height, max(0.1, (width - left - right) / width),
                         max(0.1, (height - top - bottom) / height)])
        if self._legend is not None:
            self._legend.set_bbox_to_anchor((left / width - 0.01, 1.0), transform=self.figure.transFigure)

    def draw(self) -> None:
        """Draw the chart without the tooltip, keep that picture for blitting, then put the tooltip back."""
        if self._ax is not None and self._ax.axison:
            self._place()
        shown = self._tip is not None and self._tip.get_visible()
        if shown:
            self._tip.set_visible(False)
        super().draw()
        self._background = self.copy_from_bbox(self.figure.bbox)
        if shown:
            # Onto the picture only: this may run inside a paint event, where a blit would repaint recursively.
            self._tip.set_visible(True)
            self.figure.draw_artist(self._tip)

    def _blit_tip(self) -> None:
        if self._background is None:
            self.draw_idle()
            return
        self.restore_region(self._background)
        if self._tip.get_visible():
            self.figure.draw_artist(self._tip)
        self.blit(self.figure.bbox)

    def _moved(self, event: Any) -> None:
        text = None
        if self._hover is not None and event.inaxes is not None and event.xdata is not None:
            text = self._hover(event.xdata, event.ydata)
        if text is None:
            self._hide()
            return
        self._tip.xy = (event.xdata, event.ydata)
        self._tip.set_text(text)
        right_half = event.x > self.figure.bbox.width / 2
        self._tip.set_horizontalalignment("right" if right_half else "left")
        self._tip.set_position((-12 if right_half else 12, 12))
        self._tip.set_visible(True)
        self._blit_tip()

    def _hide(self) -> None:
        if self._tip is not None and self._tip.get_visible():
            self._tip.set_visible(False)
            self._blit_tip()

    @property
    def tip_text(self) -> str | None:
        """The tooltip shown now, if any."""
        return self._tip.get_text() if self._tip is not None and self._tip.get_visible() else None


def _bars(ax: Any, boxes: list[tuple[float, float, float, float]], colour: str, alpha: float = 1.0) -> None:
    """Rectangles (x0, x1, y0, y1) drawn as one collection: a fraction of the cost of one patch per bar."""
    ax.add_collection(PolyCollection([[(x0, y0), (x0, y1), (x1, y1), (x1, y0)] for x0, x1, y0, y1 in boxes],
                                     facecolors=colour, alpha=alpha, linewidths=0))


def _widest(axis: Any, limits: tuple[float, float], renderer: Any, *, last_only: bool = False) -> float:
    """Pixel width of the widest tick label ``axis`` will show (or of the last one, which may overhang)."""
    low, high = sorted(limits)
    spots = [v for v in axis.get_majorticklocs() if low - 1e-9 <= v <= high + 1e-9]
    texts = axis.get_major_formatter().format_ticks(spots) if spots else []
    if last_only:
        texts = texts[-1:]
    return max((renderer.get_text_width_height_descent(t, TICK_FONT, ismath=False)[0] for t in texts if t),
               default=0.0)


def _from_zero(set_limits: Callable[..., Any], limits: tuple[float, float], lowest: float) -> None:
    """Bars of money start at the axis: no gap below zero unless something is negative."""
    if lowest >= 0:
        set_limits(0, limits[1])


def _box_at(boxes: list[tuple[float, float, float, float, str]], x: float, y: float) -> str | None:
    for x0, x1, y0, y1, text in boxes:
        if x0 <= x <= x1 and min(y0, y1) <= y <= max(y0, y1):
            return text
    return None


class ChartPanel(QFrame):
    """A card holding one chart, its title, and buttons to save it as PNG or its numbers as CSV."""

    message = Signal(str)

    def __init__(self, kind: str, title: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.kind = kind
        self.locale = locale
        self.table: ChartTable | None = None
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.unit = QLabel("")
        self.unit.setProperty("role", "muted")
        self.save_png = QPushButton("PNG…")
        self.save_png.setToolTip("Save this chart as a picture")
        self.save_png.clicked.connect(lambda: self._ask_and_save("png"))
        self.save_csv = QPushButton("CSV…")
        self.save_csv.setToolTip("Save the numbers behind this chart as a spreadsheet file")
        self.save_csv.clicked.connect(lambda: self._ask_and_save("csv"))
        for button in (self.save_png, self.save_csv):
            button.setStyleSheet("padding: 2px 8px;")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.unit)
        head.addStretch(1)
        head.addWidget(self.save_png)
        head.addWidget(self.save_csv)
        self.canvas = ChartCanvas()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(head)
        layout.addWidget(self.canvas, 1)

    # -- drawing -----------------------------------------------------------------------------------------
    def _style(self, ax: Any) -> None:
        style_axes(ax, chart_colours(self), grid_axis="x" if self.kind in ("platforms", "products") else "y")

    def show_table(self, table: ChartTable, empty_text: str) -> None:
        """Draw ``table`` (or ``empty_text`` when it has nothing to show)."""
        self.table = table
        self.unit.setText(table.currency or "")
        colours = chart_colours(self)
        self.canvas.figure.set_facecolor(colours["background"])
        for button in (self.save_png, self.save_csv):
            button.setEnabled(not table.empty)
        if table.empty:
            ax = self.canvas.reset(None, self._style)
            ax.set_axis_off()
            ax.text(0.5, 0.5, empty_text, transform=ax.transAxes, ha="center", va="center", fontsize=10,
                    color=colours["muted"], wrap=True)
        else:
            draw = {"revenue": self._stacked_bars, "platforms": self._platform_bars, "products": self._product_bars,
                    "engagement": self._lines}[self.kind]
            draw(table, colours)
        self.canvas.draw_idle()

    def _money(self, value: Any) -> str:
        assert self.table is not None and self.table.currency is not None
        return format_money(value, self.table.currency, self.locale)

    def _count(self, value: Any) -> str:
        return format_decimal(value, locale=self.locale)

    def _money_axis(self, axis: Any) -> None:
        assert self.table is not None and self.table.currency is not None
        currency = self.table.currency
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: axis_money(v, currency, self.locale)))
        axis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))

    def _time_axis(self, ax: Any, labels: list[str]) -> None:
        step = max(1, math.ceil(len(labels) / MAX_TICKS))
        ax.set_xticks(range(0, len(labels), step), labels[::step])
        ax.set_xlim(-0.6, len(labels) - 0.4)

    def _legend(self, names: list[str], colours: dict[str, str]) -> None:
        self.canvas.legend([Patch(color=platform_colour(n)) for n in names], [platform_name(n) for n in names],
                           colours["text"])

    def _stacked_bars(self, table: ChartTable, colours: dict[str, str]) -> None:
        boxes: list[tuple[float, float, float, float, str]] = []
        ax = self.canvas.reset(lambda x, y: _box_at(boxes, x, y), self._style)
        above = [0.0] * len(table.labels)
        below = [0.0] * len(table.labels)  # a day of more refunds than sales stacks downwards
        for name, values in table.series.items():
            mine = []
            for n, value in enumerate(values):
                height = float(value)
                if not height:
                    continue
                stack = above if height > 0 else below
                box = (n - 0.39, n + 0.39, stack[n], stack[n] + height)
                stack[n] += height
                mine.append(box)
                boxes.append((*box, f"{platform_name(name)} · {table.labels[n]}\n{self._money(value)}"))
            _bars(ax, mine, platform_colour(name))
        ax.autoscale_view()
        _from_zero(ax.set_ylim, ax.get_ylim(), min(below))
        self._time_axis(ax, table.labels)
        self._money_axis(ax.yaxis)
        self._legend(list(table.series), colours)

    def _platform_bars(self, table: ChartTable, colours: dict[str, str]) -> None:
        boxes: list[tuple[float, float, float, float, str]] = []
        ax = self.canvas.reset(lambda x, y: _box_at(boxes, x, y), self._style)
        revenue, costs, profit = table.series["Revenue"], table.series["Costs"], table.series["Profit"]
        for n, name in enumerate(table.labels):
            text = (f"{platform_name(name)}\nRevenue {self._money(revenue[n])}\nCosts {self._money(costs[n])}"
                    f"\nProfit {self._money(profit[n])}")
            for offset, value, alpha in ((-0.2, revenue[n], 1.0), (0.2, profit[n], 0.45)):
                box = (0.0, float(value), n + offset - 0.19, n + offset + 0.19)
                _bars(ax, [box], platform_colour(name), alpha)
                boxes.append((*box, text))
        ax.autoscale_view()
        _from_zero(ax.set_xlim, ax.get_xlim(), min(float(v) for v in profit))
        ax.set_yticks(range(len(table.labels)), [platform_name(n) for n in table.labels])
        ax.set_ylim(len(table.labels) - 0.5, -0.5)  # biggest at the top
        ax.axvline(0, color=colours["edge"], linewidth=0.8)
        self._money_axis(ax.xaxis)
        grey = colours["muted"]
        self.canvas.legend([Patch(color=grey), Patch(color=grey, alpha=0.45)], ["Revenue", "Profit"], colours["text"])

    def _product_bars(self, table: ChartTable, colours: dict[str, str]) -> None:
        boxes: list[tuple[float, float, float, float, str]] = []
        ax = self.canvas.reset(lambda x, y: _box_at(boxes, x, y), self._style)
        revenue, units = table.series["Revenue"], table.series["Units"]
        for n, label in enumerate(table.labels):
            boxes.append((0.0, float(revenue[n]), n - 0.31, n + 0.31,
                          f"{label}\n{self._money(revenue[n])} · {self._count(units[n])} units"))
        _bars(ax, [(x0, x1, y0, y1) for x0, x1, y0, y1, _text in boxes], HIGHLIGHT)
        ax.autoscale_view()
        _from_zero(ax.set_xlim, ax.get_xlim(), 0.0)
        ax.set_yticks(range(len(table.labels)), [elide(label, 26) for label in table.labels])
        ax.set_ylim(len(table.labels) - 0.5, -0.5)
        self._money_axis(ax.xaxis)

    def _lines(self, table: ChartTable, colours: dict[str, str]) -> None:
        def under(x: float, _y: float) -> str | None:
            n = round(x)
            if not 0 <= n < len(table.labels):
                return None
            lines = [f"{platform_name(name)}: {self._count(values[n])}" for name, values in table.series.items()
                     if values[n]]
            return "\n".join([f"{table.labels[n]} · interactions", *lines])

        ax = self.canvas.reset(under, self._style)
        few = len(table.labels) <= 40
        for name, values in table.series.items():
            ax.plot(range(len(values)), [float(v) for v in values], color=platform_colour(name), linewidth=1.8,
                    marker="o" if few else None, markersize=3)
        self._time_axis(ax, table.labels)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: self._count(int(v))))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))
        ax.set_ylim(bottom=0)
        self._legend(list(table.series), colours)

    # -- export ------------------------------------------------------------------------------------------
    def export_png(self, path: Path) -> None:
        """Save the chart as a PNG at twice screen resolution (sharp in a report or a chat)."""
        self.canvas._hide()
        self.canvas.figure.savefig(path, format="png", dpi=200, facecolor=self.canvas.figure.get_facecolor())

    def export_csv(self, path: Path) -> None:
        """Save the numbers behind the chart as CSV."""
        if self.table is not None:
            write_csv(self.table, path)

    def _ask_and_save(self, kind: str) -> None:
        name = self.title.text().lower().replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(self, f"Save {self.title.text()}", f"{name}.{kind}",
                                              "PNG pictures (*.png)" if kind == "png" else "CSV files (*.csv)")
        if not path:
            return
        try:
            (self.export_png if kind == "png" else self.export_csv)(Path(path))
        except (OSError, SellerDeskError) as exc:
            self.message.emit(f"{self.title.text()} was not saved: {exc}")
        else:
            self.message.emit(f"Saved {self.title.text().lower()} to {path}.")

