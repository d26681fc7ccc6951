"""Sync routes: push changes, pull others' changes by cursor, list and resolve conflicts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from server import sync_engine
from server.context import AnyRow, ClaimsDep, Services, ServicesDep, admit_verified
from server.errors import ApiError, not_found
from server.models import SyncConflict, utcnow
from server.quota import ROW_OVERHEAD, record_size, refuse_over_quota
from server.ratelimit import Rate
from server.schemas import (
    MAX_SEQ,
    ConflictList,
    Epoch,
    PullResponse,
    PushRequest,
    PushResponse,
    ResolveRequest,
    ResolveResponse,
)
from server.security import AccessClaims

router = APIRouter(prefix="/v1/sync")


@router.post("/push")
async def push(body: PushRequest, claims: ClaimsDep, services: ServicesDep) -> PushResponse:
    """Send this device's changes; each comes back applied, unchanged (same edit already there) or a conflict."""
    return await run_in_threadpool(_push, body, claims, services)


def _push(body: PushRequest, claims: AccessClaims, services: Services) -> PushResponse:
    # One transaction, opened first: the sign-in is checked by the statement that takes the account's lock.
    limits = services.config.limits
    since = body.since
    position = None if since is None else sync_engine.Position(
        since.cursor, str(since.cursor_change) if since.cursor_change else None, since.epoch)
    try:
        with services.db.writer() as session:
            account = sync_engine.lock_account(session, claims.account_id, claims.session_id)
            caller = admit_verified(claims, account.sign_in if account else None, services)
            assert account is not None  # admit refused a missing account
            services.buckets.take(("push", caller.account_id), Rate(limits.push_per_minute, limits.push_burst))
            if len(body.changes) > limits.push_max_changes:
                raise ApiError(413, "too_many_changes", f"Push at most {limits.push_max_changes} changes at a time.")
            sizes = {}
            for change in body.changes:
                sizes[str(change.change_id)] = size = record_size(change.data)
                if size - ROW_OVERHEAD > limits.record_max_bytes:
                    raise ApiError(413, "record_too_large", f"The {change.kind} {change.id} is larger than "
                                                            f"{limits.record_max_bytes} bytes of JSON.")
            results = sync_engine.push(session, account, caller.device_id, body.changes, position, sizes,
                                       limits.account_quota_bytes, services.file_bytes)
    except sync_engine.Restored:
        raise _restored(position) from None
    except sync_engine.QuotaExceeded as full:
        refuse_over_quota(full.used, full.incoming, limits.account_quota_bytes)
        raise  # not reached: refuse_over_quota raised
    return PushResponse(results=results)


def _restored(position: sync_engine.Position | None) -> ApiError:
    # A desktop from before positions (it sends neither a change id nor an epoch) knows this as cursor_ahead.
    old_client = position is None or (position.change_id is None and position.epoch is None)
    return ApiError(409, "cursor_ahead" if old_client else "service_restored",
                    "The service was restored from a backup and lacks changes this device has seen: compare every "
                    "record again from cursor 0.")


@router.get("/pull")
async def pull(claims: ClaimsDep, services: ServicesDep, cursor: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
               limit: Annotated[int, Query(ge=1, le=MAX_SEQ)] = 500, include_own: bool = False,
               cursor_change: uuid.UUID | None = None,
               epoch: Annotated[Epoch | None, Query()] = None) -> PullResponse:
    """Other devices' changes after ``cursor`` (this device's too with ``include_own``, e.g. to restore a backup).

    ``cursor_change`` and ``epoch`` are what the previous pull answered; 409 ``service_restored`` when the server
    no longer holds what the device has seen.
    """
    position = sync_engine.Position(cursor, str(cursor_change) if cursor_change else None, epoch)
    return await run_in_threadpool(_pull, claims, services, position, limit, include_own)


def _pull(claims: AccessClaims, services: Services, position: sync_engine.Position, limit: int,
          include_own: bool) -> PullResponse:
    limits = services.config.limits
    with services.db.reader() as session:
        state = sync_engine.account_state(session, claims.account_id, claims.session_id)
        caller = admit_verified(claims, state, services)
        assert state is not None  # admit refused a missing account
        services.buckets.take(("pull", caller.account_id), Rate(limits.pull_per_minute, limits.pull_burst))
        try:
            page = sync_engine.pull(session, caller.account_id, caller.device_id, position,
                                    min(limit, limits.pull_max_limit), include_own, state.sync_seq, state.sync_epoch)
        except sync_engine.Restored:
            raise _restored(position) from None
    return PullResponse(changes=page.changes, cursor=page.cursor, has_more=page.has_more,
                        open_conflicts=state.open_conflicts, cursor_change=page.cursor_change, epoch=page.epoch,
                        conflicts_etag=sync_engine.conflicts_etag(caller.account_id, state.sync_epoch,
                                                                  state.conflicts_version))


@router.get("/conflicts", response_model=ConflictList)
def list_conflicts(claims: ClaimsDep, services: ServicesDep, response: Response,
                   after: Annotated[str | None, Query(max_length=100)] = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                   since: Annotated[str | None, Query(max_length=200)] = None,
                   if_none_match: Annotated[str | None, Header(max_length=1000)] = None) -> Response | ConflictList:
    """A page of the account's unresolved conflicts (oldest first), each beside the record as it now stands;
    ``next`` (None on the last page) is the ``after`` of the next page.

    Every page carries the list's ETag (the ``conflicts_etag`` pulls answer too); with that tag in If-None-Match
    the answer is 304 and empty while the list is unchanged. With ``since`` (the tag of the list the device holds)
    the answer is only what changed since (``changed``: true), when that can be told and fits one page; otherwise
    the list's first page as usual."""
    position = None
    if after is not None:
        created, _, conflict_id = after.partition("|")
        try:
            position = (datetime.fromisoformat(created), str(uuid.UUID(conflict_id)))
        except ValueError:
            raise ApiError(422, "invalid_request", "after must be the next value of a previous page.") from None
        if position[0].tzinfo is None:
            raise ApiError(422, "invalid_request", "after must be the next value of a previous page.")
    with services.db.reader() as session:
        state = sync_engine.account_state(session, claims.account_id, claims.session_id)
        caller = admit_verified(claims, state, services)
        assert state is not None  # admit refused a missing account
        # no-cache: a cache may keep the list but must ask (If-None-Match) each time before showing it.
        etag = sync_engine.conflicts_etag(caller.account_id, state.sync_epoch, state.conflicts_version)
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if if_none_match is not None and _matches(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        response.headers.update(headers)
        since_version = _since(since, caller.account_id, state) if position is None else None
        if since_version is not None:
            changed = sync_engine.changed_conflicts(session, caller.account_id, since_version, limit + 1)
            # The floor again, after the rows (PostgreSQL reads each statement afresh): settled conflicts pruned
            # meanwhile may be missing from them, and then the whole list goes.
            if len(changed) <= limit and sync_engine.conflicts_floor(session, caller.account_id) <= since_version:
                still_open = [c for c in changed if c.resolved_at is None]
                return ConflictList(conflicts=sync_engine.conflicts_out(session, caller.account_id, still_open),
                                    changed=True, gone=[c.id for c in changed if c.resolved_at is not None])
        conflicts = sync_engine.open_conflicts(session, caller.account_id, position, limit + 1)
        page = sync_engine.conflicts_out(session, caller.account_id, conflicts[:limit])
    last = conflicts[limit - 1] if len(conflicts) > limit else None
    return ConflictList(conflicts=page, next=f"{last.created_at.isoformat()}|{last.id}" if last else None)


def _since(tag: str | None, account_id: int, state: AnyRow) -> int | None:
    """The list version a device's ``since`` tag names, when what changed after it can be told: a tag of this
    account and epoch (not from before a restore), not older than the settled conflicts pruned since."""
    if tag is None:
        return None
    try:
        version = int(tag.strip().removeprefix("W/").strip('"').rpartition(".")[2])
    except ValueError:
        return None
    # Compared as If-None-Match is: a proxy that compresses may weaken the tag, which still names the same list.
    if not _matches(tag, sync_engine.conflicts_etag(account_id, state.sync_epoch, version)):
        return None
    return version if state.conflicts_floor <= version <= state.conflicts_version else None


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (the weak comparison RFC 9110 asks for here)."""
    return any(tag.strip().removeprefix("W/") in ("*", etag) for tag in if_none_match.split(","))


@router.post("/conflicts/{conflict_id}/resolve")
def resolve(conflict_id: uuid.UUID, body: ResolveRequest, claims: ClaimsDep,
            services: ServicesDep) -> ResolveResponse:
    """Settle a conflict: keep the current record, take the conflict's content, or write a merge.

    ``base_version`` is the record version the seller looked at; if the record moved on since, 409 asks the
    client to show the newer version first rather than overwrite it unseen.
    """
    now = utcnow()
    with services.db.writer() as session:
        account = sync_engine.lock_account(session, claims.account_id, claims.session_id)
        caller = admit_verified(claims, account.sign_in if account else None, services)
        assert account is not None  # admit refused a missing account
        if body.choice == "merged" and body.data is None and not body.deleted:
            raise ApiError(422, "invalid_request", "A merged resolution needs the merged data (or deleted: true).")
        conflict = session.scalar(select(SyncConflict).where(SyncConflict.id == str(conflict_id),
                                                             SyncConflict.account_id == caller.account_id))
        if conflict is None:
            raise not_found("conflict")
        if conflict.resolved_at is not None:
            raise ApiError(409, "already_resolved", "This conflict was already resolved (perhaps on another device).")
        head = sync_engine.load_heads(session, caller.account_id, conflict.kind, [conflict.record_id]).get(
            (conflict.kind, conflict.record_id))
        current_version = head.version if head else 0
        if body.choice != "current" and body.base_version != current_version:
            raise ApiError(409, "record_changed", f"The {conflict.kind} changed since (now version {current_version});"
                                                  " look at it again before choosing.")
        record = None
        if body.choice == "current":
            current = sync_engine.head_change(session, account, head)
            record = sync_engine.record_out(current) if current else None
        else:
            deleted = conflict.deleted if body.choice == "conflict" else body.deleted
            data = conflict.data if body.choice == "conflict" else (body.data or {})
            written, _ = sync_engine.write_version(
                account, head, kind=conflict.kind, record_id=conflict.record_id,
                change_id=str(uuid.uuid4()), deleted=deleted, data=data, updated_at=now,
                device_id=caller.device_id, now=now)
            record = sync_engine.record_out(written)
            account.restamp.add(conflict.record_id)  # the record's other open conflicts show it beside them
        # The kept content is no longer needed once settled: its bytes stop counting.
        account.added_bytes += ROW_OVERHEAD - conflict.size
        account.opened -= 1
        account.settled.append(conflict.id)
        session.execute(update(SyncConflict).where(SyncConflict.id == conflict.id)
                        .values(resolved_at=now, resolution=body.choice, data={}, size=ROW_OVERHEAD))
        sync_engine.finish(session, account, now)
    return ResolveResponse(conflict_id=conflict.id, record=record)
