"""Snapdeal seller panel replica: three-tab add product (info, images, price & inventory), approval status,
inventory search with update and deactivate actions, order cards in pages."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from tests.fakes.http_stand_in import Reply, Request
from tests.fakes.portals.replica import PortalReplica, esc, number, text


class SnapdealReplica(PortalReplica):
    """The Snapdeal seller panel as far as SellerDesk uses it."""

    folder = Path(__file__).with_name("snapdeal")
    protected = ("/dashboard", "/product", "/inventory", "/orders", "/api/products")
    home = "/dashboard"
    account_name = "Ganesh Kitchenware"
    account_id = "S7f3a2"
    id_prefix = "SDL77"
    first_status = "Pending Approval"
    login_boxes = ("#loginId", "#requestOtp", "#otpInput", "#loginBtn")
    variants: ClassVar[dict[str, dict[str, list[tuple[str, str]]]]] = {"redesign": {
        "add.html": [(
            '<button class="btn" id="images-next" data-action="next">Save &amp; Next</button>',
            '<button class="btn" id="images-save" data-action="next">Continue</button>',
        )],
    }}

    def route(self, request: Request) -> Reply:
        """The panel's pages and the form's API."""
        path, method = request.path, request.method
        if path == "/dashboard":
            return self.panel("dashboard.html")
        if path == "/product/add":
            return self.panel("add.html")
        if path == "/inventory":
            query = text(request.query, "sku")
            return self.panel("inventory.html", QUERY=esc(query), ROWS=self._rows(query))
        if path == "/orders":
            return self._orders(number(request.query, "page"))
        if path == "/api/products" and method == "POST":
            fields, files = request.multipart()
            return self.create(fields, files, stock=int(fields.get("inventory") or 0))
        if path.startswith("/api/products/") and method == "POST":
            _, _, _, listing_id, action = path.split("/")
            return self.change_stock(listing_id, request.json()) if action == "stock" else self.pause(listing_id)
        return Reply(404, b"not found")

    def _rows(self, query: str) -> str:
        found = self.search(query)
        if not found:
            return '<p class="no-results">No products match your search</p>'
        return "".join(
            f'<div class="inventory-row" data-supc="{esc(item.id)}"><span class="col-supc">{esc(item.id)}</span> '
            f'<span class="col-sku">{esc(item.fields.get("sku", ""))}</span> '
            f'<span class="col-title">{esc(item.fields.get("title", ""))}</span> '
            f'<span class="col-status">{esc(item.status if item.active else "Inactive")}</span> '
            f'<span class="col-stock">{item.stock}</span> <button class="update-inventory">Update</button> '
            '<button class="deactivate">Deactivate</button></div>' for item in found)

    def _orders(self, page: int) -> Reply:
        orders, more = self.orders_page(page)
        cards = "".join(
            f'<div class="order-card" data-suborder="{esc(o.id)}"><span class="order-date">'
            f'{o.when.strftime("%Y-%m-%d %H:%M")}</span> <span class="order-sku">{esc(o.sku)}</span> '
            f'<span class="order-qty">{o.quantity}</span> <span class="order-amount">{esc(o.amount)}</span></div>'
            for o in orders) or '<p class="no-orders">No orders in this period</p>'
        link = f'<a rel="next" href="/orders?page={page + 1}">Next »</a>' if more else ""
        return self.panel("orders.html", ROWS=cards, NEXT=link)
