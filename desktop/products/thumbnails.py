"""Product thumbnails: made and decoded in worker threads, cached as pixmaps, so scrolling never stalls."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap

from core.app import App
from desktop.tasks import TaskRunner
from desktop.theme import icon

CACHE_SIZE = 240  # thumbnails kept (30 KB each): many screenfuls of the list, not 18 MB of them
ICON_SIZE = QSize(88, 88)


class ThumbnailCache(QObject):
    """QIcons for products' cover photos; a missing one is made in the background and announced by ``ready``."""

    ready = Signal(int)  # product id whose thumbnail is now available

    def __init__(self, app: App, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self._icons: OrderedDict[str, QIcon] = OrderedDict()
        self._loading: set[str] = set()
        self._failed: set[str] = set()
        self.placeholder = icon("photo")

    def icon_for(self, product_id: int, sha256: str | None) -> QIcon:
        """The thumbnail of ``sha256`` if ready; otherwise a placeholder, and the real one is requested."""
        if sha256 is None or sha256 in self._failed:
            return self.placeholder
        cached = self._icons.get(sha256)
        if cached is not None:
            self._icons.move_to_end(sha256)
            return cached
        if sha256 not in self._loading:
            self._loading.add(sha256)
            self.tasks.start(
                "Making thumbnails",
                lambda _h: self._decode(sha256),
                on_success=lambda image: self._loaded(product_id, sha256, image),
                on_failure=lambda _exc: self._broken(sha256),
            )
        return self.placeholder

    def _decode(self, sha256: str) -> QImage:
        # Runs in a worker: QImage (unlike QPixmap) may be made off the GUI thread.
        variant = self.app.image_store.variants(sha256, ["thumbnail"])[0]
        image = QImage(str(variant.path))
        if image.isNull():
            raise ValueError(f"cannot decode {variant.path}")
        return image.scaled(ICON_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)

    def _loaded(self, product_id: int, sha256: str, image: QImage) -> None:
        self._loading.discard(sha256)
        self._icons[sha256] = QIcon(QPixmap.fromImage(image))
        while len(self._icons) > CACHE_SIZE:
            self._icons.popitem(last=False)
        self.ready.emit(product_id)

    def _broken(self, sha256: str) -> None:
        self._loading.discard(sha256)
        self._failed.add(sha256)
