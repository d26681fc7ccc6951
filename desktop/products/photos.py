"""The photo panel of the product editor: add (drop or pick), reorder, remove, focal point, per-platform crops."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import Cancelled
from core.i18n import N_, _
from core.images.notes import shown
from desktop.tasks import TaskRunner
from desktop.theme import icon

if TYPE_CHECKING:
    from core.products.service import ImageView, ProductView

PREVIEW_PLATFORMS = ["instagram", "facebook", "pinterest", "etsy", "shopify", "meesho", "snapdeal", "indiamart"]
PHOTO_PATTERNS = "*.jpg *.jpeg *.png *.webp *.heic *.heif *.gif"
IMAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SIDE_BY_SIDE_MIN = 560  # pixels: the photo and the grid of crop previews side by side
PADDINGS = [("white", N_("White")), ("blur", N_("Blurred photo"))]
DROP_HINT = N_("Drop photos here or click “Add photos”. Drag to reorder: the first is the cover.")
PREVIEW_SIZE = 76


def photo_filter() -> str:
    """The file dialog's filter for photos, in the interface language."""
    return _("Photos ({patterns})").format(patterns=PHOTO_PATTERNS) + ";;" + _("All files (*)")


def platform_name(platform: str) -> str:
    """How a platform is named to the seller."""
    return platform.capitalize() if platform != "indiamart" else "IndiaMART"


def _scaled(path: Path, size: int) -> QImage:
    image = QImage(str(path))
    if image.isNull():
        raise ValueError(f"cannot decode {path}")
    return image.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def _framed(image: QImage) -> QPixmap:
    """A preview with a thin frame, so white padding shows where the platform's picture ends."""
    pixmap = QPixmap(image.width() + 2, image.height() + 2)
    pixmap.fill(QColor("#9a9a9a"))
    painter = QPainter(pixmap)
    painter.drawImage(1, 1, image)
    painter.end()
    return pixmap


class PhotoList(QListWidget):
    """Photos as tiles: drag to reorder, drop files from the desktop to add."""

    filesDropped = Signal(list)
    reordered = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(96, 96))
        self.setGridSize(QSize(112, 124))
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListWidget.Movement.Snap)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAcceptDrops(True)
        self.setFixedHeight(146)
        self.setSpacing(4)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasUrls():
            paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
            event.acceptProposedAction()
            if paths:
                self.filesDropped.emit(paths)
            return
        super().dropEvent(event)
        self.reordered.emit(self.image_ids())

    def image_ids(self) -> list[int]:
        """Photo ids in the order shown."""
        return [self.item(i).data(IMAGE_ID_ROLE) for i in range(self.count())]


class FocalPicker(QWidget):
    """The selected photo; a click marks what crops must keep in view."""

    focalChanged = Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(_("Click the part of the photo every platform's crop must keep."))
        self._pixmap: QPixmap | None = None
        self._focal = QPointF(0.5, 0.5)

    def show_photo(self, pixmap: QPixmap | None, focal: tuple[float, float]) -> None:
        """Show ``pixmap`` with the focal point marked."""
        self._pixmap = pixmap
        self._focal = QPointF(*focal)
        self.update()

    def _target(self) -> QRectF:
        if self._pixmap is None:
            return QRectF()
        size = self._pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                      size.width(), size.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._pixmap is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Select a photo"))
            return
        target = self._target()
        painter.drawPixmap(target.toRect(), self._pixmap)
        point = QPointF(target.left() + self._focal.x() * target.width(),
                        target.top() + self._focal.y() * target.height())
        for colour, width in ((QColor(0, 0, 0, 160), 4), (QColor("#ffffff"), 2)):
            painter.setPen(QPen(colour, width))
            painter.drawEllipse(point, 12, 12)
            painter.drawLine(point + QPointF(-18, 0), point + QPointF(18, 0))
            painter.drawLine(point + QPointF(0, -18), point + QPointF(0, 18))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        target = self._target()
        if self._pixmap is None or not target.contains(event.position()):
            return
        x = (event.position().x() - target.left()) / target.width()
        y = (event.position().y() - target.top()) / target.height()
        self._focal = QPointF(x, y)
        self.update()
        self.focalChanged.emit(round(x, 4), round(y, 4))


class PhotoPanel(QWidget):
    """Everything about a product's photos, in the product editor."""

    changed = Signal()

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.product: ProductView | None = None
        self._preview_request = 0
        heading = QLabel(_("Photos"))
        heading.setProperty("role", "heading")
        self.hint = QLabel(_(DROP_HINT))
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        self.add_button = QPushButton(icon("photo"), _("Add photos…"))
        self.add_button.clicked.connect(self.add_from_dialog)
        self.remove_button = QPushButton(icon("delete"), _("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(heading)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)

        self.list = PhotoList()
        self.list.filesDropped.connect(self.add_files)
        self.list.reordered.connect(self._reordered)
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.focal = FocalPicker()
        self.focal.focalChanged.connect(self._focal_changed)
        self.previews = QGridLayout()
        self.previews.setSpacing(8)
        self._preview_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for n, platform in enumerate(PREVIEW_PLATFORMS):
            picture, caption = QLabel(), QLabel(platform_name(platform))
            picture.setFixedSize(PREVIEW_SIZE + 4, PREVIEW_SIZE + 4)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setProperty("role", "muted")
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box = QVBoxLayout()
            box.addWidget(picture)
            box.addWidget(caption)
            self.previews.addLayout(box, n // 4, n % 4)
            self._preview_labels[platform] = (picture, caption)
        self.padding = QComboBox()
        self.padding.setToolTip(_("When a platform's shape would cut the product, the picture is padded instead. "
                                  "Meesho, Snapdeal and IndiaMART always get white."))
        for value, text in PADDINGS:
            self.padding.addItem(_(text), value)
        self.padding.setCurrentIndex(max(0, self.padding.findData(self._fill())))
        self.padding.currentIndexChanged.connect(self._padding_changed)
        padding_row = QHBoxLayout()
        padding_row.addWidget(QLabel(_("Pad with")))
        padding_row.addWidget(self.padding)
        padding_row.addStretch(1)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setProperty("role", "warning")
        self.warnings.hide()
        side = QVBoxLayout()
        side.addLayout(self.previews)
        side.addLayout(padding_row)
        side.addWidget(self.warnings)
        side.addStretch(1)
        self.crops = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.crops.addWidget(self.focal, 1)
        self.crops.addLayout(side)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addLayout(self.crops)
        self.show_product(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The crop previews go under the photo when the editor is narrow (a 1024-pixel screen), not off its edge.
        narrow = event.size().width() < SIDE_BY_SIDE_MIN
        self.crops.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)

    # -- showing -----------------------------------------------------------------------------------------
    def show_product(self, product: ProductView | None) -> None:
        """Show ``product``'s photos (None: a product not saved yet, which cannot take photos)."""
        self.product = product
        self.list.clear()
        self.setEnabled(product is not None)
        if product is None:
            self.hint.setText(_("Give the product a title and price first; then add its photos."))
            self._selection_changed()
            return
        self.hint.setText(_(DROP_HINT))
        for image in product.images:
            item = QListWidgetItem(icon("photo"), image.original_name or _("photo"))
            item.setData(IMAGE_ID_ROLE, image.id)
            item.setToolTip(f"{image.original_name} — {image.width}×{image.height} {image.format}")
            self.list.addItem(item)
            self._load_tile(image)
        if product.images:
            self.list.setCurrentRow(0)
        else:
            self._selection_changed()

    def _load_tile(self, image: ImageView) -> None:
        def work(_handle):  # type: ignore[no-untyped-def]
            return _scaled(self.app.image_store.variants(image.sha256, ["thumbnail"])[0].path, 400)

        def done(qimage: QImage) -> None:
            # Found again by id: the list may have been rebuilt meanwhile, deleting the item this task started for.
            tile = self._tile(image.id)
            if tile is not None:
                tile.setIcon(QIcon(QPixmap.fromImage(qimage)))
                if self.list.currentItem() is tile:
                    self.focal.show_photo(QPixmap.fromImage(qimage), (image.focal_x, image.focal_y))

        self.tasks.start(_("Making thumbnails"), work, on_success=done)

    def _tile(self, image_id: int) -> QListWidgetItem | None:
        return next((self.list.item(i) for i in range(self.list.count())
                     if self.list.item(i).data(IMAGE_ID_ROLE) == image_id), None)

    def selected_image(self) -> ImageView | None:
        """The photo selected in the list."""
        item = self.list.currentItem()
        if item is None or self.product is None:
            return None
        image_id = item.data(IMAGE_ID_ROLE)
        return next((i for i in self.product.images if i.id == image_id), None)

    def _selection_changed(self) -> None:
        image = self.selected_image()
        self.remove_button.setEnabled(image is not None)
        if image is None:
            self.focal.show_photo(None, (0.5, 0.5))
            for picture, _caption in self._preview_labels.values():
                picture.clear()
            self.warnings.hide()
            return
        item = self.list.currentItem()
        pixmap = item.icon().pixmap(QSize(400, 400)) if item is not None else None
        self.focal.show_photo(pixmap, (image.focal_x, image.focal_y))
        self._refresh_previews(image)

    def _refresh_previews(self, image: ImageView) -> None:
        self._preview_request += 1
        request = self._preview_request
        focal = (image.focal_x, image.focal_y)
        fill = self._fill()

        def work(handle):  # type: ignore[no-untyped-def]
            results = {}
            variants = self.app.image_store.variants(image.sha256, PREVIEW_PLATFORMS, focal, fill)
            for n, variant in enumerate(variants):
                if handle.cancelled:
                    break
                results[variant.preset] = (_scaled(variant.path, PREVIEW_SIZE), f"{variant.width}×{variant.height}",
                                           tuple(shown(note) for note in variant.notes))
                handle.signals.progress.emit(n + 1, len(PREVIEW_PLATFORMS), variant.preset)
            return results

        def done(results: dict[str, tuple[QImage, str, tuple[str, ...]]]) -> None:
            if request != self._preview_request:
                return  # the seller has moved on to another photo or focal point
            notes: list[str] = []
            for platform, (qimage, size, platform_notes) in results.items():
                picture, caption = self._preview_labels[platform]
                picture.setPixmap(_framed(qimage))
                picture.setToolTip("\n".join(platform_notes))
                mark = " ⚠" if platform_notes else ""
                caption.setText(f"{platform_name(platform)}{mark}\n{size}")
                notes.extend(platform_notes)
            self.warnings.setText("\n".join(_("⚠ {note}.").format(note=note) for note in dict.fromkeys(notes)))
            self.warnings.setVisible(bool(notes))

        self.tasks.start(_("Previewing crops"), work, on_success=done)

    def _fill(self) -> str:
        value = str(self.app.settings.get("images.padding"))
        return value if value in dict(PADDINGS) else "white"

    def _padding_changed(self) -> None:
        self.app.settings.set("images.padding", self.padding.currentData())
        image = self.selected_image()
        if image is not None:
            self._refresh_previews(image)

    # -- changes -----------------------------------------------------------------------------------------
    def add_from_dialog(self) -> None:
        """Pick photos with the system file dialog."""
        if self.product is None:
            return
        paths, _chosen = QFileDialog.getOpenFileNames(self, _("Add photos"), "", photo_filter())
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str]) -> None:
        """Check and add photos in the background (big phone photos take a moment each)."""
        product = self.product
        if product is None:
            return

        def work(handle):  # type: ignore[no-untyped-def]
            from core.products import photos as photo_service

            return photo_service.add_photos(self.app.db, self.app.image_store, product.id, [Path(p) for p in paths],
                                            progress=handle.signals.progress.emit, cancel=handle.cancel_event)

        adding = _("Adding {count} photo") if len(paths) == 1 else _("Adding {count} photos")
        self.tasks.start(adding.format(count=len(paths)), work,
                         on_success=self._updated, on_failure=self._failed, writes=True, cancellable=True,
                         unit="photos")

    def remove_selected(self) -> None:
        """Take the selected photo off the product."""
        image = self.selected_image()
        if image is None or self.product is None:
            return
        from core.products import photos as photo_service

        self._updated(photo_service.remove_photo(self.app.db, self.product.id, image.id))

    def _reordered(self, image_ids: list[int]) -> None:
        if self.product is not None:
            from core.products import photos as photo_service

            self.product = photo_service.reorder_photos(self.app.db, self.product.id, image_ids)
            self.changed.emit()

    def _focal_changed(self, x: float, y: float) -> None:
        image = self.selected_image()
        if image is None or self.product is None:
            return
        from core.products import photos as photo_service

        self.product = photo_service.set_focal_point(self.app.db, self.product.id, image.id, x, y)
        updated = self.selected_image()
        if updated is not None:
            self._refresh_previews(updated)

    def _updated(self, product: ProductView) -> None:
        current = self.list.currentRow()
        self.show_product(product)
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox

        if isinstance(exc, Cancelled):
            self.hint.setText(str(exc))  # the seller asked for it: said, not alarmed about
            return
        QMessageBox.warning(self, _("Photo not added"), str(exc))
