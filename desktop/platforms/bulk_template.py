"""Bulk upload file…: the portal's per-category Excel template filled from the products the seller ticks, photos
alongside (the same as ``sellerdesk platforms export-template``); a route that needs no browser automation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.i18n import _
from core.platforms.browser.templates import categories, export_template
from core.products.listing import list_products
from desktop.tasks import TaskRunner

if TYPE_CHECKING:
    from core.platforms.browser.templates import TemplateExport


def product_checklist(app: App) -> QListWidget:
    """Every product with a tick box (none ticked), its id kept on each item."""
    products = QListWidget()
    no_sku = _("no SKU")
    for row in list_products(app.db, sort="id"):
        item = QListWidgetItem(f"#{row['id']}  {row['title']}  ({row['sku'] or no_sku})")
        item.setData(Qt.ItemDataRole.UserRole, row["id"])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        products.addItem(item)
    return products


def ticked(products: QListWidget) -> list[int]:
    """The ids of the ticked products of a :func:`product_checklist`, in list order."""
    items = (products.item(i) for i in range(products.count()))
    return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]


class BulkTemplateDialog(QDialog):
    """Pick the category and the products (for Meesho: the designs of one catalog), then write the file."""

    def __init__(self, app: App, tasks: TaskRunner, name: str, display: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("{platform} bulk upload file").format(platform=display))
        self.resize(560, 520)
        self.app, self.tasks, self.name, self.display = app, tasks, name, display
        self.written: TemplateExport | None = None
        self.template: Path | None = None
        intro = QLabel(_("SellerDesk fills {platform}'s bulk upload sheet with the ticked products and copies their "
                         "photos next to it. Upload both in the panel's bulk upload: no browser automation needed."
                         ).format(platform=display))
        intro.setWordWrap(True)
        self.category = QComboBox()
        self.category.addItems(categories(name))
        self.catalog_name = QLineEdit(placeholderText=_("the first design's title"))
        self.template_label = QLabel(_("none: SellerDesk writes the layout's columns"))
        pick = QPushButton(_("Use a downloaded template…"))
        pick.clicked.connect(self._pick_template)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_label, 1)
        template_row.addWidget(pick)
        form = QFormLayout()
        form.addRow(_("Category"), self.category)
        if name == "meesho":
            form.addRow(_("Catalog name"), self.catalog_name)
        form.addRow(_("Template"), template_row)
        self.products = product_checklist(app)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.write_button = QPushButton(_("Write the file…"))
        self.write_button.setProperty("primary", True)
        self.write_button.clicked.connect(self.write)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Products (the designs of one catalog: 2 to 9, 3-4 recommended)")
                                if name == "meesho" else _("Products")))
        layout.addWidget(self.products, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _pick_template(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("The {platform} template you downloaded").format(
            platform=self.display), "",
                                                _("Excel workbooks (*.xlsx)"))
        if chosen:
            self.template = Path(chosen)
            self.template_label.setText(self.template.name)

    def chosen(self) -> list[int]:
        """The ticked products' ids."""
        return ticked(self.products)

    def write(self) -> None:
        """Ask where to, then write the workbook and photos in the background."""
        ids = self.chosen()
        if not ids:
            self.status.setText(_("Tick the products to put in the file."))
            return
        folder = QFileDialog.getExistingDirectory(self, _("Where to put the file and its photos"))
        if not folder:
            return
        self.write_button.setEnabled(False)
        self.status.setText(_("Writing…"))
        name, category, template = self.name, self.category.currentText(), self.template
        catalog = self.catalog_name.text().strip() or None
        self.tasks.start(_("Writing the {platform} bulk upload file").format(platform=self.display),
                         lambda _h: export_template(self.app, name, category, ids, Path(folder), template=template,
                                                    catalog_name=catalog),
                         on_success=self._written, on_failure=self._failed, shown=True)

    def _written(self, done: TemplateExport) -> None:
        self.write_button.setEnabled(True)
        self.written = done
        self.status.setText(_("Wrote {products} products to {workbook} and {photos} photos to {images}. Upload both "
                              "in the {platform} panel's bulk upload.").format(
            products=done.products, workbook=done.workbook, photos=done.photos, images=done.images,
            platform=self.display))

    def _failed(self, exc: Exception) -> None:
        self.write_button.setEnabled(True)
        self.status.setText(str(exc))
