"""Finding and opening platforms: entry points (group ``sellerdesk.platforms``) first, else the data file's module.

The data files in resources/platforms are the list of platforms; entry points let an installed package point a
name at its class. Before the package is (re)installed, the data file's ``module`` field is used instead.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from core.errors import StorageError
from core.platforms.base import Platform, PlatformContext
from core.platforms.http import HttpOptions
from core.platforms.specs import get_spec

if TYPE_CHECKING:
    from core.app import App
    from core.secrets import SecretStore
    from core.settings import Settings

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "sellerdesk.platforms"


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _import(reference: str) -> object:
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute)


def platform_class(name: str) -> type[Platform]:
    """The class implementing platform ``name`` (an entry point wins over the data file's ``module``)."""
    spec = get_spec(name)
    entry = _entry_points().get(name)
    reference = entry.value if entry is not None else spec.module
    try:
        found = entry.load() if entry is not None else _import(spec.module)
    except (ImportError, AttributeError) as exc:
        raise StorageError(f"The {spec.display_name} module ({reference}) cannot be loaded ({exc}).",
                           hint="Reinstall SellerDesk.") from exc
    if not (isinstance(found, type) and issubclass(found, Platform)):
        raise StorageError(f"{reference} is not a SellerDesk platform.", hint="Reinstall SellerDesk.")
    return found


def http_options(settings: Settings, **overrides: object) -> HttpOptions:
    """HTTP timeouts and retry bounds from the settings (``overrides`` for tests: sleep, clock, rng, ...)."""
    options = HttpOptions(
        timeout=settings.get("platforms.http.timeout_seconds"),
        connect_timeout=settings.get("platforms.http.connect_timeout_seconds"),
        max_retries=settings.get("platforms.http.max_retries"),
        max_wait=settings.get("platforms.http.max_wait_seconds"),
    )
    for key, value in overrides.items():
        if not hasattr(options, key):
            raise TypeError(f"unknown HTTP option {key!r}")
        setattr(options, key, value)
    return options


def open_platform(app: App, name: str, *, secrets: SecretStore | None = None, http: HttpOptions | None = None,
                  now: Callable[[], datetime] | None = None) -> Platform:
    """A ready platform object for ``name`` on ``app``'s settings, secrets and database (close it after use)."""
    from core.db.types import utcnow
    from core.secrets import SecretStore

    context = PlatformContext(
        spec=get_spec(name),
        settings=app.settings,
        secrets=secrets if secrets is not None else SecretStore(app.data_dir, db=app.db),
        db=app.db,
        http=http if http is not None else http_options(app.settings),
        now=now or utcnow,
    )
    return platform_class(name)(context)
