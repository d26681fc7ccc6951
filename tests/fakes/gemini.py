"""A local stand-in for the Gemini REST API (generateContent), for driving the real google-genai SDK in tests.

It listens on 127.0.0.1, checks ``x-goog-api-key``, records every request (texts and inline images
decoded), and answers from a scripted queue; when the queue is empty it answers like a well-behaved model:
JSON shaped by the request's ``responseSchema`` and built from the product facts found in the prompt. Error
bodies use Google's shape ``{"error": {"code", "message", "status", "details"}}``.

    with FakeGemini() as fake:
        fake.script(FakeGemini.rate_limited(), FakeGemini.answer())
        client = genai.Client(api_key=fake.api_key, http_options=types.HttpOptions(base_url=fake.url))
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PATH = re.compile(r"^/(v1beta|v1)/models/([^/:]+):generateContent$")


@dataclass
class ReceivedRequest:
    """One request as the stand-in saw it."""

    path: str
    api_version: str
    model: str
    headers: dict[str, str]
    body: dict[str, Any]
    texts: list[str] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def schema(self) -> dict[str, Any]:
        """The responseSchema the client asked for (the SDK sends it as ``responseSchema``)."""
        config = self.body.get("generationConfig") or self.body.get("generation_config") or {}
        return config.get("responseSchema") or config.get("response_schema") or {}

    @property
    def generation_config(self) -> dict[str, Any]:
        """The request's generationConfig."""
        return self.body.get("generationConfig") or self.body.get("generation_config") or {}


@dataclass(frozen=True)
class Scripted:
    """What to answer: HTTP status, a JSON body (or raw text), and how long to wait first."""

    status: int
    payload: dict[str, Any] | str
    delay: float = 0.0


# A scripted reply is built from the request it answers.
Reply = Callable[[ReceivedRequest], Scripted]


def _pick(d: dict[str, Any], camel: str, snake: str) -> Any:
    return d.get(camel, d.get(snake))


def _error(
    code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        err["details"] = details
    return {"error": err}


def _decode_b64(data: str) -> bytes:
    # The SDK sends URL-safe base64; the REST docs show the standard alphabet. Accept both.
    data = data.replace("-", "+").replace("_", "/")
    return base64.b64decode(data + "=" * (-len(data) % 4))


def _facts_in(texts: list[str]) -> dict[str, Any]:
    """The first JSON object with a "title" embedded in the prompt text (how SellerDesk sends facts)."""
    decoder = json.JSONDecoder()
    for text in texts:
        for start in (m.start() for m in re.finditer(r"\{", text)):
            try:
                obj, _ = decoder.raw_decode(text, start)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and "title" in obj:
                return obj
    return {"title": "Product"}


def _words(*texts: str) -> list[str]:
    seen: list[str] = []
    for text in texts:
        for word in re.findall(r"[^\W_]+", text):
            if word.lower() not in (w.lower() for w in seen):
                seen.append(word)
    return seen


def _clip(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _field_value(name: str, spec: dict[str, Any], facts: dict[str, Any], over: bool) -> Any:
    title = str(facts.get("title", ""))
    category = str(facts.get("category", ""))
    attrs = {str(k): str(v) for k, v in (facts.get("attributes") or {}).items()}
    words = _words(title, category, *attrs.values())
    if str(spec.get("type", "")).upper() == "ARRAY":
        item_limit = _pick(spec.get("items") or {}, "maxLength", "max_length")
        max_items = _pick(spec, "maxItems", "max_items")
        if over:
            # A sloppy model: too many items, too long, duplicates, missing '#', characters platforms refuse.
            n = (max_items or 10) + 7
            long_item = "x" * ((item_limit or 40) + 9)
            items = [f"{w}!" for w in words] + [w.upper() for w in words] + [long_item] * n
            return items[:n]
        if name == "hashtags":
            items = ["#" + w for w in words]
        elif name == "tags":
            items = [category, *attrs.values(), *words]
        else:
            items = [f"{k}: {v}" for k, v in attrs.items()] + [f"Made with care: {title}"]
        fitting = [i for i in items if i and (item_limit is None or len(i) <= item_limit)]
        items = [i for n, i in enumerate(fitting) if i.lower() not in (j.lower() for j in fitting[:n])]
        return items[:max_items] if max_items is not None else items
    limit = _pick(spec, "maxLength", "max_length")
    if name == "title":
        text = f"{title} | {category}" if category else title
    else:
        details = ", ".join(f"{k} {v}" for k, v in attrs.items())
        text = f"{title}. {facts.get('description', '')} {details}. Price {facts.get('price', '')}.".strip()
    if over:
        return " ".join([text] * (((limit or 100) // max(len(text), 1)) + 3))
    return _clip(text, limit)


def build_answer(request: ReceivedRequest, *, over_limit: bool = False) -> dict[str, Any]:
    """The JSON object a model would return for this request's schema, built from its facts."""
    facts = _facts_in(request.texts)
    answer: dict[str, Any] = {}
    for key, spec in (request.schema.get("properties") or {}).items():
        if str(spec.get("type", "")).upper() == "ARRAY":  # alt_text: one line per attached photo
            count = _pick(spec, "maxItems", "max_items") or len(request.images)
            answer[key] = [f"Photo {n + 1} of {facts.get('title', 'the product')}" for n in range(int(count))]
            continue
        fields = spec.get("properties") or {}
        answer[key] = {name: _field_value(name, fspec, facts, over_limit) for name, fspec in fields.items()}
    return answer


def _candidate_body(request: ReceivedRequest, text: str, finish: str = "STOP") -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": finish, "index": 0}
        ],
        "usageMetadata": {
            "promptTokenCount": 812,
            "candidatesTokenCount": len(text) // 4,
            "totalTokenCount": 900,
        },
        "modelVersion": request.model,
        "responseId": f"fake-{id(request):x}",
    }


class FakeGemini:
    """The stand-in server. ``start()``/``stop()`` or use it as a context manager; ``url`` is its base URL."""

    def __init__(
        self, api_key: str = "AIzaFAKE-test-key-0123456789abcdef", models: set[str] | None = None
    ) -> None:
        self.api_key = api_key
        self.models = models  # None accepts any model name
        self.requests: list[ReceivedRequest] = []
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # --- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> FakeGemini:
        """Listen on a free port of 127.0.0.1."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean; requests are recorded instead

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-gemini", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and release the port."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to give the SDK (``HttpOptions(base_url=...)``)."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_port}"

    # --- scripting -----------------------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order; after them, normal answers."""
        with self._lock:
            self._queue.extend(replies)

    @staticmethod
    def answer() -> Reply:
        """A normal answer built from the request."""
        return lambda req: Scripted(
            200, _candidate_body(req, json.dumps(build_answer(req), ensure_ascii=False))
        )

    @staticmethod
    def over_limit() -> Reply:
        """Valid JSON that ignores every limit of the schema."""
        return lambda req: Scripted(200, _candidate_body(req, json.dumps(build_answer(req, over_limit=True))))

    @staticmethod
    def rate_limited(retry_delay: str = "2s") -> Reply:
        """429 RESOURCE_EXHAUSTED with Google's RetryInfo detail."""
        details = [
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                 "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay},
        ]  # fmt: skip
        body = _error(
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details.",
            details,
        )
        return lambda req: Scripted(429, body)

    @staticmethod
    def server_error(code: int = 500) -> Reply:
        """500 INTERNAL (or 503 UNAVAILABLE)."""
        if code == 503:
            body = _error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        else:
            body = _error(
                code,
                "INTERNAL",
                "An internal error has occurred. Please retry or report in "
                "https://developers.generativeai.google/guide/troubleshooting",
            )
        return lambda req: Scripted(code, body)

    @staticmethod
    def error(code: int, status: str, message: str) -> Reply:
        """Any other Google error, e.g. ``error(403, "PERMISSION_DENIED", ...)``."""
        return lambda req: Scripted(code, _error(code, status, message))

    @staticmethod
    def invalid_key() -> Reply:
        """400 INVALID_ARGUMENT with reason API_KEY_INVALID, as Google answers a wrong key."""
        return lambda req: Scripted(400, _invalid_key_body())

    @staticmethod
    def prompt_blocked(reason: str = "SAFETY") -> Reply:
        """200 with promptFeedback.blockReason and no candidates."""
        body = {
            "promptFeedback": {"blockReason": reason, "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}]},
            "usageMetadata": {"promptTokenCount": 812, "totalTokenCount": 812},
        }  # fmt: skip
        return lambda req: Scripted(200, {**body, "modelVersion": req.model})

    @staticmethod
    def finish_safety() -> Reply:
        """200 with a candidate stopped for SAFETY and no content."""
        return lambda req: Scripted(200, {
            "candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}]}],
            "modelVersion": req.model,
        })  # fmt: skip

    @staticmethod
    def malformed_json() -> Reply:
        """200, finishReason STOP, but the text is chatty prose around broken JSON."""
        return lambda req: Scripted(
            200, _candidate_body(req, 'Sure! Here is your copy: {"etsy": {"title": "Brass')
        )

    @staticmethod
    def truncated() -> Reply:
        """200 with the JSON cut off and finishReason MAX_TOKENS."""

        def reply(req: ReceivedRequest) -> Scripted:
            text = json.dumps(build_answer(req), ensure_ascii=False)
            return Scripted(200, _candidate_body(req, text[: len(text) // 2], finish="MAX_TOKENS"))

        return reply

    @staticmethod
    def slow(seconds: float) -> Reply:
        """Answer normally, but only after ``seconds`` (to trip the client's time-out)."""
        return lambda req: Scripted(200, _candidate_body(req, json.dumps(build_answer(req))), delay=seconds)

    # --- serving -------------------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length)
        match = _PATH.match(handler.path)
        if match is None:
            msg = f"The requested URL {handler.path} was not found on this server."
            self._send(handler, 404, _error(404, "NOT_FOUND", msg))
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(handler, 400, _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
            return
        request = ReceivedRequest(
            path=handler.path,
            api_version=match.group(1),
            model=match.group(2),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        for content in body.get("contents", []):
            for part in content.get("parts", []):
                if "text" in part:
                    request.texts.append(part["text"])
                inline = _pick(part, "inlineData", "inline_data")
                if inline:
                    request.images.append(
                        (_pick(inline, "mimeType", "mime_type"), _decode_b64(inline["data"]))
                    )
        with self._lock:
            self.requests.append(request)
            reply = self._queue.pop(0) if self._queue else None
        key = request.headers.get("x-goog-api-key")
        if not key:
            msg = "Method doesn't allow unregistered callers (callers without established identity)."
            self._send(handler, 403, _error(403, "PERMISSION_DENIED", msg))
        elif key != self.api_key:
            self._send(handler, 400, _invalid_key_body())
        elif _thinking_keys(request) >= {"thinkingbudget", "thinkinglevel"}:
            # Documented: a request may set thinking_level or thinking_budget, never both.
            msg = "You can only set only one of thinking budget and thinking level."
            self._send(handler, 400, _error(400, "INVALID_ARGUMENT", msg))
        elif self.models is not None and request.model not in self.models:
            msg = (
                f"models/{request.model} is not found for API version {request.api_version}, or is not "
                "supported for generateContent."
            )
            self._send(handler, 404, _error(404, "NOT_FOUND", msg))
        else:
            scripted = (reply or self.answer())(request)
            if scripted.delay:
                self._stopping.wait(scripted.delay)
            self._send(handler, scripted.status, scripted.payload)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any] | str) -> None:
        data = (payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=UTF-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test); nothing to answer


def _thinking_keys(request: ReceivedRequest) -> set[str]:
    """The thinkingConfig fields a request set, spelling-neutral (proto JSON accepts camel and snake case)."""
    config = request.generation_config
    thinking = config.get("thinkingConfig") or config.get("thinking_config") or {}
    return {key.replace("_", "").lower() for key in thinking}


def _invalid_key_body() -> dict[str, Any]:
    return _error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
         "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
         "message": "API key not valid. Please pass a valid API key."},
    ])  # fmt: skip
