"""Plain data that goes into and comes out of listing-copy generation (no database, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from core.errors import ValidationError
from core.i18n import _

if TYPE_CHECKING:
    from core.content.errors import CopyError

Language = Literal["en", "hi", "hinglish"]
Source = Literal["gemini", "offline"]

PLATFORMS: tuple[str, ...] = (
    "facebook",
    "instagram",
    "etsy",
    "pinterest",
    "shopify",
    "meesho",
    "snapdeal",
    "indiamart",
)
LANGUAGES: tuple[str, ...] = ("en", "hi", "hinglish")
TEXT_FIELDS: tuple[str, ...] = ("title", "description", "seo_title", "seo_description")
LIST_FIELDS: tuple[str, ...] = ("bullets", "hashtags", "tags")


def stock_band(quantity: int) -> str:
    """What copy may say about stock: "none", "one" or "many" -- never the count, which the next sale changes."""
    return "none" if quantity <= 0 else "one" if quantity == 1 else "many"


@dataclass(frozen=True)
class ProductFacts:
    """What the seller told us about one product, plus the small JPEG thumbnails to show the writer."""

    title: str
    description: str = ""
    price: Decimal = Decimal("0")
    currency: str = "INR"
    category: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    quantity: int = 1
    sku: str = ""
    language: Language = "en"
    tone: str = "friendly"
    image_jpegs: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(_("The product needs a title before copy can be written."), field="title")
        if self.language not in LANGUAGES:
            raise ValidationError(
                _("Copy language {language} is not supported.").format(language=repr(self.language)),
                field="language",
                hint=_("Choose en (English), hi (Hindi) or hinglish (Hindi in Roman letters)."),
            )
        if not isinstance(self.price, Decimal) or not self.price.is_finite() or self.price < 0:
            raise ValidationError(_("Price {price} is not a usable amount.").format(price=repr(self.price)),
                                  field="price")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValidationError(
                _("Currency {currency} is not a three-letter code.").format(currency=repr(self.currency)),
                field="currency",
                hint=_("Use e.g. INR."),
            )


@dataclass(frozen=True)
class PlatformCopy:
    """Listing copy for one platform. Hashtags carry their '#'; tags do not."""

    platform: str
    title: str = ""
    description: str = ""
    bullets: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # A web shop's search-engine listing (Shopify's SEO title and meta description); empty elsewhere.
    seo_title: str = ""
    seo_description: str = ""
    source: Source = "offline"
    model: str | None = None
    language: Language = "en"

    def with_fields(self, **changes: object) -> PlatformCopy:
        """A copy of this draft with some fields replaced (the draft itself is immutable)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Violation:
    """One broken platform rule: which field, where in it, which rule, and a message that says the fix.

    ``position`` is a character offset for text fields and an item index for list fields; ``None`` when the
    whole field is at fault (e.g. a required field is empty).
    """

    platform: str
    field: str
    position: int | None
    rule: str
    message: str


@dataclass(frozen=True)
class FitChange:
    """One change the fitter made so a draft obeys a platform's rules."""

    platform: str
    field: str
    rule: str
    message: str


@dataclass
class GenerationResult:
    """What ``generate_copy`` made: one fitted draft per platform and an honest account of how.

    ``writer`` says who wrote every draft ('gemini' or 'offline'); ``from_cache`` is true when the Gemini
    answer was reused instead of paid for again; ``fitted`` lists every shortening; ``warnings`` are messages
    the seller should read (why Gemini was not used, what of Gemini's answer broke a limit).
    """

    copies: dict[str, PlatformCopy]
    writer: Source
    model: str | None = None
    from_cache: bool = False
    attempts: int = 0
    fitted: list[FitChange] = field(default_factory=list)
    warnings: list[CopyError] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)  # Gemini tokens billed (prompt, answer, thinking)
    alt_texts: list[str] = field(default_factory=list)  # Gemini's description of each photo sent, in order

    def messages(self) -> list[str]:
        """Every note for the seller as one line each: warnings first, then what was shortened."""
        return [str(w) for w in self.warnings] + [c.message for c in self.fitted]
