"""IndiaMART: the product catalog through the seller panel (details, photos, specifications), and buyer leads.

Pages and selectors are in resources/portals/indiamart.json. Leads come from the Lead Manager pull API when the
seller has given SellerDesk a CRM key (ConnectOptions.token, or :meth:`IndiaMartPlatform.store_leads_key`), else
from the panel's Lead Manager page.
"""

from __future__ import annotations

from datetime import datetime

from core.platforms.base import AccountInfo, ConnectOptions, PlatformContext, Sale
from core.platforms.browser.indiamart_leads import LeadsApi
from core.platforms.browser.platform import PortalPlatform
from core.platforms.browser.signin import SignInHook


class IndiaMartPlatform(PortalPlatform):
    """IndiaMART through the seller's panel, with leads from the Lead Manager API when a CRM key is stored."""

    secret_names = ("indiamart:crm_key",)

    def __init__(self, context: PlatformContext, *, on_sign_in_page: SignInHook | None = None) -> None:
        super().__init__(context, on_sign_in_page=on_sign_in_page)
        self.leads = LeadsApi(context)

    def connect(self, options: ConnectOptions) -> AccountInfo:
        """Sign in to the panel by hand; a pasted CRM key (``options.token``) is kept for the leads API."""
        if options.token:
            self.leads.store_key(options.token)
        return super().connect(options)

    def store_leads_key(self, key: str) -> None:
        """Keep the seller's Lead Manager CRM key in the keychain (leads then come from the API)."""
        self.leads.store_key(key)

    def fetch_sales(self, since: datetime) -> list[Sale]:
        """Buyer leads since ``since``: from the Lead Manager API with a CRM key, else from the panel's page."""
        if self.leads.has_key():
            return self.leads.pull(since)
        return super().fetch_sales(since)
