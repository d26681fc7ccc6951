"""Listing copy in the database: one ContentDraft per product × platform, written, edited, approved.

This joins the copy writers (service.py) to the stored products: it builds the facts and photos Gemini sees,
keeps what the seller edited unless they ask otherwise, and refuses to approve copy that breaks a platform rule.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.cache import CopyCache
from core.content.claims import Claim, ClaimFlag, ClaimGuard, load_claims
from core.content.errors import CopyCancelled
from core.content.languages import SETTING as LANGUAGE_SETTING
from core.content.languages import language_groups, parse_platform_languages
from core.content.languages import merged as merged_results
from core.content.models import LIST_FIELDS, TEXT_FIELDS, PlatformCopy, ProductFacts, Violation, stock_band
from core.content.prompt import alt_text_limit
from core.content.rules import load_rules
from core.content.service import generate_copy, merge_regenerated
from core.content.shorten import shorten
from core.content.validate import field_word, validate
from core.db.database import Database
from core.db.models import ContentDraft, Product
from core.errors import NotFound, ValidationError
from core.i18n import _
from core.products.service import get_product, live_product

if TYPE_CHECKING:
    from core.app import App
    from core.content.gemini import GeminiWriter

log = logging.getLogger(__name__)

GEMINI_KEY = "gemini:api_key"
PHOTOS_SENT = 3  # Gemini sees the first photos as small JPEGs, never the 12 MP originals


@dataclass
class DraftView:
    """One platform's stored copy of a product, with the rule violations it has right now."""

    platform: str
    title: str
    description: str
    bullets: list[str]
    hashtags: list[str]
    tags: list[str]
    status: str
    source: str
    model: str | None
    language: str
    edited_by_seller: bool
    updated_at: datetime
    violations: list[Violation] = field(default_factory=list)
    # Claims (handmade, organic...) the copy makes that no product field backs, and the guard that found them.
    claims: list[ClaimFlag] = field(default_factory=list)
    guard: ClaimGuard | None = None
    seo_title: str = ""
    seo_description: str = ""
    # Set when the product's facts changed after this copy was approved: what to do about it.
    stale: str = ""

    def copy(self) -> PlatformCopy:
        """The copy as the writers' and validator's plain type."""
        return PlatformCopy(platform=self.platform, title=self.title, description=self.description,
                            bullets=list(self.bullets), hashtags=list(self.hashtags), tags=list(self.tags),
                            seo_title=self.seo_title, seo_description=self.seo_description,
                            source="gemini" if self.source == "gemini" else "offline", model=self.model,
                            language=self.language)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for ``--json``."""
        return {
            "platform": self.platform, "title": self.title, "description": self.description,
            "seo_title": self.seo_title, "seo_description": self.seo_description, "stale": self.stale,
            "bullets": self.bullets, "hashtags": self.hashtags, "tags": self.tags, "status": self.status,
            "source": self.source, "model": self.model, "language": self.language,
            "edited_by_seller": self.edited_by_seller, "updated_at": self.updated_at.isoformat(),
            "violations": [{"field": v.field, "position": v.position, "rule": v.rule, "message": v.message}
                           for v in self.violations],
            "unbacked_claims": [{"field": c.field, "claim": c.claim, "phrase": c.phrase, "message": c.message}
                                for c in self.claims],
        }


@dataclass
class DraftOutcome:
    """What a generation did: the drafts now stored, who wrote them, and what the seller should know."""

    drafts: dict[str, DraftView]
    writer: str
    kept: list[str]  # platforms whose seller-edited copy was left alone
    messages: list[str]
    usage: dict[str, int] = field(default_factory=dict)  # Gemini tokens billed (empty offline or cached)


def _view(row: ContentDraft, claims: Sequence[Claim] = ()) -> DraftView:
    view = DraftView(row.platform, row.title, row.description, list(row.bullets), list(row.hashtags),
                     list(row.tags), row.status, row.source, row.model, row.language, row.edited_by_seller,
                     row.updated_at, seo_title=row.seo_title or "", seo_description=row.seo_description or "")
    rules = load_rules()
    view.violations = validate(view.copy(), rules)
    if row.status == "approved" and row.approved_facts and row.approved_facts != facts_fingerprint(row.product):
        view.stale = ("The product changed after this copy was approved (price, stock, title, description or "
                      "attributes); check that it is still true and approve it again.")
    if claims:
        view.guard = ClaimGuard(_stated_facts(row), tuple(claims))
        view.claims = view.guard.check(view.copy(), rules.platform(row.platform).label)
    return view


def facts_fingerprint(product: Product) -> str:
    """sha256 of the product facts copy is written from: what approval was given against (stock only as none,
    one or many, as copy states it: a sale that leaves several does not make approved copy stale)."""
    facts = {"title": product.title, "description": product.description, "price": str(product.price),
             "currency": product.currency, "category": product.category,
             "stock": stock_band(product.quantity),
             "attributes": {str(k): str(v) for k, v in sorted(product.attributes.items())}}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _stated_facts(row: ContentDraft) -> ProductFacts:
    """What the seller stated about the draft's product (no photos): what may back a claim."""
    product = row.product
    return ProductFacts(title=product.title or "?", description=product.description, category=product.category,
                        attributes={str(k): str(v) for k, v in product.attributes.items()})


def _claims(db: Database) -> list[Claim]:
    """The claim list: bundled, plus the seller's own claims.json in the data folder (beside the database)."""
    return load_claims(db.path.parent)


def _copy_of(row: ContentDraft) -> PlatformCopy:
    return _view(row).copy()


def all_platforms() -> list[str]:
    """Every platform copy can be written for, in the rules file's order."""
    return list(load_rules().platforms)


def product_facts(app: App, product_id: int, language: str | None = None) -> ProductFacts:
    """The facts and small photos Gemini (or the offline writer) needs, in the product's language or ``language``."""
    product = get_product(app.db, product_id)
    photos = [app.image_store.variants(image.sha256, ["thumbnail"])[0].path.read_bytes()
              for image in product.images[:PHOTOS_SENT]]
    return ProductFacts(
        title=product.title, description=product.description, price=product.price, currency=product.currency,
        category=product.category, attributes={str(k): str(v) for k, v in product.attributes.items()},
        quantity=product.quantity, sku=product.sku or "",
        language=language or product.language,  # type: ignore[arg-type]
        tone=_product_tone(product.attributes) or app.settings.get("content.tone"), image_jpegs=photos,
    )


def _product_tone(attributes: dict[str, Any]) -> str:
    """A product's own tone (an attribute named 'tone', never shown in copy), or '' for the shop's default."""
    return next((str(v).strip() for k, v in attributes.items() if str(k).strip().casefold() == "tone"), "")


def gemini_writer(app: App, cancel: threading.Event | None = None) -> GeminiWriter | None:
    """A Gemini writer if the seller stored a key, else None (the offline writer is used).

    With ``cancel``, the wait before a retry ends as soon as it is set, and no further (paid) call is made.
    """
    key = app.secrets.get(GEMINI_KEY)
    if not key:
        return None
    from core.content.gemini import GeminiWriter  # google-genai takes most of a second to import

    def wait_unless_cancelled(seconds: float) -> None:
        if cancel is not None and cancel.wait(seconds):
            raise CopyCancelled()

    return GeminiWriter(api_key=key, model=app.settings.get("content.gemini_model"),
                        base_url=app.settings.get("content.gemini_base_url") or None,
                        temperature=app.settings.get("content.temperature"),
                        thinking_level=app.settings.get("content.thinking_level"),
                        sleep=time.sleep if cancel is None else wait_unless_cancelled)


def generate_drafts(
    app: App, product_id: int, platforms: Sequence[str] | None = None, *, offline: bool = False, force: bool = False,
    language: str | None = None, cancel: threading.Event | None = None,
) -> DraftOutcome:
    """Write copy for ``product_id`` and store it; seller-edited drafts are kept unless ``force``.

    Uses Gemini when a key is stored and ``offline`` is false; otherwise the offline writer. Slow with Gemini
    (network): call it off the GUI thread. ``cancel``, once set, stops before the next Gemini call and before
    anything is written (CopyCancelled); a call already under way cannot be taken back, its answer is dropped.
    """
    chosen = list(platforms) if platforms else all_platforms()
    facts = product_facts(app, product_id, language)
    writer = None if offline else gemini_writer(app, cancel)
    groups = language_groups(chosen, facts.language, parse_platform_languages(app.settings.get(LANGUAGE_SETTING)),
                             language)
    results = []
    for group_language, group in groups.items():
        _stop_if(cancel)
        group_facts = facts if group_language == facts.language else replace(
            facts, language=group_language)  # type: ignore[arg-type]
        results.append(generate_copy(group_facts, group, writer=writer, cache=CopyCache(app.data_dir / "cache"),
                                     offline=offline))
    result = merged_results(results)
    _stop_if(cancel)
    kept: list[str] = []
    withdrawn: list[str] = []
    with app.db.session() as session:
        existing = {row.platform: row for row in session.scalars(
            select(ContentDraft).where(ContentDraft.product_id == product_id))}
        for platform, new in result.copies.items():
            row = existing.get(platform)
            # Copy the seller edited or approved is theirs: rewritten only when they ask (``force``).
            keep = bool(row and (row.edited_by_seller or row.status == "approved"))
            merged = merge_regenerated(_copy_of(row) if row else None, keep, new, force)
            if row is not None and merged is not new:
                kept.append(platform)
                continue
            if row is None:
                row = existing[platform] = ContentDraft(product_id=product_id, platform=platform)
                session.add(row)
            elif row.status == "approved":
                withdrawn.append(platform)
            _store(row, new, edited=False)
            row.status = "draft"
        described = _describe_photos(session, product_id, result.alt_texts)
        session.flush()
        claims = _claims(app.db)
        drafts = {platform: _view(row, claims) for platform, row in existing.items()}
    messages = result.messages()
    if result.usage:
        log.info("Gemini tokens for product %s: %s", product_id, result.usage)
        messages.append(_("Gemini used {total} tokens (prompt {prompt}, answer {answer}, thinking {thinking}).").format(
            total=f"{sum(result.usage.values()):,}", prompt=f"{result.usage.get('prompt', 0):,}",
            answer=f"{result.usage.get('answer', 0):,}", thinking=f"{result.usage.get('thinking', 0):,}"))
    elif result.from_cache:
        messages.append(_("Gemini's earlier answer for the same facts was reused (no new cost)."))
    messages += [c.message for p in result.copies if p in drafts and p not in kept for c in drafts[p].claims]
    if described:
        messages.append(_("Gemini described 1 photo (alt text for Pinterest and Instagram); alt text you wrote was "
                          "kept.") if described == 1 else
                        _("Gemini described {count} photos (alt text for Pinterest and Instagram); alt text you "
                          "wrote was kept.").format(count=described))
    if kept:
        messages.append(_("Kept your own or approved copy for {platforms}; regenerate those with 'replace my "
                          "edits'.").format(platforms=", ".join(kept)))
    if withdrawn:
        messages.append(_("Approval withdrawn for {platforms}: the copy was rewritten; check it and approve it "
                          "again.").format(platforms=", ".join(withdrawn)))
    return DraftOutcome(drafts, result.writer, kept, messages, dict(result.usage))


def _describe_photos(session: Session, product_id: int, alt_texts: list[str]) -> int:
    """Give the product's first photos Gemini's alt text, one each in order, where the seller wrote none."""
    product = session.get(Product, product_id)
    limit = alt_text_limit(load_rules())
    done = 0
    for image, alt in zip(product.images if product else [], alt_texts, strict=False):
        if alt.strip() and not image.alt_text.strip():
            image.alt_text = shorten(alt.strip(), limit)
            done += 1
    return done


def _stop_if(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise CopyCancelled()


def _store(row: ContentDraft, copy: PlatformCopy, *, edited: bool) -> None:
    row.title, row.description = copy.title, copy.description
    row.bullets, row.hashtags, row.tags = list(copy.bullets), list(copy.hashtags), list(copy.tags)
    row.seo_title, row.seo_description = copy.seo_title, copy.seo_description
    row.source = "manual" if edited else copy.source
    row.model = None if edited else copy.model
    row.language = copy.language
    row.edited_by_seller = edited


def list_drafts(db: Database, product_id: int) -> dict[str, DraftView]:
    """The stored drafts of ``product_id`` by platform."""
    with db.session() as session:
        live_product(session, product_id)
        rows = session.scalars(select(ContentDraft).where(ContentDraft.product_id == product_id))
        claims = _claims(db)
        return {row.platform: _view(row, claims) for row in rows}


def _draft(session: Session, product_id: int, platform: str) -> ContentDraft:
    live_product(session, product_id)
    row = session.scalars(select(ContentDraft).where(
        ContentDraft.product_id == product_id, ContentDraft.platform == platform)).first()
    if row is None:
        raise _no_copy(product_id, platform)
    return row


def _no_copy(product_id: int, platform: str) -> NotFound:
    return NotFound(_("Product {id} has no {platform} copy yet.").format(id=product_id, platform=platform),
                    hint=_("Generate it first."))


def save_draft(db: Database, product_id: int, platform: str, copy: PlatformCopy) -> DraftView:
    """Store the seller's own version of a platform's copy (it is then never overwritten without asking)."""
    with db.session() as session:
        row = _draft(session, product_id, platform)
        _store(row, copy, edited=True)
        row.status = "draft"
        session.flush()
        return _view(row, _claims(db))


def edit_field(db: Database, product_id: int, platform: str, name: str, value: str) -> DraftView:
    """Replace one field of a platform's copy with the seller's text (lists: one item per line, or split at
    ',' for tags and at spaces for hashtags); the copy then counts as the seller's own, not approved."""
    if name not in TEXT_FIELDS + LIST_FIELDS:
        raise ValidationError(_("There is no copy field {name}.").format(name=repr(name)), field="field",
                              hint=_("Fields: {fields}.").format(fields=", ".join(TEXT_FIELDS + LIST_FIELDS)))
    if not load_rules().platform(platform).uses(name):
        raise ValidationError(_("{platform} does not use {field}.").format(
            platform=load_rules().platform(platform).label, field=field_word(name)), field="field")
    current = list_drafts(db, product_id).get(platform)
    if current is None:
        raise _no_copy(product_id, platform)
    new: object = value.strip()
    if name in LIST_FIELDS:
        splitter = {"tags": r"[,\n]", "hashtags": r"[\s,]+", "bullets": r"\n"}[name]
        new = [item.strip() for item in re.split(splitter, value) if item.strip()]
    return save_draft(db, product_id, platform, current.copy().with_fields(**{name: new}))


def set_status(db: Database, product_id: int, platform: str, status: str) -> DraftView:
    """Approve or reject a platform's copy; approval is refused while the copy breaks a platform rule."""
    if status not in ("approved", "rejected", "draft"):
        raise ValidationError(_("Unknown copy status {status}.").format(status=repr(status)), field="status")
    with db.session() as session:
        row = _draft(session, product_id, platform)
        if status == "approved":
            problems = validate(_copy_of(row), load_rules())
            if problems:
                more = _("Fix all {count} problems first.").format(count=len(problems)) if len(problems) > 1 else None
                raise ValidationError(_("The {platform} copy cannot be approved yet: {problem}").format(
                    platform=platform, problem=problems[0].message), field=problems[0].field, hint=more)
        row.status = status
        row.approved_facts = facts_fingerprint(row.product) if status == "approved" else None
        session.flush()
        return _view(row, _claims(db))
