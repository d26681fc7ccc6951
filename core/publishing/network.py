"""Is a platform reachable? A cheap probe of the platform's base address: any HTTP answer at all means yes."""

from __future__ import annotations

import httpx

from core.errors import ValidationError
from core.platforms.base import Platform

PROBE_TIMEOUT = 5.0


def base_url(platform: Platform) -> str | None:
    """The platform's API base (or portal) address from the settings, or None if it has none."""
    settings = platform.context.settings
    for key in (f"platforms.{platform.name}.api_base", f"platforms.{platform.name}.portal_url"):
        try:
            url = str(settings.get(key))
        except ValidationError:
            continue
        if "{shop}" in url:
            url = url.replace("{shop}", str(settings.get(f"platforms.{platform.name}.shop_domain")))
        return url
    return None


def probe(platform: Platform) -> bool:
    """True when the platform's server answers (even with an error status), False when it cannot be reached."""
    url = base_url(platform)
    if not url:
        return True
    try:
        httpx.head(url, timeout=PROBE_TIMEOUT, follow_redirects=False)
    except httpx.TransportError:
        return False
    return True
