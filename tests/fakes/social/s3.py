"""An S3-compatible bucket that accepts only correctly presigned requests (AWS Signature Version 4, query string).

The signature is recomputed here from the AWS documentation's steps, independently of SellerDesk's signer:
canonical request → string to sign → HMAC chain of date, region, service, "aws4_request". Expired links answer
403 ``AccessDenied`` (``Request has expired``), a wrong signature 403 ``SignatureDoesNotMatch``, like S3.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from tests.fakes.http_stand_in import Reply, Request, StandIn


def _uri_encode(text: str, encode_slash: bool) -> str:
    out = []
    for char in text:
        if (char.isascii() and (char.isalnum() or char in "-_.~")) or (char == "/" and not encode_slash):
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
    return "".join(out)


def _error(status: int, code: str, message: str) -> Reply:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return Reply(status, body.encode(), {"Content-Type": "application/xml"})


class S3StandIn(StandIn):
    """One bucket at ``{url}/{bucket}/...`` (path-style), for one access key."""

    access_key, secret_key, region, bucket = "AKIDSELLERDESKTEST", "s3cr3t/key+for=tests", "ap-south-1", "shop-media"

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.deleted: list[str] = []
        self.served: list[str] = []
        self.refuse_reads = False  # a bucket policy that blocks public reads

    def handle(self, request: Request) -> Reply:
        prefix = f"/{self.bucket}/"
        if not request.path.startswith(prefix):
            return _error(404, "NoSuchBucket", "The specified bucket does not exist")
        problem = self._verify(request)
        if problem is not None:
            return problem
        key = unquote(request.path[len(prefix):])
        if request.method == "PUT":
            self.objects[key] = (request.body, request.headers.get("Content-Type") or "binary/octet-stream")
            return Reply(200, b"", {"ETag": '"' + hashlib.md5(request.body).hexdigest() + '"'})
        if request.method == "DELETE":
            self.objects.pop(key, None)
            self.deleted.append(key)
            return Reply(204)
        if request.method == "GET":
            if self.refuse_reads:
                return _error(403, "AccessDenied", "Access Denied")
            if key not in self.objects:
                return _error(404, "NoSuchKey", "The specified key does not exist.")
            self.served.append(key)
            data, content_type = self.objects[key]
            return Reply(200, data, {"Content-Type": content_type})
        return _error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")

    def _verify(self, request: Request) -> Reply | None:
        q = {k: v[-1] for k, v in request.query.items()}
        needed = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                  "X-Amz-Signature")
        if any(name not in q for name in needed) or q["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
            return _error(403, "AccessDenied", "Query-string authentication version 4 requires the X-Amz-* parameters")
        key_id, day, region, service, terminator = q["X-Amz-Credential"].split("/")
        if key_id != self.access_key:
            return _error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist.")
        if region != self.region or service != "s3" or terminator != "aws4_request":
            return _error(400, "AuthorizationQueryParametersError", "Credential scope is wrong")
        signed_at = datetime.strptime(q["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if day != q["X-Amz-Date"][:8]:
            return _error(400, "AuthorizationQueryParametersError", "Credential date does not match X-Amz-Date")
        if datetime.now(UTC) > signed_at + timedelta(seconds=int(q["X-Amz-Expires"])):
            return _error(403, "AccessDenied", "Request has expired")
        headers = q["X-Amz-SignedHeaders"].split(";")
        canonical_query = "&".join(f"{_uri_encode(k, True)}={_uri_encode(v, True)}"
                                   for k, v in sorted(q.items()) if k != "X-Amz-Signature")
        canonical_headers = "".join(f"{h}:{(request.headers.get(h) or '').strip()}\n" for h in headers)
        canonical = "\n".join([request.method, _uri_encode(unquote(request.path), False), canonical_query,
                               canonical_headers, ";".join(headers), "UNSIGNED-PAYLOAD"])
        scope = f"{day}/{region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", q["X-Amz-Date"], scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self.secret_key).encode()
        for part in (day, region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, q["X-Amz-Signature"]):
            return _error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                                                         "signature you provided.")
        return None

