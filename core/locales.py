"""The locales SellerDesk supports (``resources/locales.json``): the settings accept these, and the installers
bundle Babel's data for exactly their languages, so a locale never works in a checkout and silently falls back to
en_IN in the installed app."""

from __future__ import annotations

import json
from functools import lru_cache

from core.paths import resources_dir


@lru_cache(maxsize=1)
def supported_locales() -> tuple[str, ...]:
    """Every supported locale name, e.g. ``en_IN``."""
    data = json.loads((resources_dir() / "locales.json").read_text(encoding="utf-8"))
    return tuple(str(name) for name in data["locales"])


def bundled_languages() -> frozenset[str]:
    """The languages whose Babel data the installers keep (plus ``root``, which every locale inherits from)."""
    return frozenset(name.split("_", 1)[0] for name in supported_locales())
