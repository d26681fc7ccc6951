"""IndiaMART's Lead Manager pull API (CRM API v2): buyer enquiries as leads, with httpx.

IndiaMART answers at most one call per 5 minutes, each covering at most 7 days (resources/platforms/indiamart.json
``leads_api``). So a pull covers the 7 days after where the last one stopped, and a longer catch-up continues on the
next import; the time of the last call is kept in the connection's preferences so the rule holds across runs.
The CRM key lives in the keychain (SecretStore), never in the database or settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx

from core.i18n import N_, _, format_duration
from core.platforms.base import PlatformContext, Sale
from core.platforms.connections import get_preferences, set_preferences
from core.platforms.errors import AuthExpired, PlatformError, RateLimited, TransientFailure

if TYPE_CHECKING:
    from core.app import App
    from core.secrets import SecretStore

log = logging.getLogger(__name__)

NAME = "indiamart"
_LAST_CALL = "leads_api_last_call"
_SYNCED_UNTIL = "leads_synced_until"
_KEY_HINT = N_("Generate a CRM key in IndiaMART's Lead Manager (Settings > CRM API key) and enter it again in the "
               "Platforms tab.")  # N_: shown through _() where raised

_READ_AGAIN = N_("Read the leads (or test the key) again after that; nothing was lost.")


@dataclass(frozen=True)
class Lead:
    """One buyer enquiry as IndiaMART's Lead Manager shows it (read to show, never stored by SellerDesk)."""

    query_id: str
    when: datetime  # UTC
    buyer: str
    product: str
    message: str
    city: str


class LeadsApi:
    """Pulls leads for the connected IndiaMART seller with the CRM key in the keychain."""

    def __init__(self, context: PlatformContext) -> None:
        self.context = context
        self.conf: dict[str, Any] = context.spec.extra["leads_api"]

    @property
    def secret_name(self) -> str:
        """The keychain name of the CRM key."""
        return str(self.conf["secret"])

    def has_key(self) -> bool:
        """Whether the seller has given SellerDesk a CRM key."""
        return bool(self.context.secrets.get(self.secret_name))

    def store_key(self, key: str) -> None:
        """Keep the seller's CRM key in the keychain."""
        if not key.strip():
            raise AuthExpired(NAME, _("the IndiaMART CRM key is empty"), hint=_(_KEY_HINT))
        self.context.secrets.set(self.secret_name, key.strip())

    def recent(self, key: str | None = None) -> list[Lead]:
        """The buyer enquiries of the last 7 days, newest first, read with ``key`` (default: the stored CRM key).

        One call, under the same one-call-per-5-minutes rule as :meth:`pull`; it does not move where the next
        import of leads continues. An empty list means the key works and no buyer wrote in that time; a refused
        key raises AuthExpired with IndiaMART's own words."""
        key = (key or self.context.secrets.get(self.secret_name) or "").strip()
        if not key:
            raise AuthExpired(NAME, _("SellerDesk has no IndiaMART CRM key"), hint=_(_KEY_HINT))
        now, gap = self._wait_done(_(_READ_AGAIN))
        body = self._get(key, now - timedelta(days=float(self.conf["max_window_days"])), now)
        if int(body.get("CODE") or 0) not in self.conf["codes"]["auth"]:
            # A refused key is no download: the seller may try the corrected key at once.
            set_preferences(self.context.db, NAME, {_LAST_CALL: now.isoformat()})
        leads = [self._lead(raw) for raw in self._leads(body, gap, _(_READ_AGAIN))]
        return sorted(leads, key=lambda lead: lead.when, reverse=True)

    def _wait_done(self, hint: str | None = None) -> tuple[datetime, float]:
        """Now, and IndiaMART's gap between calls; RateLimited while the last call is too recent."""
        now = self.context.now()
        gap = float(self.conf["min_interval_seconds"])
        last = get_preferences(self.context.db, NAME).get(_LAST_CALL)
        if last:
            waited = (now - datetime.fromisoformat(last)).total_seconds()
            if waited < gap:
                raise RateLimited(NAME, gap - waited, problem=_(
                    "IndiaMART allows one leads download every {gap}; try again in {wait}").format(
                    gap=format_duration(gap), wait=format_duration(gap - waited)), hint=hint)
        return now, gap

    def _window(self, since: datetime, now: datetime, prefs: dict[str, Any]) -> tuple[datetime, datetime]:
        start = since
        if prefs.get(_SYNCED_UNTIL):
            overlap = timedelta(minutes=float(self.conf["overlap_minutes"]))
            start = max(since, datetime.fromisoformat(prefs[_SYNCED_UNTIL]) - overlap)
        return start, min(now, start + timedelta(days=float(self.conf["max_window_days"])))

    def pull(self, since: datetime) -> list[Sale]:
        """Leads from ``since`` on, at most one window (7 days) per call and one call per 5 minutes."""
        key = self.context.secrets.get(self.secret_name)
        if not key:
            raise AuthExpired(NAME, _("SellerDesk has no IndiaMART CRM key"), hint=_(_KEY_HINT))
        db = self.context.db
        now, gap = self._wait_done()
        start, end = self._window(since, now, get_preferences(db, NAME))
        body = self._get(key, start, end)
        # The call counts against IndiaMART's limit whatever it answered.
        set_preferences(db, NAME, {_LAST_CALL: now.isoformat()})
        leads = self._leads(body, gap)
        set_preferences(db, NAME, {_SYNCED_UNTIL: end.isoformat()})
        if end < now:
            log.info("IndiaMART leads fetched up to %s; the next import continues from there", end.isoformat())
        return [self._sale(lead) for lead in leads]

    def _get(self, key: str, start: datetime, end: datetime) -> dict[str, Any]:
        zone, fmt = ZoneInfo(self.conf["timezone"]), self.conf["time_format"]
        params = {"glusr_crm_key": key, "start_time": start.astimezone(zone).strftime(fmt),
                  "end_time": end.astimezone(zone).strftime(fmt)}
        http = self.context.http
        url = self.context.settings.get("platforms.indiamart.leads_api_url")
        try:
            with httpx.Client(timeout=httpx.Timeout(http.timeout, connect=http.connect_timeout)) as client:
                response = client.get(url, params=params)
        except httpx.TransportError as exc:
            raise TransientFailure(NAME, _("the IndiaMART leads service could not be reached ({reason})").format(
                reason=type(exc).__name__)) from exc
        if response.status_code >= 500:
            raise TransientFailure(NAME, _("the IndiaMART leads service failed (HTTP {status})").format(
                status=response.status_code))
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise PlatformError(NAME, _("the IndiaMART leads service answered something unreadable (HTTP {status})")
                                .format(status=response.status_code)) from exc
        return body

    def _leads(self, body: dict[str, Any], gap: float, hint: str | None = None) -> list[dict[str, Any]]:
        codes = self.conf["codes"]
        code, message = int(body.get("CODE") or 0), str(body.get("MESSAGE") or "").strip()
        if code in codes["ok"]:
            return list(body.get("RESPONSE") or [])
        if code in codes["empty"]:
            return []
        if code in codes["rate_limited"]:
            raise RateLimited(NAME, gap, problem=_("IndiaMART asks to wait between leads downloads ({message})")
                              .format(message=message), hint=hint)
        if code in codes["auth"]:
            raise AuthExpired(NAME, _("IndiaMART refused the CRM key ({message})").format(message=message),
                              hint=_(_KEY_HINT))
        raise PlatformError(NAME, _("the IndiaMART leads service refused the request (CODE {code}: {message})")
                            .format(code=code, message=message))

    def _when(self, lead: dict[str, Any]) -> datetime:
        local = datetime.strptime(str(lead["QUERY_TIME"]), self.conf["query_time_format"])
        return local.replace(tzinfo=ZoneInfo(self.conf["timezone"])).astimezone(UTC)

    def _lead(self, lead: dict[str, Any]) -> Lead:
        def text(field: str) -> str:
            return str(lead.get(field) or "").strip()

        return Lead(text("UNIQUE_QUERY_ID"), self._when(lead), text("SENDER_NAME"), text("QUERY_PRODUCT_NAME"),
                    text("QUERY_MESSAGE"), text("SENDER_CITY"))

    def _sale(self, lead: dict[str, Any]) -> Sale:
        when = self._when(lead)
        # Buyer names and phone numbers stay on IndiaMART: SellerDesk counts leads, it does not copy contacts.
        return Sale(external_id=str(lead["UNIQUE_QUERY_ID"]), occurred_at=when, amount=Decimal(0), currency="INR",
                    kind="lead")


def read_leads(app: App, key: str | None = None, *, secrets: SecretStore | None = None) -> list[Lead]:
    """The last 7 days' IndiaMART enquiries through the Lead Manager API, which also tests the CRM key: with
    ``key`` given (a key the seller just typed), that key is tried and kept in the keychain only once IndiaMART
    accepted it; a refused one leaves the stored key as it was."""
    from core.platforms.browser.indiamart import IndiaMartPlatform
    from core.platforms.registry import open_platform

    with open_platform(app, NAME, secrets=secrets) as platform:
        assert isinstance(platform, IndiaMartPlatform)
        leads = platform.leads.recent(key)
        if key and key.strip():
            platform.leads.store_key(key)
        return leads


def key_works_text(leads: list[Lead]) -> str:
    """What a key test found, in the seller's words."""
    if not leads:
        return _("The IndiaMART CRM key works. No buyer enquiry in the last 7 days.")
    return _("The IndiaMART CRM key works. Buyer enquiries in the last 7 days: {count}.").format(count=len(leads))
