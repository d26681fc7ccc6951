"""This computer's name as the seller's other computers show it ("scheduled on Shop PC"), and renaming it.

A rename is stored here at once (offline too) and sent by the next round: to the service, which names the computer
in every device list, and with this computer's posts, whose records carry their owner's name to the others.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import case, update

from core.db.database import Database
from core.db.models import PublishJob
from core.errors import ValidationError
from core.i18n import _
from core.sync import state
from core.sync.moves import mine

if TYPE_CHECKING:
    from core.sync.account import SyncAccount
    from server.client import SyncServiceClient
    from server.client_models import DeviceInfo

log = logging.getLogger(__name__)
NAME_MAX = 100  # what the service's devices table holds


def checked_name(name: str) -> str:
    """``name`` as it is stored (spaces tidied); ValidationError when it is empty, too long or holds control
    characters."""
    tidy = " ".join(name.split())
    if not tidy:
        raise ValidationError(_("Enter a name for this computer."), field="name")
    if len(tidy) > NAME_MAX:
        raise ValidationError(_("A computer's name can have at most {count} characters.").format(count=NAME_MAX),
                              field="name")
    if any(ord(char) < 32 or ord(char) == 127 for char in tidy):
        raise ValidationError(_("A computer's name cannot hold control characters."), field="name")
    return tidy


def this_computer(db: Database) -> str:
    """This computer's name (made from the system's host name on first use)."""
    return state.identity(db)[1]


def rename(db: Database, name: str) -> str:
    """Call this computer ``name`` from now on; returns the name as stored. The service and the other computers
    learn it at the next sync round."""
    tidy = checked_name(name)
    with db.session() as session:
        me, before = state.here(session.connection())
        if tidy == before:
            return tidy
        state.write(session, state.DEVICE_NAME, tidy)
        state.write(session, state.NAME_UNSENT, "1")
        session.flush()  # the posts below are queued with the name read back from the database
        # This computer's posts carry its name to the others: touching them queues them (core.sync.capture) with
        # the new name. Jobs handed over to it store the name; its own jobs are named as they are sent.
        session.execute(update(PublishJob).where(mine(me), PublishJob.action == "publish")
                        .values(owner_name=case((PublishJob.owner_device.is_(None), None), else_=tidy))
                        .execution_options(synchronize_session=False))
    return tidy


def send_name(db: Database, client: SyncServiceClient) -> None:
    """Tell the service this computer's new name, if a rename has not reached it yet."""
    with db.session() as session:
        if state.read(session, state.NAME_UNSENT) is None:
            return
        name = state.here(session.connection())[1]
    from server.client_models import Invalid, NotFound

    try:
        client.rename_device(name)
    except (NotFound, Invalid) as exc:  # a service from before renames, or one with other rules: not worth a retry
        log.warning("the sync service did not take this computer's new name: %s", exc)
    with db.session() as session:
        if state.here(session.connection())[1] == name:  # renamed again meanwhile: that name goes next round
            state.write(session, state.NAME_UNSENT, None)


def account_devices(account: SyncAccount) -> list[DeviceInfo]:
    """The computers signed in to the account, as the service names them (SyncError when it cannot be asked)."""
    from core.sync.errors import translated

    with account.client() as client, translated("listing your computers"):
        return client.account().devices
