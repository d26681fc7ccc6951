"""What both halves of the Graph stand-in share: Meta's error body and the tokens it hands out."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

REVOKED_MESSAGES = {
    458: "Error validating access token: The user has not authorized application.",
    459: "Error validating access token: You cannot access the app till you log in to www.facebook.com.",
    460: "Error validating access token: The session has been invalidated because the user changed their password.",
    463: "Error validating access token: Session has expired.",
    467: "Error validating access token: The session is invalid because the user logged out.",
}


class GraphFailure(Exception):
    """A refusal the way Graph words it."""

    def __init__(self, code: int, message: str, *, subcode: int | None = None, status: int = 400,
                 kind: str = "OAuthException") -> None:
        super().__init__(message)
        self.code, self.message, self.subcode, self.status, self.kind = code, message, subcode, status, kind

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code,
                                 "fbtrace_id": "A" + secrets.token_hex(8)}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return {"error": error}


@dataclass
class Token:
    value: str
    kind: str  # user | page | ig
    subject: str
    scopes: set[str]
    expires: float | None
    issued: float = field(default_factory=time.time)
    revoked: int | None = None


