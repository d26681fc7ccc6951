"""Snapdeal's seller panel: add a product (information, images, price and inventory), approval status, orders.

Everything about the panel's pages is in resources/portals/snapdeal.json. (Snapdeal's partner Seller API needs a
partner registration small sellers do not have, so the panel is the way in.)
"""

from __future__ import annotations

from core.platforms.browser.platform import PortalPlatform


class SnapdealPlatform(PortalPlatform):
    """Snapdeal through the seller's panel."""
