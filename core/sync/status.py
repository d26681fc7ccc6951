"""The sync status line: signed out, offline (changes waiting), conflicts to settle, or up to date since HH:MM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.sync import state
from core.sync.conflicts import conflict_count
from core.sync.outbox import RECORD_MAX_BYTES, pending_count

if TYPE_CHECKING:
    from core.app import App

State = Literal["signed_out", "offline", "paused", "conflicts", "waiting", "up_to_date"]


@dataclass(frozen=True)
class SyncStatus:
    """Where sync stands for one data dir, read from its database (no network, no keychain)."""

    state: State
    email: str | None
    server_url: str
    device_id: str | None
    pending: int
    conflicts: int
    last_sync_at: datetime | None
    problem: str | None
    zone: tzinfo | None = None
    problem_kind: str | None = None  # offline, rate_limited, storage_full, unconfirmed, refused, signed_out
    too_large: int = 0  # records left out of every round: larger than the service accepts

    @property
    def summary(self) -> str:
        """A few words for the status bar."""
        waiting = f"{self.pending} change{'s' if self.pending != 1 else ''} waiting"
        if self.state == "signed_out":
            return "Sync: signed out" if self.problem is None else "Sync: signed out — sign in again"
        if self.state == "offline":
            return f"Offline — {waiting} for network" if self.pending else "Offline"
        if self.state == "paused":
            return {"storage_full": "Sync paused — storage full",
                    "unconfirmed": "Sync paused — confirm your email",
                    "rate_limited": "Sync paused — busy, retrying soon"}.get(self.problem_kind or "", "Sync paused")
        if self.state == "conflicts":
            return f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''} to resolve"
        if self.last_sync_at is None:
            return "Not synced yet"
        when = self.last_sync_at.astimezone(self.zone).strftime("%H:%M")
        if self.state == "waiting" and self.too_large:
            return f"Synced {when} — {self.too_large} too large to sync"
        return f"Synced {when} — {waiting}" if self.state == "waiting" else f"Up to date {when}"

    @property
    def detail(self) -> str:
        """A sentence or two for a tooltip or ``sync status``."""
        if self.email is None:
            base = "Not signed in: everything stays on this computer."
        else:
            base = f"Signed in as {self.email} at {self.server_url}."
        parts = [base]
        if self.problem:
            parts.append(self.problem)
        if self.pending:
            parts.append(f"{self.pending} record{'s' if self.pending != 1 else ''} changed here wait to be sent.")
        if self.too_large:
            parts.append(f"{self.too_large} record{'s are' if self.too_large != 1 else ' is'} too large to sync "
                         f"(over {RECORD_MAX_BYTES // 1024} KB): shorten the description or attributes; the rest "
                         "syncs meanwhile.")
        if self.conflicts:
            parts.append("Resolve the conflicts: Account → Resolve conflicts…, or: sellerdesk sync conflicts")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"state": self.state, "summary": self.summary, "email": self.email, "server_url": self.server_url,
                "device_id": self.device_id, "pending": self.pending, "conflicts": self.conflicts,
                "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
                "problem": self.problem, "problem_kind": self.problem_kind, "too_large": self.too_large}


def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # the computer's own zone


def read_status(app: App) -> SyncStatus:
    """The status of ``app``'s data dir now."""
    facts = state.read_all(app.db)
    with app.db.session() as session:
        pending = pending_count(session.connection())
        conflicts = conflict_count(session)
    email = facts.get(state.EMAIL) or None
    problem = facts.get(state.PROBLEM)
    chosen: State
    if email is None:
        chosen = "signed_out"
    elif problem == "offline":
        chosen = "offline"
    elif problem is not None:
        chosen = "paused"
    elif conflicts:
        chosen = "conflicts"
    else:
        chosen = "waiting" if pending else "up_to_date"
    last = facts.get(state.LAST_SYNC)
    return SyncStatus(chosen, email, str(app.settings.get("sync.server_url") or ""), facts.get(state.DEVICE_ID),
                      pending, conflicts, datetime.fromisoformat(last) if last else None,
                      facts.get(state.PROBLEM_TEXT), _zone(str(app.settings.get("general.timezone"))),
                      problem, int(facts.get(state.TOO_LARGE) or 0))
