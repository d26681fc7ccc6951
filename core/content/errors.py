"""Why listing copy could not be written (or was changed), in words a seller can act on."""

from __future__ import annotations

from core.errors import Cancelled, SellerDeskError
from core.i18n import _


class CopyError(SellerDeskError):
    """Base of every listing-copy problem.

    ``transient`` is true when trying again later (or writing offline now) is the right answer, so the service
    may fall back to the offline writer instead of stopping.
    """

    transient: bool = False


class GeminiKeyInvalid(CopyError):
    """Google refused the API key (400 API_KEY_INVALID, 401 or 403)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            _("Gemini refused the API key ({detail}).").format(detail=detail),
            hint=_("Paste a valid key from Google AI Studio in Settings > AI copy, or draft the copy offline."),
        )


class GeminiRateLimited(CopyError):
    """Quota or rate limit (429 RESOURCE_EXHAUSTED) still hit after the last retry."""

    transient = True

    def __init__(self, attempts: int) -> None:
        super().__init__(
            _("Gemini is rate-limiting this API key (quota used up); gave up after {attempts} attempts.").format(
                attempts=attempts),
            hint=_("Wait a minute and try again, check your quota in Google AI Studio, or draft the copy offline."),
        )


class GeminiUnavailable(CopyError):
    """Google's servers kept failing (5xx) through every retry."""

    transient = True

    def __init__(self, code: int, attempts: int) -> None:
        super().__init__(
            _("Gemini's servers are failing (HTTP {code}); gave up after {attempts} attempts.").format(
                code=code, attempts=attempts),
            hint=_("Try again in a few minutes, or draft the copy offline."),
        )


class GeminiNetworkError(CopyError):
    """Gemini could not be reached at all (no connection, DNS failure, time-out)."""

    transient = True

    def __init__(self, detail: str, attempts: int) -> None:
        super().__init__(
            _("Could not reach Gemini ({detail}); gave up after {attempts} attempts.").format(
                detail=detail, attempts=attempts),
            hint=_("Check the internet connection (and the Gemini base URL in Settings), or draft the copy offline."),
        )


class GeminiRequestRejected(CopyError):
    """Any other 4xx: the request itself was refused, e.g. an unknown model name."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(
            _("Gemini refused the request (HTTP {code}: {detail}).").format(code=code, detail=detail),
            hint=_("Check the model name in Settings > AI copy (content.gemini_model), or draft the copy offline."),
        )


class GeminiBlocked(CopyError):
    """Gemini's safety filters blocked the product (promptFeedback.blockReason or finishReason SAFETY)."""

    def __init__(self, reason: str, product: str) -> None:
        super().__init__(
            _("Gemini's safety filter blocked copy for {product} (reason: {reason}).").format(
                product=repr(product), reason=reason),
            hint=_("Reword the product's title or description, check its photos, or draft the copy offline."),
        )


class GeminiBadOutput(CopyError):
    """Gemini answered, but not with usable JSON (malformed, missing platforms, or cut off at MAX_TOKENS)."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            _("Gemini's answer could not be used: {problem}.").format(problem=problem),
            hint=_("Try again (answers vary), select fewer platforms at once, or draft the copy offline."),
        )


class GeminiTruncated(GeminiBadOutput):
    """Gemini stopped at its output limit (MAX_TOKENS) even for a single platform: write offline instead."""

    transient = True


class GeminiDeadline(CopyError):
    """The whole Gemini run (retries and split requests included) took longer than its deadline."""

    transient = True

    def __init__(self, seconds: float) -> None:
        super().__init__(
            _("Gemini did not finish within {seconds} seconds, so it was not asked again.").format(
                seconds=f"{seconds:.0f}"),
            hint=_("Try again later; the offline writer can write the copy meanwhile."),
        )


class CopyOverLimit(CopyError):
    """Gemini's copy broke platform limits and was shortened; carried as a warning, not raised."""

    def __init__(self, platform_label: str, what: list[str]) -> None:
        super().__init__(
            _("Gemini's {platform} copy did not fit {platform}'s rules and was adjusted.").format(
                platform=platform_label) + " " + " ".join(what),
            hint=_("Read the draft before approving it."),
        )


class OfflineFallback(CopyError):
    """Gemini failed for a passing reason, so the offline writer drafted the copy; carried as a warning."""

    def __init__(self, cause: CopyError) -> None:
        super().__init__(
            _("Drafted offline from templates because Gemini could not write this copy: {reason}").format(
                reason=cause.message),
            hint=_("The offline draft is ready to review; try Gemini again later to compare."),
        )
        self.cause = cause


class CopyCancelled(CopyError, Cancelled):
    """The seller cancelled: no further Gemini call is made and nothing is written."""

    def __init__(self) -> None:
        super().__init__(_("Writing the copy was cancelled; no copy was changed."),
                         hint=_("Press “Write copy” again when you want it."))
