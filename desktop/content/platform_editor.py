"""One platform's copy: fields with live counters against that platform's limits, problems listed, a preview."""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.content.drafts import DraftView
from core.content.models import PlatformCopy
from core.content.rules import FieldRule, PlatformRules, compose_caption, load_rules
from core.content.validate import validate
from core.i18n import N_, _
from desktop.theme import icon

SAVE_DELAY_MS = 700
STATUS_TEXT = {"draft": N_("Draft — not approved yet"), "approved": N_("Approved"), "rejected": N_("Rejected")}
UNITS = (N_("characters"), N_("points"), N_("hashtags"), N_("tags"))  # counted things, translated where shown


def _counter_text(count: int, limit: int | None, unit: str) -> str:
    return f"{count:,} / {limit:,} {_(unit)}" if limit else f"{count:,} {_(unit)}"


class PlatformEditor(QWidget):
    """Edits one platform's copy; emits ``edited`` (debounced) and the approve/reject/regenerate requests."""

    edited = Signal(str, object)  # platform, PlatformCopy
    approveRequested = Signal(str)
    rejectRequested = Signal(str)
    unapproveRequested = Signal(str)
    regenerateRequested = Signal(str)

    def __init__(self, rules: PlatformRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules = rules
        self.platform = rules.name
        self._draft: DraftView | None = None
        self._loading = False
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._counters: dict[str, tuple[QLabel, FieldRule, str]] = {}
        self._build()

    def _build(self) -> None:
        self.source = QLabel("")
        self.source.setProperty("role", "muted")
        self.status = QLabel("")
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.source)

        form = QFormLayout()
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setMinimumHeight(150)
        self.bullets = QPlainTextEdit(placeholderText=_("One point per line"))
        self.bullets.setMaximumHeight(110)
        self.hashtags = QLineEdit(placeholderText=_("#handmade #diwali"))
        self.tags = QLineEdit(placeholderText=_("brass lamp, diwali gift, home decor"))
        self.seo_title = QLineEdit(placeholderText=_("The title search engines show"))
        self.seo_description = QPlainTextEdit(placeholderText=_("The short text under it in search results"))
        self.seo_description.setMaximumHeight(70)
        fields = [("title", _("Title"), self.title, "characters"), ("description", _("Description"), self.description,
                  "characters"), ("bullets", _("Key points"), self.bullets, "points"),
                  ("hashtags", _("Hashtags"), self.hashtags, "hashtags"), ("tags", _("Tags"), self.tags, "tags"),
                  ("seo_title", _("Search title"), self.seo_title, "characters"),
                  ("seo_description", _("Search text"), self.seo_description, "characters")]
        for name, label, widget, unit in fields:
            rule = self.rules.fields.get(name)
            if rule is None:
                widget.hide()
                continue
            counter = QLabel("")
            counter.setProperty("role", "counter")
            row = QVBoxLayout()
            row.setSpacing(2)
            row.addWidget(widget)
            row.addWidget(counter)
            form.addRow(label, row)
            self._counters[name] = (counter, rule, unit)
            signal = widget.textChanged
            signal.connect(self._changed)
        self.caption_counter = QLabel("")
        self.caption_counter.setProperty("role", "counter")
        if self.rules.caption is not None:
            form.addRow(_("Whole post"), self.caption_counter)

        self.problems = QLabel("")
        self.problems.setProperty("role", "error")
        self.problems.setWordWrap(True)

        self.regenerate = QPushButton(icon("sparkle"), _("Rewrite"))
        self.regenerate.setToolTip(_("Write this {platform} copy again").format(platform=self.rules.label))
        self.regenerate.clicked.connect(lambda: self.regenerateRequested.emit(self.platform))
        self.reject = QPushButton(icon("reject"), _("Reject"))
        self.reject.clicked.connect(lambda: self.rejectRequested.emit(self.platform))
        self.unapprove = QPushButton(_("Back to draft"))
        self.unapprove.setToolTip(_("Withdraw the approval (or rejection); the copy is kept"))
        self.unapprove.clicked.connect(lambda: self.unapproveRequested.emit(self.platform))
        self.approve = QPushButton(icon("approve", "#ffffff"), _("Approve"))
        self.approve.setProperty("primary", True)
        self.approve.clicked.connect(self._approve)
        buttons = QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addStretch(1)
        buttons.addWidget(self.unapprove)
        buttons.addWidget(self.reject)
        buttons.addWidget(self.approve)

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setMinimumWidth(280)
        preview_box = QVBoxLayout()
        heading = QLabel(_("How it will look on {platform}").format(platform=self.rules.label))
        heading.setProperty("role", "muted")
        preview_box.addWidget(heading)
        preview_box.addWidget(self.preview, 1)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addLayout(form)
        left.addWidget(self.problems)
        left.addStretch(1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(preview_box, 2)

    # -- data --------------------------------------------------------------------------------------------
    def show_draft(self, draft: DraftView | None) -> None:
        """Show a stored draft (None: nothing written yet for this platform)."""
        self._timer.stop()
        self._draft = draft
        self._loading = True
        try:
            self.title.setText(draft.title if draft else "")
            self.description.setPlainText(draft.description if draft else "")
            self.bullets.setPlainText("\n".join(draft.bullets) if draft else "")
            self.hashtags.setText(" ".join(draft.hashtags) if draft else "")
            self.tags.setText(", ".join(draft.tags) if draft else "")
            self.seo_title.setText(draft.seo_title if draft else "")
            self.seo_description.setPlainText(draft.seo_description if draft else "")
        finally:
            self._loading = False
        for button in (self.approve, self.reject):
            button.setEnabled(draft is not None)
        self.unapprove.setVisible(draft is not None and draft.status in ("approved", "rejected"))
        if draft is None:
            self.status.setText(_("No copy yet — press “Write copy”."))
            self.source.setText("")
        else:
            self.status.setText(_(STATUS_TEXT[draft.status]) if draft.status in STATUS_TEXT else draft.status)
            if draft.stale:
                self.status.setText(_("Approved — but the product changed since: check it and approve again"))
                self.status.setToolTip(draft.stale)
            writer = (_("Written by Gemini ({model})").format(model=draft.model) if draft.source == "gemini"
                      else _("Written offline"))
            self.source.setText(_("Edited by you") if draft.edited_by_seller else writer)
        self._refresh()

    def copy(self) -> PlatformCopy:
        """The copy as currently shown in the fields."""
        hashtags = [h for h in self.hashtags.text().replace(",", " ").split() if h.strip("#")]
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        bullets = [b.strip() for b in self.bullets.toPlainText().splitlines() if b.strip()]
        language = self._draft.language if self._draft else "en"
        return PlatformCopy(platform=self.platform, title=self.title.text().strip(),
                            description=self.description.toPlainText().strip(), bullets=bullets,
                            seo_title=self.seo_title.text().strip(),
                            seo_description=self.seo_description.toPlainText().strip(),
                            hashtags=hashtags, tags=tags, source="offline", language=language)  # type: ignore[arg-type]

    def _changed(self) -> None:
        if self._loading:
            return
        self.status.setText(_("Draft — edited, not approved yet"))
        self._refresh()
        self._timer.start()

    def flush(self) -> None:
        """Send pending edits now (before approving, or switching product)."""
        if self._timer.isActive():
            self._timer.stop()
            self.edited.emit(self.platform, self.copy())

    def _approve(self) -> None:
        self.flush()
        self.approveRequested.emit(self.platform)

    # -- counters, problems, preview ---------------------------------------------------------------------
    def _refresh(self) -> None:
        copy = self.copy()
        values = {"title": copy.title, "description": copy.description, "bullets": copy.bullets,
                  "hashtags": copy.hashtags, "tags": copy.tags, "seo_title": copy.seo_title,
                  "seo_description": copy.seo_description}
        for name, (label, rule, unit) in self._counters.items():
            value = values[name]
            if isinstance(value, str):
                count, limit = len(value), rule.max_chars
            else:
                count, limit = len(value), rule.max_items
            label.setText(_counter_text(count, limit, unit))
            self._set_over(label, bool(limit and count > limit))
        if self.rules.caption is not None:
            caption = compose_caption(copy, self.rules)
            self.caption_counter.setText(_counter_text(len(caption), self.rules.caption.max_chars, "characters"))
            self._set_over(self.caption_counter, len(caption) > self.rules.caption.max_chars)
        problems = validate(copy, load_rules()) if (self._draft or any(values.values())) else []
        guard = self._draft.guard if self._draft else None
        claims = guard.check(copy, self.rules.label) if guard else []
        self.problems.setText("\n".join([f"• {p.message}" for p in problems]
                                        + [_("? Unbacked claim: {claim}").format(claim=c.message) for c in claims]))
        self.problems.setVisible(bool(problems or claims))
        self.approve.setEnabled(self._draft is not None and not problems)
        self.approve.setToolTip(_("Fix the problems listed first.") if problems else _("Ready to publish"))
        self._render_preview(copy)

    @staticmethod
    def _set_over(label: QLabel, over: bool) -> None:
        label.setProperty("over", over)
        label.style().unpolish(label)
        label.style().polish(label)

    def _render_preview(self, copy: PlatformCopy) -> None:
        # Everything the seller or Gemini wrote is escaped: product text is shown, never run as markup.
        body = html.escape(compose_caption(copy, self.rules)).replace("\n", "<br>")
        title = f"<p style='font-size:13pt;font-weight:600'>{html.escape(copy.title)}</p>" if copy.title else ""
        tags = ""
        if copy.tags and self.rules.caption is None:
            tags = "<p style='color:#7b8794'>" + " · ".join(html.escape(t) for t in copy.tags) + "</p>"
        bullets = ""
        if copy.bullets and self.rules.caption is None:
            bullets = "<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in copy.bullets) + "</ul>"
        self.preview.setHtml(f"<div style='font-size:10pt'><p style='color:#7b8794'>{html.escape(self.rules.label)}"
                             f"</p>{title}<p>{body}</p>{bullets}{tags}</div>")
