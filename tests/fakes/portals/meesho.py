"""Meesho supplier panel replica: the catalog upload (category; 2 to 9 designs, each with its name, SKU, stock, price
and photos; GST and HSN; Legal Metrology, with the importer for imported products), QC status, catalog search with
stock and pause actions, orders in pages. A catalog of fewer than 2 designs (or the old one-product form's fields)
is refused, as the panel does."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, ClassVar

from tests.fakes.http_stand_in import Reply, Request
from tests.fakes.portals.replica import Listing, PortalReplica, esc, number, photos_of, text

CATEGORIES = [
    "Home & Kitchen > Kitchen Tools > Mugs",
    "Home & Kitchen > Kitchen Tools > Bowls",
    "Home & Kitchen > Home Decor > Diyas & Lamps",
    "Women Ethnic > Sarees > Cotton Sarees",
    "Home & Kitchen > Home Furnishing > Cushion Covers",
]


MAX_DESIGNS = 9


class MeeshoReplica(PortalReplica):
    """supplier.meesho.com as far as SellerDesk uses it."""

    folder = Path(__file__).with_name("meesho")
    protected = ("/panel", "/api/catalogs", "/api/categories")
    home = "/panel/home"
    account_name = "Asha Handicrafts"
    account_id = "SUP-204817"
    id_prefix = "CAT-"
    first_status = "QC Pending"
    # Panel redesigns (``variant``): the details screen's button becomes "Continue" with another id; or the HSN box
    # moves to another screen.
    login_boxes = ("#mobile", "#send-otp", "#otp", "#verify-otp")
    variants: ClassVar[dict[str, dict[str, list[tuple[str, str]]]]] = {
        "redesign": {"upload.html": [(
            '<button id="details-next" data-action="next">Next</button>',
            '<button id="details-continue" data-action="next">Continue</button>',
        )]},
        # Another redesign: the HSN box moves from the price screen to the details screen, under a new id.
        "moved": {"upload.html": [
            ('<div class="form-row"><label>HSN Code</label><input id="hsn-code"><div class="field-error" hidden></div>'
             '</div>\n', ""),
            ('    <button id="details-next"',
             '    <div class="form-row"><label>HSN Code</label><input id="hsn"><div class="field-error" hidden></div>'
             '</div>\n    <button id="details-next"'),
            ('() => [designs().map(design).every(Boolean),',
             '() => [designs().map(design).every(Boolean), need("hsn", ["Enter a valid HSN code (4, 6 or 8 digits)", '
             '(v) => /^(\\d{4}|\\d{6}|\\d{8})$/.test(v)]),'),
            (',\n         need("hsn-code", ["Enter a valid HSN code (4, 6 or 8 digits)", '
             '(v) => /^(\\d{4}|\\d{6}|\\d{8})$/.test(v)])].every(Boolean)', "].every(Boolean)"),
            ('hsn: $("hsn-code")', 'hsn: $("hsn")'),
        ]},
        # A new sign-in page: none of the old markup, only the address (/login?next=...) tells.
        "new-login": {"login.html": [('<form id="login-form"', '<form id="auth-v2"')]},
    }

    def route(self, request: Request) -> Reply:
        """The panel's pages and the form's API."""
        path, method = request.path, request.method
        if path == "/panel/home":
            return self.panel("home.html")
        if path == "/panel/catalog/upload":
            return self.panel("upload.html")
        if path == "/panel/catalogs":
            return self.panel("catalogs.html", QUERY=esc(text(request.query, "q")),
                              TABLE=self._catalog(text(request.query, "q")))
        if path == "/panel/orders":
            return self._orders(number(request.query, "page"))
        if path == "/api/categories":
            q = text(request.query, "q").strip().lower()
            return Reply.json(200, {"categories": [c for c in CATEGORIES if q and q in c.lower()]})
        if path == "/api/catalogs" and method == "POST":
            fields, files = request.multipart()
            return self.create_catalog(fields, files)
        if path.startswith("/api/catalogs/") and method == "POST":
            _, _, _, listing_id, action = path.split("/")
            return self.change_stock(listing_id, request.json()) if action == "stock" else self.pause(listing_id)
        return Reply(404, b"not found")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._catalogs = itertools.count(501)
        self.catalogs: dict[str, list[str]] = {}  # catalog id -> the listing id of each of its designs

    def create_catalog(self, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> Reply:
        """One catalog of 2 to 9 designs: each design becomes a product of the catalog with its own id."""
        try:
            designs: list[dict[str, str]] = json.loads(fields.get("designs") or "[]")
        except json.JSONDecodeError:
            return Reply.json(400, {"error": "Unexpected form data"})
        refused = self.refusal([str(d.get("sku", "")) for d in designs])
        if refused is not None:
            return refused
        if not 2 <= len(designs) <= MAX_DESIGNS:
            return Reply.json(400, {"error": f"A catalog needs 2 to {MAX_DESIGNS} designs of one product "
                                             f"(3-4 recommended); this one has {len(designs)}"})
        if fields.get("country_of_origin", "India") != "India" and not (
                fields.get("importer_name", "").strip() and fields.get("importer_address", "").strip()):
            return Reply.json(400, {"field": "importer_name",
                                    "error": "Importer name and address are mandatory for imported products"})
        photos = [photos_of(v for k, v in files.items() if k.startswith(f"design{i}_")) for i in range(len(designs))]
        if not all(photos):
            return Reply.json(400, {"error": "Please upload at least one image for every design"})
        catalog_id = f"CTG-{next(self._catalogs)}"
        if self.result_next_submit:
            # A failure reported in words on the result panel (nothing goes to the catalog).
            status, self.result_next_submit = self.result_next_submit, None
            return Reply.json(200, {"id": catalog_id, "status": status})
        shared = {k: v for k, v in fields.items() if k != "designs"} | {"catalog_id": catalog_id}
        made = []
        for design, images in zip(designs, photos, strict=True):
            listing_id = self.new_id()
            self.listings[listing_id] = Listing(listing_id, shared | {k: str(v) for k, v in design.items()}, images,
                                                self.first_status, int(design.get("inventory") or 0))
            made.append({"sku": design.get("sku", ""), "id": listing_id})
        self.catalogs[catalog_id] = [m["id"] for m in made]
        return Reply.json(200, {"id": catalog_id, "status": self.first_status, "designs": made})

    def _catalog(self, query: str) -> str:
        found = self.search(query)
        if not found:
            return '<div class="empty-state">No catalogs found</div>'
        rows = "".join(
            f'<tr class="catalog-row" data-catalog-id="{esc(item.id)}"><td class="catalog-id">{esc(item.id)}</td>'
            f'<td class="sku">{esc(item.fields.get("sku", ""))}</td><td class="product-name">'
            f'{esc(item.fields.get("title", ""))}</td><td class="qc-status">'
            f'{esc(item.status if item.active else "Paused")}</td><td class="qc-reason">{esc(item.reason)}</td>'
            f'<td class="stock">{item.stock}</td>'
            '<td><button class="edit-stock">Edit stock</button> <button class="pause-catalog">Pause</button></td></tr>'
            for item in found)
        return ('<table id="catalog-table"><thead><tr><th>Catalog ID</th><th>SKU</th><th>Name</th><th>QC status</th>'
                f'<th>Reason</th><th>Stock</th><th></th></tr></thead><tbody>{rows}</tbody></table>')

    def _orders(self, page: int) -> Reply:
        orders, more = self.orders_page(page)
        if not orders:
            table = '<div class="empty-state">No orders yet</div>'
        else:
            table = "<table><tbody>" + "".join(
                f'<tr class="order-row" data-order-id="{esc(o.id)}"><td class="order-id">{esc(o.id)}</td>'
                f'<td class="order-date">{o.when.strftime("%d %b %Y, %I:%M %p")}</td><td class="sku">{esc(o.sku)}</td>'
                f'<td class="qty">{o.quantity}</td><td class="amount">{esc(o.amount)}</td></tr>'
                for o in orders) + "</tbody></table>"
        link = f'<a class="next-page" href="/panel/orders?page={page + 1}">Next</a>' if more else ""
        return self.panel("orders.html", TABLE=table, NEXT=link)
