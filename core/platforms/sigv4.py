"""AWS Signature Version 4 presigned URLs (query-string authentication), as every S3-compatible store accepts.

A presigned URL carries its own signature and expiry, so SellerDesk can upload (PUT), hand Instagram or Pinterest
a link to read (GET) and delete (DELETE) without sending the secret key anywhere. The payload is not signed
(``UNSIGNED-PAYLOAD``), which S3 allows for presigned requests.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_EXPIRES = 7 * 24 * 3600  # SigV4's own ceiling for presigned URLs


@dataclass(frozen=True)
class Credentials:
    """An access key pair and the region and service it signs for."""

    access_key_id: str
    secret_access_key: str
    region: str
    service: str = "s3"


def _encode(value: str, *, keep_slash: bool = False) -> str:
    # RFC 3986 unreserved characters stay as they are; everything else is percent-encoded, as SigV4 requires.
    return quote(value, safe="-_.~/" if keep_slash else "-_.~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_access_key: str, day: str, region: str, service: str) -> bytes:
    """The derived key for one day, region and service."""
    key = _hmac(f"AWS4{secret_access_key}".encode(), day)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def presign(method: str, url: str, credentials: Credentials, *, expires: int, now: datetime) -> str:
    """``url`` (no query string) signed for ``method`` for ``expires`` seconds from ``now``."""
    if not 1 <= expires <= MAX_EXPIRES:
        raise ValueError(f"a presigned URL lives 1 s to {MAX_EXPIRES} s, not {expires} s")
    parts = urlsplit(url)
    if parts.query or not parts.hostname:
        raise ValueError("presign needs an absolute URL without a query string")
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    scope = f"{day}/{credentials.region}/{credentials.service}/aws4_request"
    query = {
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": f"{credentials.access_key_id}/{scope}",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": "host",
    }
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query.items()))
    # The host header is signed exactly as it will be sent: with the port only when it is not the default.
    host = parts.netloc.rsplit("@", 1)[-1]
    path = _encode(parts.path or "/", keep_slash=True)
    canonical = "\n".join([method.upper(), path, canonical_query, f"host:{host}\n", "host", UNSIGNED_PAYLOAD])
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = signing_key(credentials.secret_access_key, day, credentials.region, credentials.service)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{canonical_query}&X-Amz-Signature={signature}"
