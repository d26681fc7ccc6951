"""The sync status line: signed out, offline (changes waiting), conflicts to settle, or up to date since HH:MM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.i18n import N_, _
from core.sync import state
from core.sync.conflicts import conflict_count
from core.sync.outbox import RECORD_MAX_BYTES, pending_count, too_large_names

if TYPE_CHECKING:
    from core.app import App

_NAMED = 5  # records named in the status; the rest counted

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
    too_large_names: tuple[str, ...] = ()  # what the seller calls them (a product's title in quotes)

    @property
    def summary(self) -> str:
        """A few words for the status bar."""
        waiting = (_("1 change waiting") if self.pending == 1 else
                   _("{count} changes waiting").format(count=self.pending))
        if self.state == "signed_out":
            return _("Sync: signed out") if self.problem is None else _("Sync: signed out — sign in again")
        if self.state == "offline":
            return _("Offline — {waiting} for network").format(waiting=waiting) if self.pending else _("Offline")
        if self.state == "paused":
            paused = {"storage_full": N_("Sync paused — storage full"),
                      "unconfirmed": N_("Sync paused — confirm your email"),
                      "rate_limited": N_("Sync paused — busy, retrying soon")}
            fallback = N_("Sync paused")
            return _(paused.get(self.problem_kind or "", fallback))
        if self.state == "conflicts":
            return (_("1 conflict to resolve") if self.conflicts == 1 else
                    _("{count} conflicts to resolve").format(count=self.conflicts))
        if self.last_sync_at is None:
            return _("Not synced yet")
        when = self.last_sync_at.astimezone(self.zone).strftime("%H:%M")
        if self.state == "waiting" and self.too_large:
            return _("Synced {time} — {count} too large to sync").format(time=when, count=self.too_large)
        return (_("Synced {time} — {waiting}").format(time=when, waiting=waiting) if self.state == "waiting"
                else _("Up to date {time}").format(time=when))

    @property
    def detail(self) -> str:
        """A sentence or two for a tooltip or ``sync status``."""
        if self.email is None:
            base = _("Not signed in: everything stays on this computer.")
        else:
            base = _("Signed in as {email} at {server}.").format(email=self.email, server=self.server_url)
        parts = [base]
        if self.problem:
            parts.append(self.problem)
        if self.pending:
            parts.append(_("1 record changed here waits to be sent.") if self.pending == 1 else
                         _("{count} records changed here wait to be sent.").format(count=self.pending))
        if self.too_large:
            large = (_("1 record is too large to sync (over {size} KB): shorten the description or attributes; the "
                       "rest syncs meanwhile.") if self.too_large == 1 else
                     _("{count} records are too large to sync (over {size} KB): shorten the description or "
                       "attributes; the rest syncs meanwhile."))
            parts.append(large.format(count=self.too_large, size=RECORD_MAX_BYTES // 1024))
        if self.too_large_names:
            shown = ", ".join(self.too_large_names[:_NAMED])
            more = len(self.too_large_names) - _NAMED
            parts.append(_("Too large: {names}.").format(names=shown) if more <= 0 else
                         _("Too large: {names} and {count} more.").format(names=shown, count=more))
        if self.conflicts:
            parts.append(_("Resolve the conflicts: Account → Resolve conflicts…, or: sellerdesk sync conflicts"))
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"state": self.state, "summary": self.summary, "email": self.email, "server_url": self.server_url,
                "device_id": self.device_id, "pending": self.pending, "conflicts": self.conflicts,
                "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
                "problem": self.problem, "problem_kind": self.problem_kind, "too_large": self.too_large,
                "too_large_names": list(self.too_large_names)}


def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # the computer's own zone


def read_status(app: App) -> SyncStatus:
    """The status of ``app``'s data dir now."""
    facts = state.read_all(app.db)
    too_large = int(facts.get(state.TOO_LARGE) or 0)
    with app.db.session() as session:
        pending = pending_count(session.connection())
        conflicts = conflict_count(session)
        names = tuple(too_large_names(session.connection())) if too_large else ()  # rare: read only then
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
                      problem, too_large, names)
