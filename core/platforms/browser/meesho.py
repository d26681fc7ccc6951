"""Meesho's supplier panel: single-catalog upload (category, details, images, price/GST/HSN), QC status, orders.

Everything about the panel's pages is in resources/portals/meesho.json; a new catalog goes to Meesho's quality
check first, so it comes back as a draft ("QC Pending") and turns active once QC passes.
"""

from __future__ import annotations

from core.platforms.browser.platform import PortalPlatform


class MeeshoPlatform(PortalPlatform):
    """Meesho through the seller's supplier panel."""
