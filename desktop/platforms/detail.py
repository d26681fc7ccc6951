"""One platform's page: its connection, a test, and the seller's preferences for it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
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
from core.platforms import connections, service
from core.platforms.base import ConnectOptions, PreferenceField
from core.platforms.browser.spec import load_portal
from core.platforms.browser.templates import layout_path
from core.platforms.connect_form import connect_form
from core.platforms.connections import PlatformStatus
from core.platforms.specs import get_spec
from core.publishing.resume import resume_paused, resumed_text
from desktop.platforms.connect_dialog import ConnectDialog
from desktop.tasks import TaskHandle, TaskRunner
from desktop.theme import icon

if TYPE_CHECKING:  # each dialog's module (the catalog's browser driver, the leads' HTTP client) when it opens
    from desktop.platforms.bulk_template import BulkTemplateDialog
    from desktop.platforms.catalog_dialog import CatalogDialog
    from desktop.platforms.portal_check import PortalCheckDialog

STATE_COLOURS = {"connected": "#2e9e5b", "expiring": "#d68a1a", "needs_attention": "#d64545",
                 "disabled": "#7b8794", "not_connected": "#7b8794"}


class PlatformDetail(QWidget):
    """Connect, test, switch off and configure one platform. Network work runs in the TaskRunner."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.status: PlatformStatus | None = None
        self._connecting: TaskHandle | None = None
        self._cancel = threading.Event()
        self.dialog: ConnectDialog | None = None  # the last Connect dialog (tests fill it in)
        self.heading = QLabel("")
        self.heading.setProperty("role", "heading")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.expiry = QLabel("")  # when and why the sign-in ends
        self.expiry.setWordWrap(True)
        self.expiry.setProperty("role", "muted")
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.connect_button = QPushButton(icon("platforms", "#ffffff"), _("Connect"))
        self.connect_button.setProperty("primary", True)
        self.connect_button.clicked.connect(self.connect_platform)
        self.cancel_button = QPushButton(_("Cancel sign-in"))
        self.cancel_button.clicked.connect(self._cancel_connect)
        self.cancel_button.hide()
        self.test_button = QPushButton(icon("approve"), _("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.disconnect_button = QPushButton(icon("reject"), _("Disconnect"))
        self.disconnect_button.clicked.connect(self.disconnect_platform)
        self.check_button = QPushButton(_("Check pages…"))  # portals only: are the data file's selectors still there?
        self.check_button.clicked.connect(self.check_pages)
        self.check_dialog: PortalCheckDialog | None = None
        self.template_button = QPushButton(_("Bulk upload file…"))  # Meesho, Snapdeal: their Excel templates
        self.template_button.clicked.connect(self.bulk_template)
        self.template_dialog: BulkTemplateDialog | None = None
        self.catalog_button = QPushButton(_("Publish catalog…"))  # Meesho: the designs of one catalog, in the panel
        self.catalog_button.clicked.connect(self.publish_catalog)
        self.catalog_dialog: CatalogDialog | None = None
        self.review_button = QPushButton(_("Check review status"))  # portals: Meesho's QC and the others' approval
        self.review_button.clicked.connect(self.check_reviews)
        self.leads_button = QPushButton(_("Leads…"))  # IndiaMART: buyer enquiries from the Lead Manager API
        self.leads_button.clicked.connect(self.show_leads)
        self.reviews = QLabel("")
        self.reviews.setWordWrap(True)
        self.reviews.hide()
        self.enabled = QCheckBox(_("Publish to this platform"))
        self.enabled.toggled.connect(self._toggle_enabled)
        buttons = QHBoxLayout()
        for button in (self.connect_button, self.cancel_button, self.test_button, self.disconnect_button,
                       self.check_button, self.catalog_button, self.template_button, self.review_button,
                       self.leads_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        prefs_heading = QLabel(_("Preferences"))
        prefs_heading.setProperty("role", "heading")
        self.markup = QDoubleSpinBox(minimum=-50, maximum=300, decimals=1, suffix=" %")
        self.markup.setToolTip(_("Added to the product's price on this platform (to cover its fees)."))
        self.hours = QLineEdit(placeholderText=_("e.g. 10-13, 19-22"))
        self.hours.setToolTip(_("Hours (your time) when posts may go out; empty means any time."))
        self.prefs = QFormLayout()
        self.prefs.addRow(_("Price markup"), self.markup)
        self.prefs.addRow(_("Posting hours"), self.hours)
        self._platform_fields: dict[str, QComboBox | QListWidget] = {}
        self.load_choices = QPushButton(_("Load choices from the platform"))
        self.load_choices.clicked.connect(self._load_fields)
        self.save_button = QPushButton(_("Save preferences"))
        self.save_button.clicked.connect(self.save_preferences)
        save_row = QHBoxLayout()
        save_row.addWidget(self.load_choices)
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        self.setMaximumWidth(720)  # a form stretched across a wide screen is hard to read
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.expiry)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.reviews)
        layout.addWidget(self.enabled)
        layout.addSpacing(12)
        layout.addWidget(prefs_heading)
        layout.addLayout(self.prefs)
        layout.addLayout(save_row)
        layout.addStretch(1)

    # -- showing -----------------------------------------------------------------------------------------
    def show_status(self, status: PlatformStatus) -> None:
        """Show ``status`` and the stored preferences of its platform."""
        switching = self.status is None or self.status.name != status.name
        self.status = status
        self.heading.setText(status.display_name)
        colour = STATE_COLOURS.get(status.state, "#7b8794")
        self.summary.setText(f"<span style='color:{colour}'>●</span> {status.summary[:1].upper()}{status.summary[1:]}")
        connected = status.state != "not_connected"
        ends = (_("Sign-in ends {date}.").format(date=status.expires_at.date().isoformat()) + " "
                if status.expires_at and connected else "")
        why = f"{status.expiry_reason[:1].upper()}{status.expiry_reason[1:]}." if status.expiry_reason else ""
        self.expiry.setText(f"{status.warning} {ends}{why}".strip() if connected else "")
        self.expiry.setProperty("role", "error" if status.warning else "muted")
        self.expiry.style().polish(self.expiry)
        self.connect_button.setText(_("Reconnect") if connected else _("Connect"))
        self.test_button.setEnabled(connected)
        self.disconnect_button.setEnabled(connected)
        self.check_button.setVisible(status.kind == "browser")
        self.check_button.setEnabled(connected)
        self.template_button.setVisible(layout_path(status.name).is_file())
        self.catalog_button.setVisible(status.kind == "browser" and load_portal(status.name).designs is not None)
        # (the bundled flow: a form of catalogs is a property of the portal, not of an edited copy's selectors)
        self.catalog_button.setEnabled(connected)
        self.review_button.setVisible(status.kind == "browser")
        self.review_button.setEnabled(connected)
        self.leads_button.setVisible("leads_api" in get_spec(status.name).extra)  # needs a CRM key, not a sign-in
        self.load_choices.setEnabled(connected)
        self.enabled.blockSignals(True)
        self.enabled.setChecked(status.enabled)
        self.enabled.blockSignals(False)
        if switching:
            self.error.hide()
            self._show_preferences(connections.get_preferences(self.app.db, status.name))

    def _show_preferences(self, prefs: dict[str, Any]) -> None:
        self.markup.setValue(float(prefs.get("price_markup_percent", 0)))
        self.hours.setText(str(prefs.get("posting_hours", "")))
        for combo in self._platform_fields.values():
            self.prefs.removeRow(combo)
        self._platform_fields.clear()
        connected = self.status is not None and self.status.state != "not_connected"
        self.load_choices.setEnabled(connected)

    def _add_fields(self, fields: list[PreferenceField]) -> None:
        prefs = connections.get_preferences(self.app.db, self.status.name) if self.status else {}
        for combo in self._platform_fields.values():
            self.prefs.removeRow(combo)
        self._platform_fields.clear()
        for field in fields:
            if field.multiple:
                self._add_checklist(field, prefs.get(field.key) or [])
                continue
            combo = QComboBox()
            combo.setToolTip(field.help)
            if not field.required:
                combo.addItem(_("— none —"), None)
            for choice in field.choices:
                combo.addItem(choice.label, choice.value)
            index = combo.findData(prefs.get(field.key))
            if index >= 0:
                combo.setCurrentIndex(index)
            self.prefs.addRow(field.label, combo)
            self._platform_fields[field.key] = combo

    def _add_checklist(self, field: PreferenceField, picked: list[str]) -> None:
        checklist = QListWidget()
        checklist.setToolTip(field.help)
        checklist.setMaximumHeight(24 * max(2, min(6, len(field.choices))) + 8)
        for choice in field.choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.value in picked else Qt.CheckState.Unchecked)
            checklist.addItem(item)
        self.prefs.addRow(field.label, checklist)
        self._platform_fields[field.key] = checklist

    @staticmethod
    def _picked(widget: QComboBox | QListWidget) -> Any:
        if isinstance(widget, QComboBox):
            return widget.currentData()
        return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    # -- actions -----------------------------------------------------------------------------------------
    def _options(self) -> ConnectOptions | None:
        """The connect form's dialog, when the platform needs something typed; None when the seller cancels."""
        assert self.status is not None
        options = ConnectOptions(cancel=self._cancel,
                                 on_url=lambda url: self.message.emit(_("Sign in at {url}").format(url=url)))
        form = connect_form(self.app, self.status.name)
        if form is None:
            return options
        dialog = ConnectDialog(self.app, form, self)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.options is None:
            return None
        options.token, options.app_secret = dialog.options.token, dialog.options.app_secret
        return options

    def connect_platform(self) -> None:
        """Sign in (system browser or a pasted token) in the background; the seller can cancel."""
        if self.status is None or self._connecting is not None:
            return
        options = self._options()
        if options is None:
            return
        self._cancel.clear()
        name = self.status.name
        self._busy(True)
        self._connecting = self.tasks.start(
            _("Connecting {platform}").format(platform=self.status.display_name),
            lambda _h: self._connect_and_resume(name, options),
            on_success=lambda done: self._connected(*done), on_failure=self._failed)

    def _connect_and_resume(self, name: str, options: ConnectOptions) -> tuple[PlatformStatus, str]:
        """In the worker: connect, then put the jobs paused until the seller connected back in the queue (the
        publishing runner sends them)."""
        status = service.connect_platform(self.app, name, options)
        return status, resumed_text(resume_paused(self.app, name))

    def _cancel_connect(self) -> None:
        self._cancel.set()

    def _connected(self, status: PlatformStatus, resumed: str = "") -> None:
        self._busy(False)
        self.error.hide()
        self.show_status(status)
        self.message.emit(f"{status.display_name}: {status.summary}." + (f" {resumed}" if resumed else ""))
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self.changed.emit()  # the status may have changed too (e.g. now needs attention)
        self.error.setText(str(exc))
        self.error.show()
        self.message.emit(str(exc))

    def _busy(self, busy: bool) -> None:
        if not busy:
            self._connecting = None
        self.connect_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)

    def test_connection(self) -> None:
        """Ask the platform whether SellerDesk's sign-in still works."""
        if self.status is None:
            return
        name = self.status.name
        self.tasks.start(_("Testing {platform}").format(platform=self.status.display_name),
                         lambda _h: service.verify_connection(self.app, name),
                         on_success=self._connected, on_failure=self._failed)

    def check_pages(self) -> None:
        """Open the Check pages dialog of this portal and start the check."""
        from desktop.platforms.portal_check import PortalCheckDialog

        if self.status is None:
            return
        self.check_dialog = PortalCheckDialog(self.app, self.tasks, self.status.name, self.status.display_name, self)
        self.check_dialog.show()
        self.check_dialog.start()

    def check_reviews(self) -> None:
        """Read the portal's review of the listings still in it, in the background, and show each outcome."""
        from core.platforms.browser.review import check_platform_reviews

        if self.status is None:
            return
        name = self.status.name
        self.review_button.setEnabled(False)
        self.tasks.start(_("Checking the {platform} review").format(platform=self.status.display_name),
                         lambda _h: check_platform_reviews(self.app, name),
                         on_success=self._reviews_shown, on_failure=self._reviews_failed)

    def _reviews_shown(self, reviews: list[Any]) -> None:
        self.review_button.setEnabled(True)
        if self.status is None:
            return
        lines = [r.describe(self.status.name) for r in reviews]
        self.reviews.setText("\n".join(lines or [_("No {platform} listing is waiting for its review.").format(
            platform=self.status.display_name)]))
        self.reviews.show()

    def _reviews_failed(self, exc: Exception) -> None:
        self.review_button.setEnabled(True)
        self._failed(exc)

    def bulk_template(self) -> None:
        """Open the Bulk upload file dialog of this portal."""
        from desktop.platforms.bulk_template import BulkTemplateDialog

        if self.status is None:
            return
        self.template_dialog = BulkTemplateDialog(self.app, self.tasks, self.status.name, self.status.display_name,
                                                  self)
        self.template_dialog.show()

    def publish_catalog(self) -> None:
        """Open the Publish catalog dialog: designs of one product published as one catalog through the panel."""
        from desktop.platforms.catalog_dialog import CatalogDialog

        if self.status is None:
            return
        self.catalog_dialog = CatalogDialog(self.app, self.tasks, self.status.name, self.status.display_name, self)
        self.catalog_dialog.show()

    def show_leads(self) -> None:
        """Open the Leads dialog: the CRM key with Test key, and the last 7 days' enquiries with Refresh."""
        from desktop.platforms.leads_dialog import LeadsDialog

        self.leads_dialog = LeadsDialog(self.app, self.tasks, self)
        self.leads_dialog.show()

    def disconnect_platform(self) -> None:
        """Forget the platform's credentials (choices stay)."""
        if self.status is None:
            return
        name = self.status.name
        self.tasks.start(_("Disconnecting {platform}").format(platform=self.status.display_name),
                         lambda _h: service.disconnect_platform(self.app, name),
                         on_success=self._connected, on_failure=self._failed)

    def _toggle_enabled(self, on: bool) -> None:
        if self.status is not None:
            connections.set_enabled(self.app.db, self.status.name, on)
            self.changed.emit()

    def _load_fields(self) -> None:
        if self.status is None:
            return
        name = self.status.name
        self.tasks.start(_("Loading {platform} choices").format(platform=self.status.display_name),
                         lambda _h: service.preference_fields(self.app, name),
                         on_success=self._add_fields, on_failure=self._failed)

    def save_preferences(self) -> None:
        """Store the markup, posting hours and the platform's own choices."""
        if self.status is None:
            return
        values: dict[str, Any] = {"price_markup_percent": self.markup.value(),
                                  "posting_hours": self.hours.text().strip() or None}
        for key, widget in self._platform_fields.items():
            values[key] = self._picked(widget)
        service.save_preferences(self.app, self.status.name, values)
        self.message.emit(_("Saved {platform} preferences.").format(platform=self.status.display_name))
