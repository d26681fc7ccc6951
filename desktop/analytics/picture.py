"""A drawn chart as the GUI thread receives it from a worker, and what the worker needs to draw one."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage


@dataclass(frozen=True)
class Look:
    """Everything about a drawing that is not data: size (logical pixels), pixel ratio, palette, locale."""

    width: int
    height: int
    ratio: float
    colours: dict[str, str]
    locale: str


@dataclass
class Picture:
    """A drawn chart: the image (at the screen's pixel ratio) and its hover regions in logical pixels."""

    image: QImage
    tips: list[tuple[QRectF, str]] = field(default_factory=list)
    size: tuple[int, int] = (0, 0)  # the logical size it was drawn for

    def tip_at(self, x: float, y: float) -> str | None:
        """What the pointer at (``x``, ``y``) (logical pixels, top-left origin) is over, if anything."""
        return next((text for rect, text in self.tips if rect.contains(x, y)), None)
