"""Meesho supplier panel replica: four-screen catalog upload (category, details, images, price/GST/HSN), QC status,
catalog search with stock and pause actions, orders in pages."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from tests.fakes.http_stand_in import Reply, Request
from tests.fakes.portals.replica import PortalReplica, esc, number, text

CATEGORIES = [
    "Home & Kitchen > Kitchen Tools > Mugs",
    "Home & Kitchen > Kitchen Tools > Bowls",
    "Home & Kitchen > Home Decor > Diyas & Lamps",
    "Women Ethnic > Sarees > Cotton Sarees",
    "Home & Kitchen > Home Furnishing > Cushion Covers",
]


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
            ('(v) => /^[1-9]\\d*$/.test(v)])].every(Boolean),',
             '(v) => /^[1-9]\\d*$/.test(v)]), need("hsn", ["Enter a valid HSN code (4, 6 or 8 digits)", '
             '(v) => /^(\\d{4}|\\d{6}|\\d{8})$/.test(v)])].every(Boolean),'),
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
            return self.create(fields, files, stock=int(fields.get("inventory") or 0))
        if path.startswith("/api/catalogs/") and method == "POST":
            _, _, _, listing_id, action = path.split("/")
            return self.change_stock(listing_id, request.json()) if action == "stock" else self.pause(listing_id)
        return Reply(404, b"not found")

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
