"""Drawing the Analytics charts off the GUI thread.

matplotlib's Agg canvas paints each chart into a QImage (which, unlike a QPixmap, a worker thread may make),
together with the regions a pointer can rest on and what to say there. The GUI thread only shows the picture:
importing matplotlib, building a figure and drawing it took seconds there. Only worker threads import this module.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage

from core.analytics.chart_data import ChartTable, axis_money
from core.i18n import _
from core.money import format_money
from desktop.analytics.fonts import use_devanagari
from desktop.analytics.picture import Look, Picture
from desktop.analytics.style import HIGHLIGHT, elide, platform_colour, platform_name, style_axes

use_devanagari()  # before any FontProperties below: they take the family list as it is now
MAX_TICKS = 8
TICK_FONT = FontProperties(size=8.5)  # the size style_axes gives tick labels
EXPORT_SIZE = (560, 290)  # logical pixels of an exported chart (drawn at twice that)
Box = tuple[float, float, float, float, str]  # x0, x1, y0, y1 in data coordinates, and what it is


def draw(kind: str, table: ChartTable, look: Look, empty_text: str) -> Picture:
    """Draw ``table`` as chart ``kind`` ('revenue', 'platforms', 'products' or 'engagement')."""
    chart = _Chart(kind, table, look)
    chart.plot(empty_text)
    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[0], buffer.shape[1]
    image = QImage(bytes(buffer), width, height, width * 4, QImage.Format.Format_RGBA8888).copy()
    image.setDevicePixelRatio(look.ratio)
    return Picture(image, chart.tips(height), (look.width, look.height))


def save_png(kind: str, table: ChartTable, look: Look, empty_text: str, path: Path) -> None:
    """Write the chart as a PNG at twice ``look``'s size (sharp in a report or a chat)."""
    chart = _Chart(kind, table, Look(look.width, look.height, 2.0, look.colours, look.locale))
    chart.plot(empty_text)
    FigureCanvasAgg(chart.figure)
    chart.figure.savefig(path, format="png", facecolor=chart.figure.get_facecolor())


class _Chart:
    """One figure being drawn; the scale ``s`` turns logical pixels into the figure's device pixels."""

    def __init__(self, kind: str, table: ChartTable, look: Look) -> None:
        self.kind, self.table, self.look = kind, table, look
        self.s = look.ratio
        self.figure = Figure(figsize=(look.width / 100, look.height / 100), dpi=100 * look.ratio)
        self.figure.set_facecolor(look.colours["background"])
        self.ax = self.figure.add_subplot()
        style_axes(self.ax, look.colours, grid_axis="x" if kind in ("platforms", "products") else "y")
        self.legend: Any = None
        self._legend_items: tuple[list[Any], list[str]] = ([], [])
        self.boxes: list[Box] = []

    # -- text --------------------------------------------------------------------------------------------
    def money(self, value: Any) -> str:
        assert self.table.currency is not None
        return format_money(value, self.table.currency, self.look.locale)

    def count(self, value: Any) -> str:
        return format_decimal(value, locale=self.look.locale)

    # -- drawing -----------------------------------------------------------------------------------------
    def plot(self, empty_text: str) -> None:
        if self.table.empty:
            self.ax.set_axis_off()
            self.ax.text(0.5, 0.5, empty_text, transform=self.ax.transAxes, ha="center", va="center", fontsize=10,
                         color=self.look.colours["muted"], wrap=True)
            return
        {"revenue": self._stacked_bars, "platforms": self._platform_bars, "products": self._product_bars,
         "engagement": self._lines}[self.kind]()
        self._place()

    def _bars(self, boxes: list[tuple[float, float, float, float]], colour: str, alpha: float = 1.0) -> None:
        """Rectangles (x0, x1, y0, y1) as one collection: a fraction of the cost of one patch per bar."""
        self.ax.add_collection(PolyCollection([[(x0, y0), (x0, y1), (x1, y1), (x1, y0)] for x0, x1, y0, y1 in boxes],
                                              facecolors=colour, alpha=alpha, linewidths=0))

    def _money_axis(self, axis: Any) -> None:
        currency, locale = self.table.currency, self.look.locale
        assert currency is not None
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: axis_money(v, currency, locale)))
        axis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))

    def _time_axis(self) -> None:
        labels = self.table.labels
        # As many labels as fit side by side in the width the plot will roughly have, at most MAX_TICKS.
        room = self.look.width - 90
        widest = max((len(label) for label in labels), default=1) * 6.5 + 14  # pixels at the tick font size
        most = max(2, min(MAX_TICKS, int(room / widest)))
        step = max(1, math.ceil(len(labels) / most))
        self.ax.set_xticks(range(0, len(labels), step), labels[::step])
        self.ax.set_xlim(-0.6, len(labels) - 0.4)

    def _legend(self, handles: list[Any], labels: list[str], columns: int | None = None) -> None:
        if self.legend is not None:
            self.legend.remove()
        self._legend_items = (handles, labels)
        self.legend = self.figure.legend(handles, labels, loc="upper left", ncol=columns or len(labels),
                                         frameon=False, fontsize=8, handlelength=1.0, columnspacing=1.2,
                                         borderaxespad=0.2, labelcolor=self.look.colours["text"])

    def _platform_legend(self, names: list[str]) -> None:
        self._legend([Patch(color=platform_colour(n)) for n in names], [platform_name(n) for n in names])

    def _stacked_bars(self) -> None:
        table = self.table
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
                self.boxes.append((*box, f"{platform_name(name)} · {table.labels[n]}\n{self.money(value)}"))
            self._bars(mine, platform_colour(name))
        self.ax.autoscale_view()
        if min(below) >= 0:
            self.ax.set_ylim(0, self.ax.get_ylim()[1])  # bars of money start at the axis
        self._time_axis()
        self._money_axis(self.ax.yaxis)
        self._platform_legend(list(table.series))

    def _platform_bars(self) -> None:
        table, ax = self.table, self.ax
        revenue, costs, profit = table.series["Revenue"], table.series["Costs"], table.series["Profit"]
        for n, name in enumerate(table.labels):
            text = platform_name(name) + "\n" + _("Revenue {revenue}\nCosts {costs}\nProfit {profit}").format(
                revenue=self.money(revenue[n]), costs=self.money(costs[n]), profit=self.money(profit[n]))
            for offset, value, alpha in ((-0.2, revenue[n], 1.0), (0.2, profit[n], 0.45)):
                box = (0.0, float(value), n + offset - 0.19, n + offset + 0.19)
                self._bars([box], platform_colour(name), alpha)
                self.boxes.append((*box, text))
        ax.autoscale_view()
        if min(float(v) for v in profit) >= 0:
            ax.set_xlim(0, ax.get_xlim()[1])
        ax.set_yticks(range(len(table.labels)), [platform_name(n) for n in table.labels])
        ax.set_ylim(len(table.labels) - 0.5, -0.5)  # biggest at the top
        ax.axvline(0, color=self.look.colours["edge"], linewidth=0.8)
        self._money_axis(ax.xaxis)
        grey = self.look.colours["muted"]
        self._legend([Patch(color=grey), Patch(color=grey, alpha=0.45)], [_("Revenue"), _("Profit")])

    def _product_bars(self) -> None:
        table, ax = self.table, self.ax
        revenue, units = table.series["Revenue"], table.series["Units"]
        for n, label in enumerate(table.labels):
            self.boxes.append((0.0, float(revenue[n]), n - 0.31, n + 0.31,
                               f"{label}\n" + _("{amount} · {units} units").format(amount=self.money(revenue[n]),
                                                                                     units=self.count(units[n]))))
        self._bars([(x0, x1, y0, y1) for x0, x1, y0, y1, _text in self.boxes], HIGHLIGHT)
        ax.autoscale_view()
        ax.set_xlim(0, ax.get_xlim()[1])
        ax.set_yticks(range(len(table.labels)), [elide(label, 26) for label in table.labels])
        ax.set_ylim(len(table.labels) - 0.5, -0.5)
        self._money_axis(ax.xaxis)

    def _lines(self) -> None:
        table, ax = self.table, self.ax
        few = len(table.labels) <= 40
        for name, values in table.series.items():
            ax.plot(range(len(values)), [float(v) for v in values], color=platform_colour(name), linewidth=1.8,
                    marker="o" if few else None, markersize=3)
        self._time_axis()
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: self.count(int(v))))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))
        ax.set_ylim(bottom=0)
        top = ax.get_ylim()[1]
        for n, label in enumerate(table.labels):  # the whole height of a day is that day's point
            lines = [f"{platform_name(name)}: {self.count(values[n])}" for name, values in table.series.items()
                     if values[n]]
            heading = _("{day} · interactions").format(day=label)
            self.boxes.append((n - 0.5, n + 0.5, 0.0, top, "\n".join([heading, *lines])))
        self._platform_legend(list(table.series))

    # -- layout ------------------------------------------------------------------------------------------
    def _place(self) -> None:
        """Margins from the tick labels actually shown (what constrained layout finds, at a fifth of its cost),
        and a legend wrapped onto as many rows as the width needs, so no entry falls off the edge."""
        ax, s = self.ax, self.s
        renderer = FigureCanvasAgg(self.figure).get_renderer()
        width, height = self.figure.bbox.width, self.figure.bbox.height
        left = _widest(ax.yaxis, ax.get_ylim(), renderer) + 14 * s
        top, bottom = 12 * s, 24 * s
        if self.kind in ("platforms", "products"):  # money along x: no more ticks than their labels' room
            plot = width - left - 20 * s
            for bins in (5, 4, 3, 2):
                ax.xaxis.set_major_locator(MaxNLocator(nbins=bins, min_n_ticks=2))
                if _widest(ax.xaxis, ax.get_xlim(), renderer) * (bins + 1) + 16 * s * bins <= plot:
                    break
        right = max(14.0 * s, _widest(ax.xaxis, ax.get_xlim(), renderer, last_only=True) / 2 + 6 * s)
        if self.legend is not None:
            handles, labels = self._legend_items
            for columns in range(len(labels), 0, -1):
                self._legend(handles, labels, columns)
                extent = self.legend.get_window_extent(renderer)
                if extent.width <= width - left - 4 * s:
                    break
            top = extent.height + 8 * s
            self.legend.set_bbox_to_anchor((left / width - 0.01, 1.0), transform=self.figure.transFigure)
        ax.set_position([left / width, bottom / height, max(0.1, (width - left - right) / width),
                         max(0.1, (height - top - bottom) / height)])

    def tips(self, pixel_height: int) -> list[tuple[QRectF, str]]:
        """The hover boxes in logical pixels from the top left (after drawing: the transforms are final)."""
        found = []
        clip = self.ax.get_window_extent()
        for x0, x1, y0, y1, text in self.boxes:
            (ax0, ay0), (ax1, ay1) = self.ax.transData.transform([(x0, y0), (x1, y1)])
            left, right = max(min(ax0, ax1), clip.x0), min(max(ax0, ax1), clip.x1)
            low, high = max(min(ay0, ay1), clip.y0), min(max(ay0, ay1), clip.y1)
            if right > left and high > low:
                found.append((QRectF(left / self.s, (pixel_height - high) / self.s, (right - left) / self.s,
                                     (high - low) / self.s), text))
        return found


def _widest(axis: Any, limits: tuple[float, float], renderer: Any, *, last_only: bool = False) -> float:
    """Pixel width of the widest tick label ``axis`` will show (or of the last one, which may overhang)."""
    low, high = sorted(limits)
    spots = [v for v in axis.get_majorticklocs() if low - 1e-9 <= v <= high + 1e-9]
    texts = axis.get_major_formatter().format_ticks(spots) if spots else []
    if last_only:
        texts = texts[-1:]
    return max((renderer.get_text_width_height_descent(t, TICK_FONT, ismath=False)[0] for t in texts if t),
               default=0.0)
