"""The new-post wizard: choose products, platforms, a time ("now", a date and time, or each platform's best time),
review, confirm. It only gathers the choices; the tab schedules them in the background."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from core.app import App
from core.errors import ValidationError
from core.i18n import _
from core.platforms.connections import list_statuses
from core.preferences.zones import place
from core.publishing.best_time import best_time
from core.publishing.bulk import When
from core.publishing.timezones import Resolved, format_local, local_to_utc, seller_zone
from desktop.schedule.product_page import NAMED, ProductsPage, chosen_text
from desktop.theme import dates_qlocale


@dataclass(frozen=True)
class PostRequest:
    """What the seller chose."""

    product_ids: list[int]
    platforms: list[str]
    when: When
    spread_days: int
    note: str = ""


def _checked(widget: QListWidget) -> list[object]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class _ListPage(QWizardPage):
    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(text)
        self.items = QListWidget()
        self.items.itemChanged.connect(lambda _: self.completeChanged.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.items)

    def add(self, label: str, value: object, *, checked: bool = False, enabled: bool = True) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | (Qt.ItemFlag.ItemIsEnabled if enabled
                                                         else Qt.ItemFlag.NoItemFlags))
        item.setCheckState(Qt.CheckState.Checked if checked and enabled else Qt.CheckState.Unchecked)
        self.items.addItem(item)

    def isComplete(self) -> bool:
        return bool(_checked(self.items))


class _WhenPage(QWizardPage):
    def __init__(self, wizard: PostWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("When"))
        self.setSubTitle(_("Times are in your time zone ({zone}).").format(zone=place(wizard.zone.key)))
        self.now = QRadioButton(_("Now"))
        self.at = QRadioButton(_("At"))
        self.best = QRadioButton(_("The best time for each platform"))
        self.at.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.now, self.at, self.best):
            group.addButton(button)
            button.toggled.connect(lambda _: self._changed())
        self.moment = QDateTimeEdit(QDateTime.fromString(f"{wizard.now_local:%Y-%m-%dT%H}:00", Qt.DateFormat.ISODate)
                                    .addSecs(3600))
        self.moment.setCalendarPopup(True)
        self.moment.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        self.moment.setLocale(dates_qlocale())  # day and month names in the interface language
        self.moment.dateTimeChanged.connect(lambda _: self._changed())
        self.spread = QSpinBox(suffix=" " + _("day(s) apart"), minimum=0, maximum=30)
        self.spread.setSpecialValueText(_("All products together"))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "error")
        layout = QVBoxLayout(self)
        for widget in (self.now, self.at, self.moment, self.best, QLabel(_("One product after another:")), self.spread,
                       self.problem):
            layout.addWidget(widget)
        layout.addStretch(1)

    def resolved(self) -> Resolved:
        """The chosen local time as UTC (ValidationError for a time the clocks skip)."""
        value = self.moment.dateTime()
        wall = datetime(value.date().year(), value.date().month(), value.date().day(), value.time().hour(),
                        value.time().minute())
        return local_to_utc(wall, self.wizard_.zone)

    def _changed(self) -> None:
        self.moment.setEnabled(self.at.isChecked())
        self.problem.setText("")
        if self.at.isChecked():
            try:
                self.problem.setText(self.resolved().message)
            except ValidationError as exc:
                self.problem.setText(str(exc))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if not self.at.isChecked():
            return True
        try:
            return self.resolved().utc > self.wizard_.now_utc
        except ValidationError:
            return False


class _ReviewPage(QWizardPage):
    def __init__(self, wizard: PostWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Review"))
        self.setSubTitle(_("Nothing is sent before you confirm."))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Confirm"))

    def initializePage(self) -> None:
        self.summary.setText(self.wizard_.describe(self.wizard_.request()))


class PostWizard(QWizard):
    """Choose products, platforms and a time; ``request()`` is the result once accepted."""

    def __init__(self, app: App, now_utc: datetime, parent: QWidget | None = None,
                 product_ids: list[int] | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.zone = seller_zone(app.settings.get("general.timezone"))
        self.now_utc = now_utc
        self.now_local = now_utc.astimezone(self.zone)
        self.setWindowTitle(_("New post"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        for button, text in ((QWizard.WizardButton.BackButton, _("< Back")),
                             (QWizard.WizardButton.NextButton, _("Next >")),
                             (QWizard.WizardButton.CancelButton, _("Cancel"))):
            self.setButtonText(button, text)
        self.resize(760, 560)
        self.products = ProductsPage(app.db, app.settings.get("general.locale"), product_ids)
        self.platforms = _ListPage(_("Platforms"), _("Where? Platforms that are not connected cannot be chosen."))
        self.platform_names: dict[str, str] = {}
        for status in list_statuses(app.db):
            usable = status.state in ("connected", "expiring")
            self.platform_names[status.name] = status.display_name
            self.platforms.add(f"{status.display_name} — {status.summary}", status.name, checked=usable,
                               enabled=usable)
        self.when = _WhenPage(self)
        self.review = _ReviewPage(self)
        for page in (self.products, self.platforms, self.when, self.review):
            self.addPage(page)

    def request(self) -> PostRequest:
        """The seller's choices."""
        products = self.products.chosen_ids()
        platforms = [str(v) for v in _checked(self.platforms.items)]
        spread = self.when.spread.value()
        if self.when.now.isChecked():
            return PostRequest(products, platforms, "now", 0)
        if self.when.best.isChecked():
            return PostRequest(products, platforms, "best", spread)
        resolved = self.when.resolved()
        return PostRequest(products, platforms, resolved.utc, spread, resolved.message)

    def describe(self, request: PostRequest) -> str:
        """The review text: how many posts, where, when."""
        count = len(request.product_ids) * len(request.platforms)
        where = ", ".join(self.platform_names.get(name, name) for name in request.platforms)
        lines = [(_("1 post: {products} product(s) on {where}.") if count == 1 else
                  _("{count} posts: {products} product(s) on {where}.")).format(
                      count=count, products=len(request.product_ids), where=where),
                 chosen_text(len(request.product_ids), self.products.model.titles(request.product_ids[:NAMED]))]
        if request.when == "now":
            lines.append(_("When: now, ahead of scheduled posts."))
        elif request.when == "best":
            lines.append(_("When: each platform's best time:"))
            for name in request.platforms:
                best = best_time(self.app.db, name, self.zone, after=self.now_utc)
                lines.append(f"  {self.platform_names.get(name, name)}: {format_local(best.at, self.zone)} — "
                             f"{best.reason}")
        else:
            lines.append(_("When: {moment}").format(moment=format_local(request.when, self.zone)))
        if request.spread_days and request.when != "now":
            lines.append(_("Each next product {days} day(s) later, at the same local time.").format(
                days=request.spread_days))
        if request.note:
            lines.append(_("Note: {note}").format(note=request.note))
        return "\n".join(lines)
