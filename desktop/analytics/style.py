"""How analytics look: one colour per platform everywhere, names as sellers write them, axes that match the app."""

from __future__ import annotations

import zlib
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from core.i18n import N_, _
from core.paths import resources_dir
from desktop.theme import dates_qlocale

# Hues near each brand's own where they stay apart from one another; a platform keeps its colour in every chart.
PLATFORM_COLOURS = {
    "shopify": "#5e8e3e", "etsy": "#f1641e", "meesho": "#9f2089", "instagram": "#e1306c", "facebook": "#1877f2",
    "pinterest": "#bd081c", "whatsapp": "#0f9d8a", "offline": "#7b8794", "indiamart": "#2e3192",
    "snapdeal": "#e8a317", "amazon": "#c47f00", "flipkart": "#2a9df4",
}
# For platforms SellerDesk has no colour for (a seller's own shop name): picked by name, so always the same.
_SPARE = ["#3d8b8b", "#8a5a44", "#6b5b95", "#88a61b", "#d65f5f", "#4f6d7a", "#b565a7", "#c2a83e"]
NAMES = {"whatsapp": "WhatsApp", "indiamart": "IndiaMART", "offline": N_("Walk-in & offline")}
UP, DOWN = "#1f8b4c", "#d64545"
HIGHLIGHT = "#2f6fdf"


def platform_colour(platform: str) -> str:
    """The colour ``platform`` is drawn in (amazon-in and amazon-eu share Amazon's)."""
    if platform in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[platform]
    family = platform.split("-")[0]
    if family in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[family]
    return _SPARE[zlib.crc32(platform.encode("utf-8")) % len(_SPARE)]


def platform_name(platform: str) -> str:
    """``platform`` as a seller writes it: Etsy, WhatsApp, Amazon-EU."""
    if platform in NAMES:
        return _(NAMES[platform]) if platform == "offline" else NAMES[platform]
    head, _sep, tail = platform.partition("-")
    return head.capitalize() + (f"-{tail.upper()}" if len(tail) <= 3 and tail else f" {tail}" if tail else "")


# The shared style sheet dresses combo boxes but not date edits; this matches them (same border, same chevron).
_DATE_EDIT_STYLE = """
QDateTimeEdit { padding: 5px 7px; padding-right: 24px; border: 1px solid palette(mid); border-radius: 5px;
                background: palette(base); }
QDateTimeEdit:focus { border: 1px solid palette(highlight); }
QDateTimeEdit::drop-down { subcontrol-origin: padding; subcontrol-position: center right; width: 22px;
                           border: none; }
QDateTimeEdit::down-arrow { image: url(@ICONS@/chevron-down.svg); width: 12px; height: 12px; }
"""


def dress_date_edit(edit: QWidget) -> None:
    """Give a date (or date-time) edit with a calendar pop-up the look of the app's combo boxes."""
    edit.setStyleSheet(_DATE_EDIT_STYLE.replace("@ICONS@", (resources_dir() / "icons").as_posix()))
    edit.setLocale(dates_qlocale())


def chart_colours(widget: QWidget) -> dict[str, str]:
    """Background, text, muted text and grid colours from the app's palette, so charts sit in their cards."""
    palette = widget.palette()
    return {
        "background": palette.color(QPalette.ColorRole.Base).name(),
        "text": palette.color(QPalette.ColorRole.Text).name(),
        "muted": palette.color(QPalette.ColorRole.PlaceholderText).name(),
        "grid": palette.color(QPalette.ColorRole.AlternateBase).name(),
        "edge": palette.color(QPalette.ColorRole.Mid).name(),
    }


def style_axes(ax: Any, colours: dict[str, str], *, grid_axis: str = "y") -> None:
    """Quiet axes: no box, a light grid behind the data, readable tick labels."""
    ax.set_facecolor(colours["background"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(colours["edge"])
    ax.tick_params(colors=colours["muted"], labelcolor=colours["text"], labelsize=8.5, length=3)
    ax.grid(axis=grid_axis, color=colours["grid"], linewidth=1.0)
    ax.set_axisbelow(True)


def elide(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for axis labels."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
