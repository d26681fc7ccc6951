"""The product editor: fields checked as the seller types, kept on disk at every keystroke, saved when valid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.app import App
from core.errors import NotFound, SellerDeskError, ValidationError
from core.i18n import N_, _
from core.products import marketplace
from core.products.autosave import AutosaveJournal
from core.products.fields import LANGUAGES, STATUSES, format_attributes
from desktop.products.change_bar import ChangedElsewhereBar
from desktop.products.marketplace_section import MarketplaceSection, mark_invalid
from desktop.products.photos import PhotoPanel
from desktop.tasks import TaskRunner

if TYPE_CHECKING:
    from core.products.service import ProductInput, ProductView

AUTOSAVE_DELAY_MS = 600
CURRENCIES = ["INR", "USD", "EUR", "GBP", "AED", "AUD", "CAD", "SGD"]
STATUS_LABELS = {"draft": N_("Draft"), "ready": N_("Ready"), "archived": N_("Archived")}
LANGUAGE_LABELS = {"en": N_("English"), "hi": N_("Hindi (हिन्दी)"), "hinglish": N_("Hinglish")}
FORM_LABELS = {"title": N_("Title"), "price": N_("Price"), "currency": N_("Price"), "cost_price": N_("Your cost"),
               "quantity": N_("In stock"), "sku": N_("SKU"), "category": N_("Category"), "status": N_("Status"),
               "language": N_("Copy language"), "attributes": N_("Attributes"), "description": N_("Description")}
BASE_KEY = "_base"  # in a journal entry: the product as it was when the kept edits began


def form_values(product: ProductView) -> dict[str, Any]:
    """``product`` as the form shows it (the raw values the form holds and the service validates)."""
    # The service (and SQLAlchemy with it) is imported when a product is first shown or saved, not for the window's
    # first frame.
    from core.products import service

    return {"title": product.title, "price": "" if product.price == service.NO_PRICE else str(product.price),
            "currency": product.currency,
            "cost_price": "" if product.cost_price is None else str(product.cost_price),
            "quantity": product.quantity, "sku": product.sku or "", "category": product.category,
            "status": product.status, "language": product.language,
            "attributes": format_attributes(product.attributes), "description": product.description,
            **product.details()}


def _comparable(values: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in values.items() if key != BASE_KEY}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The keys whose value differs between two form states (compared as the form's text)."""
    old, new = _comparable(before), _comparable(after)
    return [key for key in dict.fromkeys([*old, *new]) if old.get(key, "") != new.get(key, "")]


def field_label(key: str) -> str:
    """The label the editor shows beside field ``key`` (translated)."""
    return _(FORM_LABELS[key]) if key in FORM_LABELS else marketplace.label(key)


class ProductEditor(QWidget):
    """Edits one product. Every change is journalled at once and written to the database shortly after."""

    saved = Signal(int)  # product id
    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.journal = AutosaveJournal(app.data_dir)
        self.product_id: int | None = None
        self._loading = False
        self._dirty = False
        self._base: dict[str, Any] | None = None  # the product as the form last took it from the database
        self._held = False  # changed elsewhere while edited here: nothing is saved until the seller chooses
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._errors: dict[str, QLabel] = {}
        self._build()

    # -- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(_("New product"))
        self.heading.setProperty("role", "heading")
        self.state = QLabel("")
        self.state.setProperty("role", "muted")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.state)

        self.title = QLineEdit(placeholderText=_("What buyers search for, e.g. Handmade brass diya"))
        self.price = QLineEdit(placeholderText=_("e.g. 1,299.50 (a draft may wait for it)"))
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        self.currency.setEditable(True)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.currency)
        self.cost = QLineEdit(placeholderText=_("what one costs you to make or buy (only you see it)"))
        self.cost.setToolTip(_("Used for your profit in Analytics; never sent to a platform. Leave empty if unsure."))
        self.quantity = QSpinBox(minimum=0, maximum=1_000_000, value=1)
        self.sku = QLineEdit(placeholderText=_("optional, e.g. DIYA-001"))
        self.category = QLineEdit(placeholderText=_("e.g. Home > Lighting"))
        self.status = QComboBox()
        for value in STATUSES:
            self.status.addItem(_(STATUS_LABELS[value]), value)
        self.language = QComboBox()
        for value in LANGUAGES:
            self.language.addItem(_(LANGUAGE_LABELS[value]), value)
        self.attributes = QLineEdit(placeholderText=_("colour=gold; material=brass; size=10 cm"))
        self.description = QPlainTextEdit(
            placeholderText=_("A few facts about the product: what it is, how it is made"))
        self.description.setMinimumHeight(110)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(4)
        for key, field in [
            ("title", self.title), ("price", price_row), ("cost_price", self.cost), ("quantity", self.quantity),
            ("sku", self.sku), ("category", self.category), ("status", self.status), ("language", self.language),
            ("attributes", self.attributes), ("description", self.description),
        ]:
            form.addRow(field_label(key), field)
            error = QLabel("")
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.hide()
            form.addRow("", error)
            self._errors[key] = error

        self.details = MarketplaceSection()
        self.details.edited.connect(self._changed)
        self.photos = PhotoPanel(self.app, self.tasks)
        self.photos.changed.connect(self._photos_changed)
        self.changed_bar = ChangedElsewhereBar()
        self.changed_bar.reload_requested.connect(self.take_theirs)
        self.changed_bar.keep_mine_requested.connect(self.keep_mine)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.changed_bar)
        layout.addLayout(form)
        layout.addWidget(self.details)
        layout.addWidget(self.photos)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        for widget in (self.title, self.price, self.cost, self.sku, self.category, self.attributes):
            widget.textEdited.connect(self._changed)
        self.currency.currentTextChanged.connect(self._changed)
        self.quantity.valueChanged.connect(self._changed)
        self.status.currentIndexChanged.connect(self._changed)
        self.language.currentIndexChanged.connect(self._changed)
        self.description.textChanged.connect(self._changed)

    # -- loading -----------------------------------------------------------------------------------------
    @property
    def journal_key(self) -> str:
        """The autosave journal entry of the product being edited."""
        return f"product-{self.product_id}" if self.product_id is not None else "product-new"

    def new_product(self) -> None:
        """Start an empty product (or the unsaved one the journal kept)."""
        self.save_now()
        self.product_id = None
        self._base = None
        self._fill({"title": "", "price": "", "cost_price": "", "currency": self.app.settings.get("general.currency"),
                    "quantity": 1,
                    "sku": "", "category": "", "status": "draft",
                    "language": self.app.settings.get("general.language"), "attributes": "", "description": ""})
        self.photos.show_product(None)
        self._recover()
        self.heading.setText(_("New product"))
        self.title.setFocus()

    def load(self, product_id: int) -> None:
        """Show ``product_id``; edits kept in the journal but never saved are put back."""
        if product_id == self.product_id:
            return
        self.save_now()
        from core.products import service

        product = service.get_product(self.app.db, product_id)
        self.product_id = product_id
        self._base = form_values(product)
        self._fill(self._base)
        self.photos.show_product(product)
        self._recover()
        self.heading.setText(product.title)

    def name_new_product(self) -> None:
        """Put the cursor in the title of a product just made from photos, its first title selected for typing."""
        self.title.setFocus()
        self.title.selectAll()
        self.state.setText(_("Give it a name and a price"))

    def _recover(self) -> None:
        self._held = False
        self.changed_bar.hide()
        kept = self.journal.load(self.journal_key)
        if kept:
            current = self._base
            if isinstance(kept.get(BASE_KEY), dict):
                self._base = kept[BASE_KEY]  # the product as the kept edits began from, to tell what changed since
            self._fill(kept)
            self._dirty = True
            self.state.setText(_("Recovered unsaved changes"))
            self.message.emit(_("Recovered changes that were not saved last time."))
            self._validate()
            if current is not None and self._base is not None and changed_fields(self._base, current):
                self._hold(current)
            else:
                self._timer.start()
        else:
            self._dirty = False
            self.state.setText("")

    def _fill(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.title.setText(str(values.get("title", "")))
            self.price.setText(str(values.get("price", "")))
            self.cost.setText(str(values.get("cost_price") or ""))
            self.currency.setCurrentText(str(values.get("currency", "INR")))
            self.quantity.setValue(int(values.get("quantity") or 0))
            self.sku.setText(str(values.get("sku") or ""))
            self.category.setText(str(values.get("category", "")))
            self.status.setCurrentIndex(max(0, self.status.findData(values.get("status", "draft"))))
            self.language.setCurrentIndex(max(0, self.language.findData(values.get("language", "en"))))
            self.attributes.setText(str(values.get("attributes", "")))
            self.description.setPlainText(str(values.get("description", "")))
            self.details.fill(values)
            for label in self._errors.values():
                label.hide()
            for widget in (self.title, self.price, self.cost, self.sku, self.attributes):
                self._mark(widget, False)
        finally:
            self._loading = False

    # -- editing -----------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The form as raw values (what the journal keeps and the service validates)."""
        return {
            "title": self.title.text(), "price": self.price.text(), "cost_price": self.cost.text(),
            "currency": self.currency.currentText(),
            "quantity": self.quantity.value(), "sku": self.sku.text(), "category": self.category.text(),
            "status": self.status.currentData(), "language": self.language.currentData(),
            "attributes": self.attributes.text(), "description": self.description.toPlainText(),
            **self.details.values(),
        }

    def _changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        kept = self.values() if self._base is None else {**self.values(), BASE_KEY: self._base}
        self.journal.save(self.journal_key, kept)  # on disk before anything else can go wrong
        self.state.setText(_("Editing…") if not self._held else _("Not saved yet"))
        self._timer.start()

    def _mark(self, widget: QWidget, invalid: bool) -> None:
        mark_invalid(widget, invalid)

    def _validate(self) -> ProductInput | None:
        from core.products import service

        for label in self._errors.values():
            label.hide()
        for widget in (self.title, self.price, self.cost, self.sku, self.attributes):
            self._mark(widget, False)
        self.details.clear_errors()
        try:
            return service.product_input(self.values(), default_currency=self.app.settings.get("general.currency"))
        except ValidationError as exc:
            field = exc.field or "title"
            if self.details.show_error(field, str(exc)):
                return None
            label = self._errors.get(field)
            if label is not None:
                label.setText(str(exc))
                label.show()
            fields = {"title": self.title, "price": self.price, "cost_price": self.cost, "sku": self.sku,
                      "attributes": self.attributes}
            widget = fields.get(field)
            if widget is not None:
                self._mark(widget, True)
            return None

    def save_now(self) -> bool:
        """Write a valid form to the database now (used by the timer, and before switching product)."""
        self._timer.stop()
        if not self._dirty:
            return not self._dirty
        if self._held or self._changed_elsewhere():
            return False
        data = self._validate()
        if data is None:
            self.state.setText(_("Not saved yet: fix the field marked in red"))
            return False
        values, key, product_id = self.values(), self.journal_key, self.product_id
        from core.products import service

        try:
            if product_id is None:
                product = service.create_product(self.app.db, data)
                self.product_id = product.id
                self.photos.show_product(product)
            else:
                product = service.update_product(self.app.db, product_id, values)
        except SellerDeskError as exc:
            self.state.setText(_("Not saved"))
            self.message.emit(str(exc))
            return False
        self.journal.clear(key)
        self._dirty = False
        self._base = form_values(product)
        self.heading.setText(product.title)
        self.state.setText(_("All changes saved"))
        self.saved.emit(product.id)
        return True

    # -- changed elsewhere -------------------------------------------------------------------------------
    def _stored(self) -> dict[str, Any] | None:
        """The open product as the database holds it now (None: deleted or in the bin)."""
        if self.product_id is None:
            return None
        from core.products import service

        try:
            return form_values(service.get_product(self.app.db, self.product_id))
        except NotFound:
            return None

    def _changed_elsewhere(self) -> bool:
        """Before writing the form: if the product changed in the database since the form took it (a sync round
        applied another computer's edit), hold the edits and ask instead of writing the old fields back."""
        if self.product_id is None or self._base is None:
            return False
        current = self._stored()
        if current is not None and not changed_fields(self._base, current):
            return False
        self._hold(current)
        return True

    def _hold(self, current: dict[str, Any] | None) -> None:
        """Keep the edits unsaved and ask (``current`` None: the product was deleted meanwhile)."""
        assert self._base is not None
        self._timer.stop()
        self._held = True
        if current is None:
            self.changed_bar.ask_deleted()
        else:
            self.changed_bar.ask(list(dict.fromkeys(field_label(key)
                                                    for key in changed_fields(self._base, current))))
        self.state.setText(_("Not saved yet"))

    def _close_deleted(self) -> None:
        title = self._base.get("title", "") if self._base else ""
        self.product_id, self._base = None, None
        self.setEnabled(False)
        self.message.emit(_("“{title}” was deleted on another computer.").format(title=title))

    def refresh_from_database(self) -> None:
        """The database may have changed under the form (a sync round): show the product as it is now if the form
        holds no unsaved edits, else ask which side stays. Nothing is written here."""
        if self.product_id is None or self._base is None or self._held:
            return
        current = self._stored()
        if current is None:
            if self._dirty:
                self._hold(None)
            else:
                self._close_deleted()
            return
        if not changed_fields(self._base, current):
            return
        if not self._dirty:
            self._base = current
            self._fill(current)
            self.heading.setText(str(current["title"]))
            self.state.setText(_("Updated from another computer"))
            return
        if not changed_fields(self.values(), current):
            self._base = current  # the other computer made the same edit: nothing left to save
            self._dirty = False
            self.journal.clear(self.journal_key)
            self.state.setText(_("All changes saved"))
            return
        self._hold(current)

    def take_theirs(self) -> None:
        """Reload: drop the unsaved edits and show the product as the database holds it now."""
        current = self._stored()
        self._held = False
        self.changed_bar.hide()
        self.journal.clear(self.journal_key)
        self._dirty = False
        if current is None:
            self._close_deleted()
            return
        self._base = current
        self._fill(current)
        self.heading.setText(str(current["title"]))
        self.state.setText(_("Updated from another computer"))

    def keep_mine(self) -> None:
        """Keep mine: the form, as the seller sees it, is saved over the other change."""
        self._held = False
        self.changed_bar.hide()
        self._dirty = True
        current = self._stored()
        if current is None and self.product_id is not None:  # deleted meanwhile: back from the bin, or anew
            from core.products import service

            try:
                current = form_values(service.restore_product(self.app.db, self.product_id))
            except NotFound:  # gone for good: the form becomes a new product
                self.journal.clear(self.journal_key)
                self.product_id = None
                self._changed()
        self._base = current
        self.save_now()

    def _photos_changed(self) -> None:
        if self.product_id is not None:
            self.saved.emit(self.product_id)
