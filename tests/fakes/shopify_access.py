"""Who may call the Shopify stand-in, and with which scopes (shared/platform-facts.md, Shopify "Tokens").

- Legacy custom apps (made in the admin before 1 January 2026): a pasted ``shpat_`` token that never expires.
- Dev Dashboard apps: ``POST /admin/oauth/access_token`` with ``grant_type=client_credentials``, the app's
  ``client_id`` and ``client_secret`` (form or JSON) gives ``{access_token, scope, expires_in: 86399}``; the token
  is refused once its 24 h are over. A wrong id or secret is answered 400 ``invalid_client``.
- Every root field needs its access scope (``write_X`` includes ``read_X``); without it the answer is an
  ``ACCESS_DENIED`` error naming the scope, and nothing is done.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.fakes.http_stand_in import Reply, Request

TOKEN_SECONDS = 86399
ALL_SCOPES = ("write_products", "write_inventory", "read_locations", "read_orders", "write_publications")
# root field -> the scope it needs (write_X also grants read_X)
FIELD_SCOPES = {
    "productSet": "write_products", "productUpdate": "write_products", "products": "read_products",
    "stagedUploadsCreate": "write_products", "inventorySetQuantities": "write_inventory",
    "locations": "read_locations", "orders": "read_orders", "publications": "read_publications",
    "publishablePublish": "write_publications",
}


def grants(scopes: set[str], needed: str) -> bool:
    """True if ``scopes`` include ``needed`` (a write scope includes its read scope)."""
    return needed in scopes or (needed.startswith("read_") and "write_" + needed[5:] in scopes)


class ShopifyAccess:
    """Tokens (legacy and client-credentials), their expiry on the stand-in's own clock, and granted scopes."""

    token = "shpat_0123456789abcdef0123456789abcdef"  # the legacy custom app's token
    client_id = "3f1c0a9e5b7d42c6a8e0f2b4d6c8e0a1"
    client_secret = "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"

    def __init__(self) -> None:
        self.scopes: set[str] = set(ALL_SCOPES)
        self.clock = 0.0  # seconds; tests move it with advance()
        self.issued: dict[str, float] = {}  # client-credentials token -> when it dies
        self.grants_made = 0

    def advance(self, seconds: float) -> None:
        """Let time pass on the store's side (issued tokens age)."""
        self.clock += seconds

    def token_ok(self, token: str | None) -> bool:
        """A live token: the legacy one, or an issued one that has not expired."""
        if token is None:
            return False
        if token == self.token:
            return True
        return self.issued.get(token, -1.0) > self.clock

    def grant(self, request: Request) -> Reply:
        """The client credentials grant (form-encoded or JSON body)."""
        if request.method != "POST":
            return Reply.json(405, {"errors": "Method not allowed"})
        if request.content_type == "application/json":
            body = {k: str(v) for k, v in dict(request.json()).items()}
        else:
            body = {k: v[0] for k, v in request.form().items()}
        if body.get("grant_type") != "client_credentials":
            return Reply.json(400, {"error": "unsupported_grant_type",
                                    "error_description": "grant_type must be client_credentials"})
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return Reply.json(400, {"error": "invalid_client",
                                    "error_description": "Client authentication failed: the client id or secret "
                                                         "is wrong, or the app is not installed on this store."})
        token = "shpat_" + secrets.token_hex(16)
        self.issued[token] = self.clock + TOKEN_SECONDS
        self.grants_made += 1
        return Reply.json(200, {"access_token": token, "scope": ",".join(sorted(self.scopes)),
                                "expires_in": TOKEN_SECONDS})

    def denied(self, field_name: str) -> dict[str, Any] | None:
        """The ACCESS_DENIED error for a root field the token's scopes do not cover, else None."""
        needed = FIELD_SCOPES.get(field_name)
        if needed is None or grants(self.scopes, needed):
            return None
        return {"message": f"Access denied for {field_name} field. Required access: `{needed}` access scope.",
                "extensions": {"code": "ACCESS_DENIED", "requiredAccess": f"`{needed}` access scope."}}

    def root_currentAppInstallation(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"accessScopes": [{"handle": s} for s in sorted(self.scopes)]}
