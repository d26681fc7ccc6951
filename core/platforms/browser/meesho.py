"""Meesho's supplier panel: the catalog upload (category; 2 to 9 designs, each with its name, SKU, stock, price and
photos; GST and HSN; Legal Metrology), QC status, orders.

Everything about the panel's pages is in resources/portals/meesho.json; a new catalog goes to Meesho's quality
check first, so its designs come back as drafts ("QC Pending") and turn active once QC passes. Meesho lists no
product alone: :meth:`MeeshoPlatform.publish_catalog` lists the designs grouped as the bulk template groups them
(core.platforms.browser.catalog).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from core.errors import Cancelled, ValidationError
from core.i18n import _
from core.platforms.base import ListingResult
from core.platforms.browser.catalog import Catalog, catalog_form
from core.platforms.browser.form import create_catalog
from core.platforms.browser.platform import PortalPlatform
from core.platforms.connections import get_preferences


class MeeshoPlatform(PortalPlatform):
    """Meesho through the seller's supplier panel."""

    def publish_catalog(self, catalog: Catalog, cancel: threading.Event | None = None) -> list[ListingResult]:
        """Fill the panel's catalog form with every design of ``catalog`` and submit it once; returns each
        design's listing (in review), in the catalog's order.

        Everything is checked before the browser opens. Designs SellerDesk sent before are searched for first
        (the search may lag): a catalog already on Meesho is returned as it is, never sent twice. ``cancel``
        stops it at any point before the click that sends the catalog (Cancelled: nothing was sent).
        """
        label = _("catalog '{name}'").format(name=catalog.name)

        def go_on() -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(_("Publishing the {platform} {catalog} was cancelled before it was sent: "
                                  "nothing was sent.").format(platform=self.portal_display, catalog=label))

        def then(note: Callable[[], None]) -> Callable[[], None]:
            def commit() -> None:  # just before the click that sends the catalog
                go_on()
                note()
            return commit

        shared, designs = catalog_form(self.portal, catalog, get_preferences(self.context.db, self.name))
        self.pacer.check_daily_cap(self.portal_display, label)
        found: dict[str, ListingResult] = {}
        for request in catalog.designs:
            earlier = self.submissions.last(request.listing_sku)
            if earlier is not None and earlier.state != "refused":
                listed = self._search_out_the_lag(request, earlier)
                if listed is not None:
                    found[request.listing_sku] = listed
        if found and len(found) == len(catalog.designs):
            return [found[r.listing_sku] for r in catalog.designs]
        if found:
            names = ", ".join(f"{r.product_label} ({found[r.listing_sku].remote_id})" for r in catalog.designs
                              if r.listing_sku in found)
            already = (_("The {platform} {catalog} was not sent: {names} is already on {platform}.")
                       if len(found) == 1 else
                       _("The {platform} {catalog} was not sent: {names} are already on {platform}."))
            raise ValidationError(already.format(platform=self.portal_display, catalog=label, names=names),
                                  field="products", hint=_("Publish the other designs as a catalog of their own, or "
                                                           "add them to that catalog in the {platform} panel.").format(
                                      platform=self.portal_display))
        skus = [r.listing_sku for r in catalog.designs]
        go_on()
        self.pacer.before_submit(self.portal_display, label)
        go_on()
        return self._run(lambda tab: self._submit(tab, catalog.designs, lambda commit: create_catalog(
            tab, shared, designs, skus, on_commit=then(commit))), product=label)
