"""The seller's platform connections in the database: status, expiry and per-platform choices (never secrets)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import PlatformConnection, PublishJob
from core.db.types import utcnow
from core.i18n import N_, _, format_duration
from core.platforms.specs import PlatformSpec, all_specs
from core.publishing.timezones import format_local

State = Literal["not_connected", "connected", "expiring", "needs_attention", "disabled"]
# The seller is warned this many days before a sign-in runs out (platform-facts: "warn before expiry").
EXPIRY_WARNING_DAYS = 7


@dataclass(frozen=True)
class PlatformStatus:
    """One platform as the Platforms tab and ``platforms list`` show it."""

    name: str
    display_name: str
    kind: str
    connect_method: str
    state: State
    summary: str
    account_name: str = ""
    account_id: str = ""
    expires_at: datetime | None = None
    days_left: int | None = None
    enabled: bool = True
    #: why the sign-in ends when it does (or why it does not end), in the seller's words
    expiry_reason: str = ""
    #: the sign-in is renewed by SellerDesk before it ends (its data file's reason says "renewed ...")
    renews: bool = False
    #: set when the seller must act within EXPIRY_WARNING_DAYS (or now), or when posts are scheduled after the
    #: sign-in ends: what ends, when, and how to reconnect
    warning: str = ""
    #: scheduled posts due at or after the sign-in ends
    late_posts: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        return data


def _row(session: Session, name: str) -> PlatformConnection | None:
    return session.scalars(select(PlatformConnection).where(PlatformConnection.platform == name)).first()


def _row_or_new(session: Session, name: str) -> PlatformConnection:
    row = _row(session, name)
    if row is None:
        row = PlatformConnection(platform=name, preferences={})
        session.add(row)
    return row


# Browser portals keep a signed-in session in SellerDesk's browser profile; its cookie carries the end date.
_PORTAL_EXPIRY = N_("the portal's sign-in cookie ends then; SellerDesk then asks you to sign in again (phone and "
                    "OTP) in the browser window it opens")


def expiry_reason(spec: PlatformSpec, preferences: Mapping[str, Any]) -> str:
    """Why ``spec``'s sign-in ends when it does, for the way it was connected (``auth.expiry`` in its data file,
    keyed by the ``auth_route`` preference the platform recorded, else ``default``)."""
    text = _expiry_text(spec, preferences)
    return _(text) if text else ""  # the data file's texts are in the catalog


def _expiry_text(spec: PlatformSpec, preferences: Mapping[str, Any]) -> str:
    texts = spec.auth.get("expiry") or {}
    route = str(preferences.get("auth_route") or "default")
    if isinstance(texts, dict) and (texts.get(route) or texts.get("default")):
        return str(texts.get(route) or texts["default"])
    return _PORTAL_EXPIRY if spec.connect == "browser_login" else ""


def _warning(spec: PlatformSpec, status: PlatformStatus) -> str:
    shown, command = spec.display_name, f"sellerdesk platforms connect {spec.name}"
    if status.state == "needs_attention":
        return _("{platform} needs you to reconnect it (Platforms tab → {platform} → Reconnect, or: "
                 "{command}).").format(platform=shown, command=command)
    late = status.late_posts
    if status.expires_at is not None and (status.state == "expiring" or late):
        days = status.days_left or 0
        when = _("today") if days == 0 else format_duration(timedelta(days=days), direction=True, unit="day")
        posts = ("" if not late else "; " + (_("1 scheduled post goes out after that") if late == 1 else
                                             _("{count} scheduled posts go out after that").format(count=late)))
        return _("{platform}'s sign-in ends on {date} ({when}){posts}: reconnect it (Platforms tab → {platform} → "
                 "Reconnect, or: {command}) before then.").format(
            platform=shown, date=status.expires_at.date().isoformat(), when=when, posts=posts, command=command)
    return ""


def _late_posts(session: Session, name: str, ends: datetime | None) -> int:
    """This computer's posts on ``name`` scheduled after its sign-in here ends (another computer's posts go out
    with that computer's own sign-in)."""
    if ends is None:
        return 0
    from core.sync.moves import mine
    from core.sync.state import device_if_known

    return int(session.scalar(select(func.count(PublishJob.id)).where(
        PublishJob.platform == name, PublishJob.state == "scheduled", PublishJob.scheduled_at >= ends,
        mine(device_if_known(session.connection())))) or 0)


def _status(session: Session, spec: PlatformSpec, row: PlatformConnection | None, now: datetime) -> PlatformStatus:
    status = _state(spec, row, now)
    if row is None or status.state in ("not_connected", "disabled"):
        return status
    preferences = row.preferences or {}
    status = replace(status, expiry_reason=expiry_reason(spec, preferences),
                     renews=_expiry_text(spec, preferences).startswith("renewed"),
                     late_posts=_late_posts(session, spec.name, status.expires_at))
    return replace(status, warning=_warning(spec, status))


def _state(spec: PlatformSpec, row: PlatformConnection | None, now: datetime) -> PlatformStatus:
    status = PlatformStatus(name=spec.name, display_name=spec.display_name, kind=spec.kind,
                            connect_method=spec.connect, state="not_connected", summary=_("not connected"))
    if row is None or row.status == "not_connected":
        return status
    status = replace(status, account_name=row.account_name, account_id=row.account_id, expires_at=row.expires_at,
                     enabled=row.enabled)
    if not row.enabled:
        return replace(status, state="disabled",
                       summary=_("switched off (connected as {account})").format(account=row.account_name))
    if row.expires_at is not None:
        status = replace(status, days_left=max(0, math.floor((row.expires_at - now).total_seconds() / 86400)))
    if row.status == "needs_attention" or (row.expires_at is not None and row.expires_at <= now):
        return replace(status, state="needs_attention",
                       summary=_("needs attention: reconnect {platform} ({account})").format(
                           platform=spec.display_name, account=row.account_name))
    summary = _("connected as {account}").format(account=row.account_name)
    if status.days_left is None:
        return replace(status, state="connected", summary=summary)
    days = status.days_left
    summary += " — " + (_("sign-in expires in 1 day") if days == 1 else
                        _("sign-in expires in {days} days").format(days=days))
    return replace(status, state="expiring" if days <= EXPIRY_WARNING_DAYS else "connected", summary=summary)


def list_statuses(db: Database, *, now: datetime | None = None) -> list[PlatformStatus]:
    """Every known platform with its connection status, in name order."""
    moment = now or utcnow()
    with db.session() as session:
        rows = {r.platform: r for r in session.scalars(select(PlatformConnection))}
        return [_status(session, spec, rows.get(name), moment) for name, spec in sorted(all_specs().items())]


def platform_status(db: Database, name: str, *, now: datetime | None = None) -> PlatformStatus:
    """The connection status of one platform."""
    spec = all_specs()[name]
    with db.session() as session:
        return _status(session, spec, _row(session, name), now or utcnow())


def expiry_warnings(db: Database, *, now: datetime | None = None) -> list[str]:
    """What the seller must reconnect soon (within EXPIRY_WARNING_DAYS) or now, one sentence per platform."""
    return [s.warning for s in list_statuses(db, now=now) if s.warning and s.enabled]


def ends_before(db: Database, name: str, at: datetime | Sequence[datetime], *, zone: ZoneInfo | None = None,
                now: datetime | None = None) -> str | None:
    """A sentence when ``name``'s sign-in will have ended by ``at`` (a post's time, or several posts' times),
    naming the end and the first post after it in ``zone`` (UTC if none); None when every post is before the end."""
    status = platform_status(db, name, now=now)
    if status.expires_at is None or status.state in ("not_connected", "disabled"):
        return None
    ends = status.expires_at
    late = sorted(t for t in ([at] if isinstance(at, datetime) else at) if t >= ends)
    if not late:
        return None
    local = zone or ZoneInfo("UTC")
    shown = status.display_name
    posts = (f"this post at {format_local(late[0], local)}" if len(late) == 1 else
             f"{len(late)} of these posts (the first at {format_local(late[0], local)})")
    return (f"{shown}'s sign-in ends on {format_local(ends, local)}, before {posts}: reconnect {shown} before then "
            f"(Platforms tab → {shown} → Reconnect), or {'it waits' if len(late) == 1 else 'they wait'} until you do"
            + (f" ({status.expiry_reason})" if status.expiry_reason else ""))


def get_preferences(db: Database, name: str) -> dict[str, Any]:
    """The seller's stored choices for platform ``name`` (empty if none)."""
    with db.session() as session:
        row = _row(session, name)
        return dict(row.preferences) if row is not None else {}


def set_preferences(db: Database, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``values`` into the platform's choices (a None value removes a choice); returns them all."""
    with db.session() as session:
        row = _row_or_new(session, name)
        prefs = dict(row.preferences or {})
        for key, value in values.items():
            if value is None:
                prefs.pop(key, None)
            else:
                prefs[key] = value
        row.preferences = prefs  # a new dict, so SQLAlchemy sees the JSON column change
        return dict(prefs)


def record_connected(db: Database, name: str, account_name: str, account_id: str,
                     expires_at: datetime | None, preferences: Mapping[str, Any]) -> None:
    """Store a successful connection: who, until when, and what was learnt (shop id, currency, ...)."""
    with db.session() as session:
        row = _row_or_new(session, name)
        row.account_name = account_name
        row.account_id = account_id
        row.status = "connected"
        row.expires_at = expires_at
        row.preferences = {**(row.preferences or {}), **preferences}


def record_expiry(db: Database, name: str, expires_at: datetime | None) -> None:
    """A refresh moved the sign-in's end (rotating refresh tokens start a new lifetime)."""
    with db.session() as session:
        row = _row(session, name)
        if row is not None:
            row.expires_at = expires_at
            if row.status == "needs_attention":
                row.status = "connected"


def mark_needs_attention(db: Database, name: str) -> None:
    """The platform refused SellerDesk's credentials: the seller must reconnect."""
    with db.session() as session:
        row = _row(session, name)
        if row is not None and row.status != "not_connected":
            row.status = "needs_attention"


def record_disconnected(db: Database, name: str) -> None:
    """The seller disconnected: keep the choices (for reconnecting), forget who it was."""
    with db.session() as session:
        row = _row(session, name)
        if row is not None:
            row.status = "not_connected"
            row.account_name = ""
            row.account_id = ""
            row.expires_at = None


def set_enabled(db: Database, name: str, enabled: bool) -> None:
    """Switch a platform on or off without forgetting its sign-in (off: nothing is published there)."""
    with db.session() as session:
        _row_or_new(session, name).enabled = enabled
