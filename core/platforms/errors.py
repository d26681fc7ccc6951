"""The platform error family: the one vocabulary the publishing queue and the GUI use for every platform.

Each message names the platform and (when known) the product, says what happened, and the hint says what to do.
``retryable`` tells the queue whether trying again later can help; ``OutcomeUnknown`` is never retried blindly.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Self

from core.errors import SellerDeskError
from core.i18n import N_, _, format_duration
from core.platforms.specs import display_name


class PlatformError(SellerDeskError):
    """Something went wrong talking to a platform (base of the family; on its own: needs a person to look)."""

    retryable: ClassVar[bool] = False
    default_hint: ClassVar[str | None] = None

    def __init__(self, platform: str, problem: str, *, product: str | None = None, hint: str | None = None) -> None:
        self.platform = platform
        self.problem = problem
        self.product = product
        super().__init__(self._compose(), hint=hint if hint is not None else self._default_hint())

    def _default_hint(self) -> str | None:
        return _(self.default_hint) if self.default_hint else None

    def _compose(self) -> str:
        about = _(" (product {product})").format(product=self.product) if self.product else ""
        return f"{display_name(self.platform)}: {self.problem.rstrip('. ')}{about}."

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take different constructor arguments: copy and pickle by state instead.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    def for_product(self, product: str) -> Self:
        """This error with the product named (platform code often fails before it knows which product)."""
        if self.product == product:
            return self
        named = copy.copy(self)
        named.product = product
        named.message = named._compose()
        return named


class AuthExpired(PlatformError):
    """The platform no longer accepts SellerDesk's credentials, even after one refresh: the seller must reconnect."""

    @classmethod
    def not_connected(cls, platform: str) -> AuthExpired:
        """There are no credentials at all: the seller has not connected this platform yet."""
        return cls(platform, _("SellerDesk is not connected yet"),
                   hint=_("Connect {platform} in the Platforms tab (or run: sellerdesk platforms connect {name}).")
                   .format(platform=display_name(platform), name=platform))

    def _default_hint(self) -> str:
        return _("Reconnect {platform} in the Platforms tab (or run: sellerdesk platforms connect {name}).").format(
            platform=display_name(self.platform), name=self.platform)


class RateLimited(PlatformError):
    """The platform asked SellerDesk to slow down; nothing was done, so trying after ``retry_after`` s is safe."""

    retryable = True

    def __init__(self, platform: str, retry_after: float, *, product: str | None = None,
                 problem: str | None = None, hint: str | None = None) -> None:
        self.retry_after = max(0.0, float(retry_after))
        wait = format_duration(self.retry_after)
        super().__init__(platform, problem or _("too many requests; it asks to wait {wait}").format(wait=wait),
                         product=product, hint=hint)

    def _default_hint(self) -> str:
        return _("SellerDesk tries again by itself after the wait.")


class ContentRejected(PlatformError):
    """The platform refused a field of the listing (``field``), for ``reason``; ``fix`` says what to change."""

    def __init__(self, platform: str, field: str, reason: str, *, fix: str | None = None,
                 product: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.fix = fix
        super().__init__(platform, _("rejected the {field}: {reason}").format(field=_field_name(field), reason=reason),
                         product=product, hint=fix)

    def _default_hint(self) -> str:
        return _("Change the {field} of the {platform} copy and publish again.").format(
            field=_field_name(self.field), platform=display_name(self.platform))


class TransientFailure(PlatformError):
    """A temporary failure (network, platform outage) where nothing was done; trying again later is safe."""

    retryable = True
    default_hint = N_("SellerDesk tries again later; if it keeps happening, check the internet connection.")


class OutcomeUnknown(PlatformError):
    """The request was sent but no answer came: the listing may or may not exist. Check before trying again."""

    default_hint = N_("SellerDesk checks the platform for the listing before anything is sent again; "
                      "do not publish it again by hand.")


class NotSupported(PlatformError):
    """The platform does not let SellerDesk do this (change a post, hide it, relist on a portal); the hint says how
    the seller does it by hand. Nothing was sent, and trying again cannot help."""


class ConnectCancelled(PlatformError):
    """The seller cancelled connecting, or the sign-in did not finish in time."""

    default_hint = N_("Connect again when ready.")


_FIELDS = {"title": N_("title"), "description": N_("description"), "tags": N_("tags"), "price": N_("price"),
           "images": N_("images"), "caption": N_("caption"), "hashtags": N_("hashtags"), "quantity": N_("quantity"),
           "post": N_("post"), "listing": N_("listing"), "upload": N_("upload")}


def _field_name(field: str) -> str:
    """A listing field as the seller calls it (in the interface language when it is a known one)."""
    return _(_FIELDS[field]) if field in _FIELDS else _(field.replace("_", " "))  # a portal's label: in the catalog


def _rebuild(cls: type[PlatformError], args: tuple[Any, ...], state: dict[str, Any]) -> PlatformError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
