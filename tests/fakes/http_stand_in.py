"""A local HTTP server for platform stand-ins: real sockets on 127.0.0.1, faults on demand, clean shutdown.

Subclasses implement ``handle(request) -> Reply``. Tests inject latency and dropped connections (the socket is
closed without an answer, before or after the request was acted on) to exercise TransientFailure and
OutcomeUnknown. Every handler thread is joined on ``stop()``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the stand-in saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def form(self) -> dict[str, list[str]]:
        """An urlencoded body."""
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def multipart(self) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
        """A multipart/form-data body: (fields, files as name -> (filename, bytes, content type))."""
        head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        fields: dict[str, str] = {}
        files: dict[str, tuple[str, bytes, str]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[str(name)] = (filename, payload, part.get_content_type())
            else:
                fields[str(name)] = payload.decode("utf-8")
        return fields, files


@dataclass
class Reply:
    """What the stand-in answers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def redirect(cls, location: str) -> Reply:
        return cls(302, b"", {"Location": location})


@dataclass
class Fault:
    """Something to go wrong with the next ``times`` matching requests."""

    method: str
    path: re.Pattern[str]
    action: str  # "drop_before" | "drop_after" | "delay"
    seconds: float = 0.0
    times: int = 1
    body_contains: bytes | None = None


class _Server(ThreadingHTTPServer):
    # Non-daemon handler threads, joined by server_close(): a test never leaves one running.
    daemon_threads = False
    block_on_close = True

    def __init__(self, stand_in: StandIn) -> None:
        self.stand_in = stand_in
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5.0

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), self.headers, body)
        stand_in = self.server.stand_in
        fault = stand_in.take_fault(request)
        if fault is not None and fault.action == "drop_before":
            self.close_connection = True
            return
        reply = stand_in.dispatch(request)
        if fault is not None and fault.action == "drop_after":
            self.close_connection = True
            return
        if fault is not None and fault.action == "delay" and stand_in.stopping.wait(fault.seconds):
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test): nothing to answer

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class StandIn:
    """Base of the stand-ins: start/stop, request log, injected faults."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.stopping = threading.Event()
        self.lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StandIn:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{type(self).__name__}-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def drop(self, method: str, path: str, *, after_processing: bool = True, times: int = 1,
             body_contains: bytes | None = None) -> None:
        """Close the connection of the next matching request without answering (after acting on it, or not)."""
        self.faults.append(Fault(method, re.compile(path), "drop_after" if after_processing else "drop_before",
                                 times=times, body_contains=body_contains))

    def delay(self, method: str, path: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next matching request only after ``seconds`` (it is acted on at once)."""
        self.faults.append(Fault(method, re.compile(path), "delay", seconds=seconds, times=times))

    def take_fault(self, request: Request) -> Fault | None:
        with self.lock:
            self.requests.append(request)
            for fault in self.faults:
                if (fault.method == request.method and fault.path.search(request.path) and fault.times > 0
                        and (fault.body_contains is None or fault.body_contains in request.body)):
                    fault.times -= 1
                    return fault
        return None

    def dispatch(self, request: Request) -> Reply:
        with self.lock:
            return self.handle(request)

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError
