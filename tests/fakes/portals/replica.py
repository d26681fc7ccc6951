"""Replica seller panels on 127.0.0.1 for the browser platforms: real HTML+JS pages driven by real Chromium.

Each replica models its portal's flow (platform-facts.md, "Indian marketplaces"): phone + OTP sign-in with a
persistent session cookie that the replica can expire; a multi-step add-product form with client-side validation
and ``<input type=file>`` photos; a catalog with search and row actions; orders or leads. Switches make it misbehave
the way real panels do: a slow page (``delay``), an error banner on the next submit, a changed selector
(``variant``: ids and labels of some buttons change, a box moves), a session that ends, a page whose script hangs
the tab (``frozen``), a failure told in words on the result panel (``result_next_submit``), a catalog search that
lags (``search_lag``), an announcement pop-up (``popup``), a CAPTCHA wall (``captcha``).

The OTP is "sent by SMS": the replica keeps it in ``otps`` for the test to type, like a seller reading their phone.
"""

from __future__ import annotations

import html
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from playwright.sync_api import Page

from tests.fakes.http_stand_in import Reply, Request, StandIn

COMMON_JS = Path(__file__).with_name("common.js")


@dataclass
class Listing:
    """One product the replica's catalog holds."""

    id: str
    fields: dict[str, str]
    images: list[tuple[str, int]]  # (file name, size)
    status: str
    stock: int
    active: bool = True
    reason: str = ""  # why the portal's review rejected it
    created: float = field(default_factory=time.monotonic)


@dataclass
class Order:
    """One order (or lead) on the replica's orders page; ``when`` is local portal time (IST)."""

    id: str
    when: Any  # datetime, naive IST
    sku: str = ""
    quantity: int = 1
    amount: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class PortalReplica(StandIn):
    """The parts every portal shares; subclasses give their pages, paths and listing rules."""

    folder: ClassVar[Path]
    protected: ClassVar[tuple[str, ...]]  # path prefixes that need a session
    home: ClassVar[str]
    account_name: ClassVar[str]
    account_id: ClassVar[str]
    id_prefix: ClassVar[str]
    first_status: ClassVar[str]
    # variant name -> page -> (original, changed) text replacements while ``variant`` is that name
    variants: ClassVar[dict[str, dict[str, list[tuple[str, str]]]]] = {}
    login_boxes: ClassVar[tuple[str, str, str, str]]  # phone box, send-OTP button, OTP box, verify button
    phone = "9876543210"
    page_size = 10

    def __init__(self, *, session_seconds: int = 30 * 86400) -> None:
        super().__init__()
        self.session_seconds = session_seconds
        self.otps: dict[str, str] = {}
        self.sent: list[str] = []  # every OTP ever "texted", to prove SellerDesk kept none
        self.sessions: dict[str, float] = {}
        self.listings: dict[str, Listing] = {}
        self.orders: list[Order] = []
        self.variant: str | None = None  # a redesign of the panel (a key of ``variants``)
        self.frozen: dict[str, int] = {}  # page file -> ms after loading when its script locks up the tab
        self.banner_next_submit: str | None = None
        self.popup = False  # an announcement pop-up over every panel page until closed
        self.captcha = False  # a CAPTCHA wall over every panel page until a person answers it
        self.search_lag = 0.0  # seconds before a new listing shows in the catalog search (an indexing delay)
        self.result_next_submit: str | None = None  # the result panel's status text for the next submit (kept not)
        self.submits = 0
        self._next = 1001

    # --- test controls ---

    def expire_sessions(self) -> None:
        """Every signed-in browser now lands on the sign-in page (as when the portal's session ends)."""
        with self.lock:
            self.sessions.clear()

    def set_status(self, listing_id: str, status: str, reason: str = "") -> None:
        """The portal's review moved on (e.g. QC passed, or rejected for ``reason``)."""
        with self.lock:
            self.listings[listing_id].status = status
            self.listings[listing_id].reason = reason

    def seller_signs_in(self, page: Page) -> None:
        """What the seller does in the sign-in window: phone number, Send OTP, read the SMS, type it, verify."""
        phone, send, otp, verify = self.login_boxes
        page.fill(phone, self.phone)
        page.click(send)
        page.locator(otp).wait_for()
        page.fill(otp, self.otps[self.phone])
        page.click(verify)

    # --- plumbing ---

    def page(self, name: str, **slots: str) -> Reply:
        """A page from the replica's folder with its ``<!--SLOT-->`` markers filled (and the variant applied)."""
        text = (self.folder / name).read_text(encoding="utf-8")
        for slot, value in slots.items():
            text = text.replace(f"<!--{slot}-->", value)
        if self.variant:
            for original, changed in self.variants[self.variant].get(name, []):
                if original not in text:
                    raise AssertionError(f"variant {self.variant!r} of {name} no longer matches: {original!r}")
                text = text.replace(original, changed)
        if name in self.frozen:
            # A panel script stuck in a loop: the tab stops answering, as a hung page does in a real browser.
            text = text.replace("</body>", f"<script>setTimeout(() => {{ for (;;) {{}} }}, {self.frozen[name]})"
                                           "</script></body>")
        return Reply(200, text.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def panel(self, name: str, **slots: str) -> Reply:
        """A page of the signed-in panel, with the panel's header (who is signed in) on top, and the
        announcement pop-up or CAPTCHA wall when they are switched on."""
        header = (self.folder / "header.html").read_text(encoding="utf-8")
        if self.popup:
            header += POPUP
        if self.captcha:
            header += CAPTCHA
        return self.page(name, HEADER=header, **slots)

    def signed_in(self, request: Request) -> bool:
        """Whether the request carries a live session cookie."""
        sid = _cookie(request, "sid")
        with self.lock:
            expiry = self.sessions.get(sid or "")
            return expiry is not None and expiry > time.monotonic()

    def handle(self, request: Request) -> Reply:
        """Sign-in and session checks every portal shares; the rest goes to ``route``."""
        path = request.path
        if path == "/static/common.js":
            return Reply(200, COMMON_JS.read_bytes(), {"Content-Type": "text/javascript"})
        if path == "/api/otp/send" and request.method == "POST":
            return self._send_otp(request.json())
        if path == "/api/otp/verify" and request.method == "POST":
            return self._verify_otp(request.json())
        if path == "/api/captcha" and request.method == "POST":
            if request.json().get("answer") != CAPTCHA_ANSWER:
                return Reply.json(400, {"error": "Wrong answer, try again"})
            self.captcha = False
            return Reply.json(200, {"ok": True})
        if path == "/login":
            return Reply.redirect(self.home) if self.signed_in(request) else self.page("login.html")
        if path.startswith(self.protected) and not self.signed_in(request):
            if path.startswith("/api/"):
                return Reply.json(401, {"error": "Your session has expired. Please log in again."})
            return Reply.redirect("/login?next=" + quote(path))
        return self.route(request)

    def route(self, request: Request) -> Reply:
        """The portal's own pages and API (signed in)."""
        raise NotImplementedError

    def _send_otp(self, body: dict[str, Any]) -> Reply:
        phone = str(body.get("phone", ""))
        if not (phone.isdigit() and len(phone) == 10):
            return Reply.json(400, {"field": "phone", "error": "Enter a valid 10-digit mobile number"})
        self.otps[phone] = f"{secrets.randbelow(10**6):06d}"
        self.sent.append(self.otps[phone])
        return Reply.json(200, {"sent": True})

    def _verify_otp(self, body: dict[str, Any]) -> Reply:
        phone, otp = str(body.get("phone", "")), str(body.get("otp", ""))
        if not otp or self.otps.get(phone) != otp:
            return Reply.json(400, {"field": "otp", "error": "Incorrect OTP. Please try again"})
        del self.otps[phone]
        sid = secrets.token_hex(16)
        self.sessions[sid] = time.monotonic() + self.session_seconds
        cookie = f"sid={sid}; Path=/; Max-Age={self.session_seconds}; HttpOnly; SameSite=Lax"
        return Reply(200, json.dumps({"next": self.home}).encode(),
                     {"Content-Type": "application/json", "Set-Cookie": cookie})

    # --- listings ---

    def create(self, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]], *, stock: int) -> Reply:
        """Store a submitted product (or refuse it like the portal does) and answer the form's script."""
        refused = self.refusal([fields.get("sku", "")])
        if refused is not None:
            return refused
        images = photos_of(files.values())
        if not images:
            return Reply.json(400, {"error": "Please upload at least one product image"})
        listing_id = self.new_id()
        if self.result_next_submit:
            # A failure reported in words on the result panel (an id is shown; nothing goes to the catalog).
            status, self.result_next_submit = self.result_next_submit, None
            return Reply.json(200, {"id": listing_id, "status": status})
        self.listings[listing_id] = Listing(listing_id, fields, images, self.first_status, stock)
        return Reply.json(200, {"id": listing_id, "status": self.first_status})

    def refusal(self, skus: list[str]) -> Reply | None:
        """Count a submit and refuse it as the portal does: the banner switched on for it, or an SKU already in the
        catalog (None: go on)."""
        self.submits += 1
        if self.banner_next_submit:
            message, self.banner_next_submit = self.banner_next_submit, None
            return Reply.json(500, {"error": message})
        for sku in skus:
            if sku and any(item.fields.get("sku") == sku for item in self.listings.values()):
                return Reply.json(409, {"error": f"A product with SKU '{sku}' already exists in your catalog"})
        return None

    def new_id(self) -> str:
        """The id of the next listing the portal makes."""
        listing_id = f"{self.id_prefix}{self._next}"
        self._next += 1
        return listing_id

    def search(self, query: str) -> list[Listing]:
        """Catalog search as panels do it: by id, SKU or words of the title."""
        q = query.strip().lower()
        indexed = time.monotonic() - self.search_lag
        found = [item for item in self.listings.values() if item.created <= indexed
                 if not q or q == item.id.lower() or q == item.fields.get("sku", "").lower()
                 or q in item.fields.get("title", "").lower()]
        return list(reversed(found))

    def change_stock(self, listing_id: str, body: dict[str, Any]) -> Reply:
        """The catalog's stock (and price) dialog."""
        item = self.listings.get(listing_id)
        if item is None:
            return Reply.json(404, {"error": "Product not found"})
        quantity = str(body.get("quantity", ""))
        if not quantity.isdigit():
            return Reply.json(400, {"field": "quantity", "error": "Stock must be a whole number"})
        item.stock = int(quantity)
        if body.get("price"):
            item.fields["price"] = str(body["price"])
        return Reply.json(200, {"ok": True})

    def pause(self, listing_id: str) -> Reply:
        """The catalog's pause / deactivate / hide button."""
        item = self.listings.get(listing_id)
        if item is None:
            return Reply.json(404, {"error": "Product not found"})
        item.active = False
        return Reply.json(200, {"ok": True})

    def orders_page(self, number: int) -> tuple[list[Order], bool]:
        """One page of orders, newest first, and whether another page follows."""
        ordered = sorted(self.orders, key=lambda o: o.when, reverse=True)
        start = (number - 1) * self.page_size
        return ordered[start:start + self.page_size], len(ordered) > start + self.page_size


CAPTCHA_ANSWER = "W4TER"  # what the picture shows; a person reads it, SellerDesk never does
POPUP = """<div class="announcement-modal" style="position:fixed;inset:0;background:rgba(0,0,0,.6);z-index:50">
  <div style="background:#fff;margin:10% auto;width:24em;padding:1em"><h3>New: festive sale registrations open</h3>
  <button class="modal-close" onclick="this.closest('.announcement-modal').remove()">Got it</button></div></div>"""
CAPTCHA = """<div id="captcha-wall" style="position:fixed;inset:0;background:#fff;z-index:60">
  <p>Please verify you are a human</p><img alt="captcha picture"><input id="captcha-answer">
  <button id="captcha-go" onclick="fetch('/api/captcha', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({answer: document.getElementById('captcha-answer').value})})
    .then((a) => { if (a.ok) location.reload(); })">Verify</button></div>"""


def photos_of(files: Any) -> list[tuple[str, int]]:
    """The (file name, size) of every non-empty image among uploaded ``files`` (filename, bytes, content type)."""
    return [(name, len(data)) for name, data, kind in files if kind.startswith("image/") and data]


def esc(value: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def _cookie(request: Request, name: str) -> str | None:
    for part in (request.headers.get("Cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def number(query: dict[str, list[str]], key: str, default: int = 1) -> int:
    """An integer query parameter."""
    raw = (query.get(key) or [str(default)])[0]
    return int(raw) if raw.isdigit() else default


def text(query: dict[str, list[str]], key: str) -> str:
    """A text query parameter."""
    return (query.get(key) or [""])[0]
