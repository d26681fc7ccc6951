"""IndiaMART seller panel replica: add product (details, photos, specifications), product search with a hide action,
Lead Manager page; plus the Lead Manager pull API (CRM API v2) as platform-facts.md describes it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.portals.replica import PortalReplica, esc, number, text

API_PATH = "/wservce/crm/crmListing/v2/"
TIME_FORMAT = "%d-%b-%Y %H:%M:%S"


class IndiaMartReplica(PortalReplica):
    """seller.indiamart.com as far as SellerDesk uses it."""

    folder = Path(__file__).with_name("indiamart")
    protected = ("/dashboard", "/products", "/leads", "/api/products")
    home = "/dashboard"
    account_name = "Shree Brass Works"
    account_id = "88412233"
    id_prefix = "IM"
    first_status = "Under Review"
    login_boxes = ("#mobileNo", "#sendOtpBtn", "#otpField", "#verifyBtn")
    variants: ClassVar[dict[str, dict[str, list[tuple[str, str]]]]] = {"redesign": {
        "add.html": [(
            '<button id="save-product" data-action="submit">Save Product</button>',
            '<button id="publish-product" data-action="submit">Save &amp; Publish</button>',
        )],
    }}

    def route(self, request: Request) -> Reply:
        """The panel's pages and the form's API."""
        path, method = request.path, request.method
        if path == "/dashboard":
            return self.panel("dashboard.html")
        if path == "/products/add":
            return self.panel("add.html")
        if path == "/products":
            query = text(request.query, "search")
            return self.panel("products.html", QUERY=esc(query), CARDS=self._cards(query))
        if path == "/leads":
            return self._leads(number(request.query, "page"))
        if path == "/api/products" and method == "POST":
            fields, files = request.multipart()
            fields["specs"] = json.loads(fields.get("specs") or "[]")  # type: ignore[assignment]
            return self.create(fields, files, stock=0)
        if path.startswith("/api/products/") and path.endswith("/pause") and method == "POST":
            return self.pause(path.split("/")[3])
        return Reply(404, b"not found")

    def _cards(self, query: str) -> str:
        found = self.search(query)
        if not found:
            return '<p class="no-products">No products found</p>'
        return "".join(
            f'<div class="product-card" data-product-id="{esc(item.id)}"><h4 class="prd-title">'
            f'{esc(item.fields.get("title", ""))}</h4><span class="prd-code">{esc(item.fields.get("sku", ""))}</span> '
            f'<span class="prd-status">{esc(item.status if item.active else "Hidden")}</span> '
            f'<a class="prd-link" href="/products?search={esc(item.id)}">Open</a> '
            '<button class="hide-product">Hide</button></div>' for item in found)

    def _leads(self, page: int) -> Reply:
        leads, more = self.orders_page(page)
        rows = "".join(
            f'<div class="lead-row" data-query-id="{esc(lead.id)}"><span class="lead-time">'
            f'{lead.when.strftime("%d-%b-%Y %I:%M %p")}</span> <span class="lead-product">'
            f'{esc(lead.extra.get("product", ""))}</span> <span class="lead-city">{esc(lead.extra.get("city", ""))}'
            '</span></div>' for lead in leads) or '<p class="no-leads">No enquiries yet</p>'
        link = f'<a class="leads-next" href="/leads?page={page + 1}">Older</a>' if more else ""
        return self.panel("leads.html", ROWS=rows, NEXT=link)


class LeadsApiStandIn(StandIn):
    """IndiaMART's Lead Manager pull API: GET with glusr_crm_key, start_time, end_time; at most 7 days per call and
    one call per 5 minutes; answers CODE, STATUS, MESSAGE, TOTAL_RECORDS, RESPONSE (always HTTP 200)."""

    key = "mRyxE7pr4XbFTvep5nKL7lqIoFDMnjo="

    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(2026, 1, 20, 12, 0)  # IST, moved by the test like its clock
        self.last_call: datetime | None = None
        self.leads: list[dict[str, Any]] = []
        self.calls: list[dict[str, str]] = []

    def add_lead(self, query_id: str, when: datetime, product: str) -> None:
        """A buyer's enquiry at ``when`` (IST)."""
        self.leads.append({"UNIQUE_QUERY_ID": query_id, "QUERY_TYPE": "W", "QUERY_TIME": when.strftime(
            "%Y-%m-%d %H:%M:%S"), "SENDER_NAME": "Buyer", "SENDER_MOBILE": "+91-9800000000",
            "SENDER_CITY": "Pune", "QUERY_PRODUCT_NAME": product, "QUERY_MESSAGE": "Please quote"})

    def handle(self, request: Request) -> Reply:
        """One pull, checked against the API's rules."""
        if request.path != API_PATH or request.method != "GET":
            return Reply(404, b"")
        params = {k: v[0] for k, v in request.query.items()}
        self.calls.append(params)

        def answer(code: int, message: str, leads: list[dict[str, Any]] | None = None) -> Reply:
            status = "SUCCESS" if code == 200 else "FAILURE"
            return Reply.json(200, {"CODE": code, "STATUS": status, "MESSAGE": message,
                                    "TOTAL_RECORDS": len(leads or []), "RESPONSE": leads or []})

        if params.get("glusr_crm_key") != self.key:
            return answer(401, "Invalid key. Please generate a new key from Lead Manager")
        if self.last_call is not None and self.now - self.last_call < timedelta(minutes=5):
            return answer(429, "It is advised to hit this API once in every 5 minutes")
        try:
            start = datetime.strptime(params["start_time"], TIME_FORMAT)
            end = datetime.strptime(params["end_time"], TIME_FORMAT)
        except (KeyError, ValueError):
            return answer(400, "Invalid start_time or end_time")
        if end - start > timedelta(days=7) or end < start:
            return answer(400, "The time duration should not be more than 7 days")
        self.last_call = self.now
        found = [lead for lead in self.leads
                 if start <= datetime.strptime(lead["QUERY_TIME"], "%Y-%m-%d %H:%M:%S") <= end]
        return answer(200 if found else 204, "" if found else "There are no leads in the given time duration",
                      found)
