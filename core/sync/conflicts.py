"""Conflicts: an edit that lost a race is kept here, beside the record as it stands, until the seller picks one.

The service keeps every losing edit too, so a conflict found on one computer can be settled on any of them. "Mine"
is the edit that was set aside, "theirs" the version that stands on the service (and on this computer meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from core.db.database import Database
from core.db.models import Product, SyncConflict
from core.errors import NotFound, ValidationError
from core.i18n import N_, _
from core.sync import state
from core.sync.apply import apply_version, remember, write_local
from core.sync.capture import quietly
from core.sync.errors import SyncError, translated
from core.sync.outbox import pending_ids
from core.sync.records import KINDS, PARENT_KEY, SETTING
from server.client_models import ConflictInfo, ConflictListing, RecordVersion, ServiceConflict

if TYPE_CHECKING:
    from core.sync.account import SyncAccount
    from server.client import SyncServiceClient

Keep = Literal["mine", "theirs"]
# Not the seller's words: the parent's global id, creation time, the product facts a copy's approval was given for,
# the device id of the computer that publishes a post (its name is shown).
_HIDDEN = {PARENT_KEY, "created_at", "approved_facts", "owner_device"}
_NOUNS = {"product": N_("Product"), "product_image": N_("Photo"), "content_draft": N_("Copy"),
          "publish_job": N_("Post"), SETTING: N_("Setting")}  # translated where a label is made


@dataclass(frozen=True)
class ConflictView:
    """A conflict as the seller compares it; ``mine``/``theirs`` are None where that side is a deletion."""

    conflict_id: str
    kind: str
    label: str
    mine: dict[str, Any] | None
    theirs: dict[str, Any] | None
    mine_device: str
    created_at: datetime
    local_only: bool

    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, mine, theirs) for every field shown, differing or not; a deletion shows as "(deleted)"."""
        names = [n for n in {**(self.theirs or {}), **(self.mine or {})} if n not in _HIDDEN]
        return [(name, _side(self.mine, name), _side(self.theirs, name)) for name in names]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"id": self.conflict_id, "kind": self.kind, "label": self.label, "mine": self.mine,
                "theirs": self.theirs, "mine_device": self.mine_device, "created_at": self.created_at.isoformat(),
                "local_only": self.local_only}


def _side(data: dict[str, Any] | None, name: str) -> Any:
    return _("(deleted)") if data is None else data.get(name)


def _label(session: Session, kind: str, data: dict[str, Any]) -> str:
    noun = _(_NOUNS[kind]) if kind in _NOUNS else kind
    if kind == SETTING:
        return f"{noun} {data.get('key', '')}"
    if kind == "product":
        return f"{noun} “{data.get('title', '')}”"
    title = session.scalar(select(Product.title).where(Product.sync_id == data.get(PARENT_KEY))) or _("a product")
    detail = data.get("platform") or data.get("original_name") or ""
    return _("{what} {detail} of “{title}”").format(what=noun, detail=detail, title=title).replace("  ", " ")


def _view(session: Session, row: SyncConflict) -> ConflictView:
    mine = None if row.mine_deleted else dict(row.mine_data)
    theirs = None if row.theirs_deleted else dict(row.theirs_data)
    return ConflictView(row.conflict_id, row.kind, _label(session, row.kind, theirs or mine or {}), mine, theirs,
                        row.mine_device, row.created_at, row.local_only)


def list_conflicts(db: Database) -> list[ConflictView]:
    """Every conflict waiting for the seller, oldest first."""
    with db.session() as session:
        rows = session.scalars(select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.conflict_id))
        return [_view(session, row) for row in rows]


def conflict_count(session: Session) -> int:
    """How many conflicts wait."""
    return session.scalar(select(func.count()).select_from(SyncConflict)) or 0


def keep(session: Session, info: ConflictInfo, mine: dict[str, Any] | None = None, mine_deleted: bool = False) -> None:
    """Store (or refresh) a conflict the service reported; ``mine`` overrides its content with newer local edits
    that were queued behind the losing one."""
    _store(session, session.get(SyncConflict, info.conflict_id), info, mine, mine_deleted)


def _store(session: Session, row: SyncConflict | None, info: ConflictInfo, mine: dict[str, Any] | None = None,
           mine_deleted: bool = False) -> None:
    if row is None:
        newer = mine is not None or mine_deleted
        row = SyncConflict(conflict_id=info.conflict_id, kind=info.kind, sync_id=info.id,
                           mine_data=(mine or {}) if newer else info.data,
                           mine_deleted=mine_deleted if newer else info.deleted,
                           mine_device=info.device_name[:100], created_at=info.created_at)
        session.add(row)
    else:
        row.mine_device = info.device_name[:100]  # as the computer is called now (it may have been renamed)
    current = info.current
    row.theirs_data = dict(current.data) if current is not None else {}
    row.theirs_deleted = current is None or current.deleted
    row.theirs_version = current.version if current is not None else 0


def has_service_conflicts(session: Session) -> bool:
    """Whether any conflict the service knows of is stored here (so the service's list must be compared)."""
    return session.scalar(select(SyncConflict.conflict_id).where(SyncConflict.local_only.is_(False)).limit(1)) \
        is not None


def refresh(db: Database, client: SyncServiceClient) -> None:
    """Mirror the service's open conflicts if their list changed since it was last mirrored here: the last pull
    named the list's ETag, and it is read (every page) only when that differs from the stored one and the pull
    counted some open conflicts (an empty list needs no asking); even then the stored tag goes along
    (If-None-Match), so an unchanged list costs an empty 304. A service that names no tag is asked whenever there
    are conflicts, here or there."""
    with db.session() as session:
        stored = state.read(session, state.CONFLICTS_ETAG)
        any_here = has_service_conflicts(session)
    named = client.conflicts_etag
    if named is not None and named == stored:
        return
    if named is None and not (client.open_conflicts or any_here):
        return
    # The pull read its count and its tag together: with none open, the list it tags is empty.
    listing = ConflictListing([], named) if named is not None and client.open_conflicts == 0 else \
        client.conflicts_if_changed(stored)
    if listing is None:
        return
    with db.session() as session:
        mirror(session, listing.conflicts, listing.gone)
        state.write(session, state.CONFLICTS_ETAG, listing.etag)


def mirror(session: Session, infos: list[ConflictInfo], gone: list[str] | None = None) -> None:
    """Match the stored conflicts to the service's open ones: new ones appear, settled ones (elsewhere) go. With
    ``gone``, ``infos`` are only those that changed and ``gone`` the ones settled since (the rest stay)."""
    ids = [info.conflict_id for info in infos]
    service_kept: ColumnElement[bool] = SyncConflict.local_only.is_(False)
    wanted: ColumnElement[bool]
    if gone is None:
        session.execute(delete(SyncConflict).where(service_kept, SyncConflict.conflict_id.not_in(ids)))
        wanted = service_kept  # the whole list (it may hold thousands): every row, read at once
    else:
        session.execute(delete(SyncConflict).where(service_kept, SyncConflict.conflict_id.in_(gone)))
        wanted = service_kept & SyncConflict.conflict_id.in_(ids)  # a page of changes at most
    stored = {row.conflict_id: row for row in session.scalars(select(SyncConflict).where(wanted))}
    for info in infos:
        _store(session, stored.get(info.conflict_id), info)


def resolve(account: SyncAccount, conflict_id: str, choice: Keep) -> None:
    """Settle a conflict with the seller's pick. The chosen content becomes the record everywhere."""
    if choice not in ("mine", "theirs"):
        raise ValidationError(_("Keep 'mine' or 'theirs', not {choice}.").format(choice=repr(choice)), field="keep")
    db = account.app.db
    with db.session() as session:
        row = session.get(SyncConflict, conflict_id)
        if row is None:
            raise NotFound(_("There is no conflict {id}.").format(id=conflict_id),
                           hint=_("See them with: sellerdesk sync conflicts"))
        local_only, kind, sync_id = row.local_only, row.kind, row.sync_id
        mine, mine_deleted, base = dict(row.mine_data), row.mine_deleted, row.theirs_version
    if local_only:
        with db.session() as session:
            if choice == "mine" and kind in KINDS:
                write_local(session, KINDS[kind], sync_id, mine)  # an ordinary edit: queued and sent
            session.execute(delete(SyncConflict).where(SyncConflict.conflict_id == conflict_id))
        return
    record: RecordVersion | None = None
    settled_elsewhere = False
    with account.client() as client, translated("settling the conflict"):
        try:
            if choice == "mine":
                record = client.resolve_conflict(conflict_id, "merged", base, data=mine, deleted=mine_deleted)
            else:
                record = client.resolve_conflict(conflict_id, "current", base)
        except ServiceConflict as exc:
            if exc.code != "already_resolved":
                with db.session() as session:
                    mirror(session, client.conflicts())
                raise SyncError(_("The record changed on another computer since this conflict was shown."),
                                "refused", hint=_("Look at both versions again and choose.")) from exc
            settled_elsewhere = True  # its outcome arrives with the next pull
    from core.sync.settings_sync import applier

    with db.session() as session:
        quietly(session)
        if record is not None and not settled_elsewhere:
            if record.id in pending_ids(session.connection()):
                # Edited here since: the local row is newer than either side and goes out with the next push.
                remember(session, record.kind, record.id, record.version, None if record.deleted else record.data)
            else:
                apply_version(session, record, applier(account.app.settings))
        session.execute(delete(SyncConflict).where(SyncConflict.conflict_id == conflict_id))
