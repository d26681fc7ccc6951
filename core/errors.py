"""Error types the CLI, the queue and the GUI all understand.

Every error carries a message a seller can act on: what happened, to what, and what to do next.
"""

from __future__ import annotations


class SellerDeskError(Exception):
    """Base of every error SellerDesk reports to a person.

    ``str(err)`` is the one-line message shown to the seller; ``hint`` (optional) says what to do next.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class ValidationError(SellerDeskError):
    """Input from the seller (CLI argument, form field, CSV cell) is not acceptable."""

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class NotFound(SellerDeskError):
    """A record the seller named (product id, job id, ...) does not exist."""


class StorageError(SellerDeskError):
    """The data dir or database cannot be used (missing, read-only, damaged, too new)."""


class Cancelled(SellerDeskError):
    """The seller stopped a long task; nothing half-done was kept."""
