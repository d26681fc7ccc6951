"""SellerDesk's own record of every listing it submitted to a portal: SKU, time, outcome, saved page.

A portal's catalog search can lag minutes behind a submit, so "not found" right after an unanswered submit does not
mean "not made". Before sending a SKU again, the portal platform reads this record first: a submit whose outcome is
unknown is searched for again, waiting out the search lag, and only then sent again; one the portal confirmed is
never sent twice. The record also counts today's submits for the daily cap.

One JSON line per event in ``<data dir>/portal-submissions/<platform>.jsonl`` (appended, so a crash loses at most
the line being written); the newest event of a SKU is its state.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

SUBMISSIONS_DIR = "portal-submissions"
State = Literal["sent", "listed", "refused", "reviewed"]
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Submission:
    """One event of one SKU: ``sent`` (the committing click happened, outcome not yet known), ``listed`` (the
    portal showed the new listing), ``refused`` (the portal said no: nothing was made) or ``reviewed`` (the
    portal's review, e.g. Meesho's QC, was read: ``status`` is the listing state, ``reason`` why it was refused)."""

    sku: str
    product_id: int
    state: State
    at: str  # ISO time of the event (UTC)
    sent_at: str  # ISO time of the submit it is about
    remote_id: str = ""
    status: str = ""
    artefacts: str = ""  # the folder of the saved page, when one was saved
    reason: str = ""

    @property
    def sent_time(self) -> datetime:
        """When the submit happened."""
        return datetime.fromisoformat(self.sent_at)


class SubmissionLog:
    """The record of one platform's submits in one data folder."""

    def __init__(self, data_dir: Path, platform: str) -> None:
        self.path = data_dir / SUBMISSIONS_DIR / f"{platform}.jsonl"

    def add(self, entry: Submission) -> None:
        """Append one event (flushed to disk before returning: the next attempt may be after a crash)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with _LOCK, self.path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    def entries(self) -> list[Submission]:
        """Every event, oldest first; an unreadable line (a crash mid-write) is skipped."""
        if not self.path.exists():
            return []
        found = []
        with _LOCK:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        for line in lines:
            try:
                found.append(Submission(**json.loads(line)))
            except (ValueError, TypeError):
                log.warning("skipping an unreadable line of %s", self.path)
        return found

    def last(self, sku: str) -> Submission | None:
        """The newest event of ``sku`` (compared as the portals do: case and outer spaces ignored)."""
        wanted = sku.strip().casefold()
        return next((e for e in reversed(self.entries()) if e.sku.strip().casefold() == wanted), None)

    def awaiting_review(self) -> list[Submission]:
        """The listings the portal still reviews (made as drafts, no final review read yet), oldest first."""
        newest: dict[str, Submission] = {}
        for entry in self.entries():
            newest[entry.sku.strip().casefold()] = entry
        return [e for e in newest.values() if e.state in ("listed", "reviewed") and e.status == "draft"
                and e.remote_id]

    def sent_since(self, since: datetime) -> int:
        """How many submits happened at or after ``since`` (for the daily cap)."""
        return sum(1 for e in self.entries() if e.state == "sent" and e.sent_time >= since)
