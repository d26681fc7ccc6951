"""The one interface every platform implements (API or browser), and the plain data that crosses it."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from core.db.types import utcnow
from core.platforms.specs import Capabilities, PlatformSpec

if TYPE_CHECKING:
    from core.db.database import Database
    from core.platforms.http import HttpOptions
    from core.secrets import SecretStore
    from core.settings import Settings

ListingState = Literal["draft", "active", "inactive", "unknown"]


@dataclass(frozen=True)
class ListingCopy:
    """The approved copy of one product for one platform (hashtags carry '#', tags do not)."""

    title: str
    description: str
    bullets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    # A web shop's search-engine listing (Shopify's SEO title and meta description); empty where not written.
    seo_title: str = ""
    seo_description: str = ""

    def text_with_bullets(self) -> str:
        """The description followed by the bullets as "• " lines, for platforms with a plain-text description."""
        bullets = "\n".join(f"• {b}" for b in self.bullets if b.strip())
        return f"{self.description.rstrip()}\n\n{bullets}" if bullets else self.description


@dataclass(frozen=True)
class ListingRequest:
    """Everything a platform needs to list one product: facts, approved copy, and the platform's image variants."""

    product_id: int
    platform: str
    copy: ListingCopy
    price: Decimal
    currency: str
    quantity: int
    sku: str | None
    images: tuple[Path, ...]
    idempotency_key: str
    category: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    alt_texts: tuple[str, ...] = ()
    # The product's marketplace details that are given (core/products/marketplace.py), as text: mrp, hsn_code, ...
    details: Mapping[str, str] = field(default_factory=dict)

    @property
    def listing_sku(self) -> str:
        """The SKU the listing carries: the product's own, or one made from the job's key when it has none.

        Reconciliation finds a listing again by it; never by its copy alone, which another product may share.
        """
        return self.sku or f"SD-{self.idempotency_key[:12].upper()}"

    @property
    def product_label(self) -> str:
        """How messages name the product: ``#12 'Blue mug'``."""
        title = self.copy.title if len(self.copy.title) <= 60 else self.copy.title[:59] + "…"
        return f"#{self.product_id} '{title}'"


@dataclass(frozen=True)
class ListingResult:
    """Where a listing lives on the platform and what state it is in."""

    remote_id: str
    url: str | None
    state: ListingState
    image_count: int | None = None


@dataclass(frozen=True)
class AccountInfo:
    """Who SellerDesk is connected as, and what it learnt while connecting (stored in the connection's preferences)."""

    account_id: str
    account_name: str
    expires_at: datetime | None = None
    preferences: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sale:
    """One sold line on a platform; ``external_id`` is stable, so importing twice changes nothing."""

    external_id: str
    occurred_at: datetime
    amount: Decimal
    currency: str
    quantity: int = 1
    fees: Decimal = Decimal(0)
    sku: str | None = None
    remote_listing_id: str | None = None
    kind: str = "sale"


@dataclass(frozen=True)
class Engagement:
    """How one listing or post is doing at ``taken_at``."""

    remote_id: str
    taken_at: datetime
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    reach: int = 0
    impressions: int = 0
    clicks: int = 0
    #: counters the platform would not give this time (left at 0 here, never stored as 0), and why
    unavailable: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class Choice:
    """One value the seller may pick for a preference."""

    value: str
    label: str


@dataclass(frozen=True)
class PreferenceField:
    """A choice the seller makes once per platform (e.g. Etsy's category and shipping profile)."""

    key: str
    label: str
    choices: tuple[Choice, ...]
    required: bool = True
    help: str = ""
    #: several values may be picked (stored as a list)
    multiple: bool = False


@dataclass
class ConnectOptions:
    """What connecting may need from the seller; the GUI and the CLI fill in what the platform's ``connect`` asks."""

    token: str | None = None  # a pasted credential, e.g. Shopify's Admin API token
    app_secret: str | None = None  # the app's own secret when not yet in the keychain, e.g. Etsy's shared secret
    open_browser: Callable[[str], object] | None = None  # default: the system browser
    on_url: Callable[[str], None] | None = None  # shows the sign-in address, for when no browser opens
    cancel: threading.Event | None = None
    timeout: float | None = None


@dataclass
class PlatformContext:
    """What a platform object works with: its data file, the settings, secrets, database and HTTP behaviour."""

    spec: PlatformSpec
    settings: Settings
    secrets: SecretStore
    db: Database
    http: HttpOptions
    now: Callable[[], datetime] = utcnow


class Platform(ABC):
    """One selling platform. Methods block (call them off the GUI thread) and raise the PlatformError family."""

    #: secret names this platform keeps; forgotten on disconnect
    secret_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: PlatformContext) -> None:
        self.context = context

    @property
    def name(self) -> str:
        """The platform's key, e.g. ``etsy``."""
        return self.context.spec.name

    @property
    def capabilities(self) -> Capabilities:
        """What the platform supports (from its data file)."""
        return self.context.spec.capabilities

    @abstractmethod
    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Link SellerDesk to the seller's account (sign-in, pasted token, ...) and store the credentials."""

    @abstractmethod
    def check_connection(self) -> AccountInfo:
        """Prove the stored credentials still work; raise AuthExpired if not."""

    @abstractmethod
    def preference_fields(self) -> list[PreferenceField]:
        """Choices the seller must make before publishing (may ask the platform for the options)."""

    @abstractmethod
    def publish(self, request: ListingRequest, *, existing: ListingResult | None = None) -> ListingResult:
        """Put the product live. With ``existing`` (from ``find_existing`` after OutcomeUnknown), finish that
        listing instead of creating another."""

    @abstractmethod
    def update(self, remote_id: str, request: ListingRequest) -> ListingResult:
        """Change a live listing's copy, price and quantity to match ``request``."""

    @abstractmethod
    def update_inventory(self, remote_id: str, *, quantity: int, price: Decimal | None = None,
                         sku: str | None = None, product: str | None = None) -> None:
        """Set stock (and optionally price) of a listing, e.g. after the item sold elsewhere."""

    @abstractmethod
    def delist(self, remote_id: str, *, product: str | None = None) -> ListingResult:
        """Take a listing off sale without deleting it."""

    @abstractmethod
    def find_existing(self, request: ListingRequest) -> ListingResult | None:
        """Look for a listing an earlier, unanswered attempt may have made (by idempotency key, SKU or copy)."""

    @abstractmethod
    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Sales since ``since`` (as far back as the platform allows)."""

    def fetch_engagement(self, remote_ids: list[str]) -> list[Engagement]:
        """Engagement figures of the given listings; platforms without any return nothing."""
        return []

    def disconnect(self) -> None:
        """Forget the stored credentials."""
        self.context.secrets.delete_many(self.secret_names)

    def ready_to_connect(self) -> None:  # noqa: B027 (optional hook: most platforms need nothing set first)
        """Raise a PlatformError naming what must be set (e.g. a store address) before connecting can start."""

    def close(self) -> None:  # noqa: B027 (optional hook: browser platforms may hold nothing to release)
        """Release network connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
