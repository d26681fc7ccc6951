"""The audit log, viewable in the app: uses of stored keys, publishing, stock, export and deletion, in plain words
and local time, with a filter."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.analytics.periods import zone
from core.app import App
from core.i18n import _
from core.preferences.zones import describe as describe_zone
from core.trust.audit import recent_events
from core.trust.audit_text import CATEGORIES, OTHER, plain_lines

LIMIT = 1000


class AuditDialog(QDialog):
    """The newest entries, newest first, filtered by kind and by words as the seller types."""

    def __init__(self, app: App, parent: QDialog | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Audit log"))
        self.resize(820, 520)
        name = app.settings.get("general.timezone")
        self.lines = plain_lines(app.db, recent_events(app.db, LIMIT), zone(name))
        note = QLabel(_("Every use of a stored key or password, every publish, stock change, export and deletion is "
                        "recorded here. Key values themselves are never recorded. Times are {zone}.").format(
                            zone=describe_zone(name)))
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        self.category = QComboBox()
        self.category.addItem(_("Everything"), "")
        for category in dict.fromkeys([*CATEGORIES.values(), OTHER]):
            self.category.addItem(_(category), category)
        self.category.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search = QLineEdit(placeholderText=_("Find words, e.g. Etsy or a product's name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.apply_filter())
        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        bar = QHBoxLayout()
        bar.addWidget(self.category)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("When"), _("What happened")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.apply_filter()

    def apply_filter(self) -> None:
        """Show the entries of the chosen kind that hold the typed words."""
        shown = [line for line in self.lines
                 if line.matches(self.category.currentData() or "", self.search.text().strip())]
        self.table.setRowCount(len(shown))
        for row, line in enumerate(shown):
            when = QTableWidgetItem(line.when)
            what = QTableWidgetItem(line.what)
            what.setToolTip(f"{line.what}\n({line.category}; {line.kind})")
            self.table.setItem(row, 0, when)
            self.table.setItem(row, 1, what)
        self.count.setText(_("{shown} of {total}").format(shown=f"{len(shown):,}", total=f"{len(self.lines):,}"))
