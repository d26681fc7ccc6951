"""The settings the seller chose to share between computers (``sync.settings_keys``), as ``setting`` records.

Settings live in a file, not the database, so there is no flush to capture: each round compares the chosen values
with what the service holds and queues the differences. A setting's global id is derived from its key, so every
computer means the same record by it. A value only set on another computer is never overwritten by this one's
default.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from core.db.database import Database
from core.db.models import SyncRecord
from core.db.types import utcnow
from core.errors import ValidationError
from core.settings import Settings, schema
from core.sync.outbox import enqueue
from core.sync.records import SETTING

log = logging.getLogger(__name__)

KEYS_SETTING = "sync.settings_keys"
_NAMESPACE = uuid.UUID("5b0c8a52-8f43-4c52-9a0e-7d6c3f1e2b11")


def setting_id(key: str) -> str:
    """The global id of the ``setting`` record for ``key`` (the same on every computer)."""
    return str(uuid.uuid5(_NAMESPACE, key))


def chosen_keys(settings: Settings) -> list[str]:
    """The keys this computer shares: declared ones from ``sync.settings_keys``, never the sync settings."""
    raw = str(settings.get(KEYS_SETTING) or "")
    known = schema()
    keys = [key.strip() for key in raw.split(",")]
    return [key for key in dict.fromkeys(keys) if key in known and not key.startswith("sync.")]


def capture_settings(db: Database, settings: Settings) -> None:
    """Queue each chosen setting whose value here differs from the service's."""
    stored = settings.changed()
    with db.session() as session:
        conn = session.connection()
        for key in chosen_keys(settings):
            value = stored.get(key)
            sync_id = setting_id(key)
            if value is None and session.get(SyncRecord, sync_id) is None:
                continue  # left at its default here and never shared: let another computer's value in
            enqueue(conn, SETTING, sync_id, {"key": key, "value": value}, utcnow())


def applier(settings: Settings) -> Callable[[dict[str, Any]], bool]:
    """A function applying a pulled ``setting`` record's data to ``settings``; False when this computer does not
    share that key (or cannot take the value), so it is not remembered as held here either."""
    chosen = set(chosen_keys(settings))

    def apply(data: dict[str, Any]) -> bool:
        key = data.get("key")
        if key not in chosen:
            return False
        try:
            if data.get("value") is None:
                settings.unset(str(key))
            else:
                settings.set(str(key), data["value"])
        except ValidationError as exc:  # a value this version of SellerDesk does not accept
            log.warning("a synced value for %s was not applied: %s", key, exc)
            return False
        return True

    return apply
