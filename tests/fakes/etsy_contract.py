"""The contract the Etsy stand-in enforces: Etsy's 2021 OpenAPI description, corrected by platform-facts.md.

Where the two disagree, the facts win (specs/README.md): the x-api-key value is ``keystring:shared_secret``,
physical listings need ``readiness_state_id`` and ``shipping_profile_id``, ``when_made`` has the current eras,
a listing takes up to 20 images, and listings are updated with PATCH. A few operations of today's API that the
2021 snapshot predates (getMe, getListingsByShop, the shop's shipping and processing profiles) are declared here
in the same OpenAPI form, so they are checked the same way.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from tests.fakes.openapi_check import ContractViolation, OpenApi, load_spec

SPEC_PATH = Path(__file__).resolve().parent / "specs" / "etsy-v3-openapi-2021.json"
PREFIX = "/v3/application"
MAX_IMAGES = 20  # platform-facts.md: up to 20 images
WHEN_MADE = ["made_to_order", "2020_2026", "2010_2019", "2007_2009", "before_2007", "2000_2006", "1990s", "1980s",
             "1970s", "1960s", "1950s", "1940s", "1930s", "1920s", "1910s", "1900s", "1800s", "1700s", "before_1700"]
SCOPES = {"listings_r", "listings_w", "listings_d", "shops_r", "shops_w", "transactions_r", "transactions_w",
          "email_r", "profile_r", "address_r"}

_INT = {"type": "integer", "minimum": 1}


def _param(name: str, where: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema}


def _paging() -> list[dict[str, Any]]:
    return [_param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100}),
            _param("offset", "query", {"type": "integer", "minimum": 0})]


def _security(*scopes: str) -> list[dict[str, Any]]:
    return [{"api_key": [], "oauth2": list(scopes)}]


def build_contract() -> OpenApi:
    """The 2021 description with the facts' corrections and today's additional operations."""
    spec = load_spec(SPEC_PATH)
    paths = spec["paths"]
    create = paths[f"{PREFIX}/shops/{{shop_id}}/listings"]["post"]
    form = create["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    form["properties"]["readiness_state_id"] = dict(_INT)
    form["properties"]["when_made"]["enum"] = WHEN_MADE
    update = copy.deepcopy(paths[f"{PREFIX}/shops/{{shop_id}}/listings/{{listing_id}}"]["put"])
    update_form = update["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    update_form["properties"]["readiness_state_id"] = dict(_INT)
    update_form["properties"]["when_made"]["enum"] = WHEN_MADE
    overlay: dict[tuple[str, str], dict[str, Any]] = {
        ("PATCH", f"{PREFIX}/shops/{{shop_id}}/listings/{{listing_id}}"): update,
        ("GET", f"{PREFIX}/users/me"): {"operationId": "getMe", "parameters": [], "security": _security("shops_r")},
        ("GET", f"{PREFIX}/shops/{{shop_id}}/listings"): {
            "operationId": "getListingsByShop",
            "parameters": [
                _param("shop_id", "path", _INT),
                _param("state", "query", {"type": "string",
                                          "enum": ["active", "inactive", "sold_out", "draft", "expired"]}),
                *_paging(),
                _param("sort_on", "query", {"type": "string", "enum": ["created", "price", "updated", "score"]}),
                _param("sort_order", "query", {"type": "string", "enum": ["asc", "ascending", "desc", "descending",
                                                                          "up", "down"]}),
            ],
            "security": _security("listings_r"),
        },
        ("GET", f"{PREFIX}/shops/{{shop_id}}/shipping-profiles"): {
            "operationId": "getShopShippingProfiles", "parameters": [_param("shop_id", "path", _INT)],
            "security": _security("shops_r"),
        },
        ("GET", f"{PREFIX}/shops/{{shop_id}}/readiness-state-definitions"): {
            "operationId": "getShopReadinessStateDefinitions",
            "parameters": [_param("shop_id", "path", _INT), *_paging()], "security": _security("shops_r"),
        },
    }
    return OpenApi(spec, overlay)


_TITLE_ONCE = "%:&+"
_TAG = re.compile(r"^[\w\s\-'™©®]+$")


def check_listing_rules(values: dict[str, Any], *, creating: bool) -> None:
    """The seller rules of platform-facts.md, answered the way Etsy answers: 400 naming the field."""
    title = values.get("title")
    if title is not None:
        if not str(title).strip():
            raise ContractViolation(400, "title cannot be empty")
        if len(title) > 140:
            raise ContractViolation(400, f"title must be 140 characters or fewer (it has {len(title)})")
        for char in _TITLE_ONCE:
            if title.count(char) > 1:
                raise ContractViolation(400, f"title may contain the character {char} only once")
    tags = values.get("tags")
    if tags is not None:
        if len(tags) > 13:
            raise ContractViolation(400, f"tags: a listing can have at most 13 tags (got {len(tags)})")
        for tag in tags:
            if len(tag) > 20 or not _TAG.match(tag) or "_" in tag:
                raise ContractViolation(400, f"tags: {tag!r} is not a valid tag (20 characters of letters, "
                                             "numbers, spaces, - and ' at most)")
    if "quantity" in values and values["quantity"] < 1:
        raise ContractViolation(400, "quantity must be a positive non-zero number")
    if "price" in values and values["price"] <= 0:
        raise ContractViolation(400, "price must be a positive non-zero amount")
    if creating and values.get("type", "physical") == "physical":
        for name in ("shipping_profile_id", "readiness_state_id"):
            if name not in values:
                raise ContractViolation(400, f"Missing required parameter: {name} (needed for physical listings)")
