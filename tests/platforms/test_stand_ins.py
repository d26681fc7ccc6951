"""The stand-ins hold clients to the documented contract, not to whatever the clients send."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.etsy import EtsyStandIn
from tests.fakes.shopify import ShopifyStandIn


@pytest.fixture
def etsy_http(etsy_server: EtsyStandIn) -> Iterator[httpx.Client]:
    headers = {"x-api-key": f"{etsy_server.keystring}:{etsy_server.shared_secret}"}
    with httpx.Client(base_url=f"{etsy_server.url}/v3/application", headers=headers) as client:
        yield client


def signed_in(etsy_server: EtsyStandIn) -> dict[str, str]:
    token = etsy_server._issue(["listings_r", "listings_w", "shops_r", "transactions_r"])["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_etsy_authentication(etsy_server: EtsyStandIn, etsy_http: httpx.Client) -> None:
    keystring_only = httpx.get(f"{etsy_server.url}/v3/application/users/me",
                               headers={"x-api-key": etsy_server.keystring})
    assert keystring_only.status_code == 403 and "keystring:shared_secret" in keystring_only.json()["error"]
    anonymous = etsy_http.get("/users/me")
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "invalid_token"}
    assert etsy_http.get("/users/me", headers=signed_in(etsy_server)).json()["shop_id"] == etsy_server.shop_id
    assert etsy_http.get("/seller-taxonomy/nodes").status_code == 200  # the key alone is enough here
    for name in ("x-limit-per-second", "x-remaining-this-second", "x-limit-per-day", "x-remaining-today"):
        assert name in anonymous.headers


def test_etsy_requests_are_checked_against_the_openapi_description(etsy_server: EtsyStandIn,
                                                                   etsy_http: httpx.Client) -> None:
    auth = signed_in(etsy_server)
    shop = f"/shops/{etsy_server.shop_id}/listings"
    good = {"quantity": "1", "title": "Mug", "description": "A mug", "price": "10.00", "who_made": "i_did",
            "when_made": "made_to_order", "taxonomy_id": "1064", "shipping_profile_id": "71",
            "readiness_state_id": "81"}
    assert etsy_http.get("/no/such/thing").status_code == 404
    assert etsy_http.delete(f"/users/{etsy_server.user_id}").status_code == 405
    cases = {
        "taxonomy_id": ({k: v for k, v in good.items() if k != "taxonomy_id"}, "Missing required parameter"),
        "quantity": ({**good, "quantity": "many"}, "Expected quantity to be of type integer"),
        "when_made": ({**good, "when_made": "2020_2021"}, "when_made must be one of"),  # the facts' eras
        "readiness_state_id": ({k: v for k, v in good.items() if k != "readiness_state_id"}, "physical listings"),
        "colour": ({**good, "colour": "blue"}, "Unexpected parameter: colour"),
    }
    for field, (form, message) in cases.items():
        answer = etsy_http.post(shop, data=form, headers=auth)
        assert answer.status_code == 400 and message in answer.json()["error"] and field in answer.json()["error"]
    assert etsy_http.post(shop, json=good, headers=auth).status_code == 400  # form-encoded only
    assert etsy_http.post(shop, data=good, headers=auth).status_code == 201
    assert etsy_http.get(f"/shops/{etsy_server.shop_id}/listings", params={"limit": "500"},
                         headers=auth).status_code == 400


def test_etsy_rate_limit_per_second() -> None:
    with EtsyStandIn(per_second=2) as server, httpx.Client(base_url=f"{server.url}/v3/application") as client:
        headers = {"x-api-key": f"{EtsyStandIn.keystring}:{EtsyStandIn.shared_secret}"}
        answers = [client.get("/seller-taxonomy/nodes", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[1].headers["x-remaining-this-second"] == "0"


def test_etsy_refresh_tokens_rotate(etsy_server: EtsyStandIn) -> None:
    first = etsy_server._issue(["shops_r"])
    token_url = f"{etsy_server.url}/v3/public/oauth/token"
    form = {"grant_type": "refresh_token", "client_id": etsy_server.keystring, "refresh_token": first["refresh_token"]}
    assert httpx.post(token_url, data=form).status_code == 200
    again = httpx.post(token_url, data=form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def graphql(server: ShopifyStandIn, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
    answer = httpx.post(f"{server.url}/{server.shop_domain}/admin/api/2026-10/graphql.json",
                        json={"query": query, "variables": variables or {}},
                        headers={"X-Shopify-Access-Token": server.token})
    return dict(answer.json())


def test_shopify_checks_documents_and_variables(shopify_server: ShopifyStandIn) -> None:
    unknown = graphql(shopify_server, "query { shop { name plan } }")
    assert "Field 'plan' doesn't exist" in str(unknown["errors"])
    mutation = ("mutation M($input: ProductSetInput!) { productSet(input: $input, synchronous: true) "
                "{ product { id } userErrors { field message } } }")
    bad_field = graphql(shopify_server, mutation, {"input": {"title": "Mug", "colour": "blue"}})
    assert "colour (Field is not defined on ProductSetInput)" in str(bad_field["errors"])
    wrong_type = graphql(shopify_server, mutation.replace("ProductSetInput!", "ProductUpdateInput!"),
                         {"input": {"id": "gid://shopify/Product/1"}})
    assert "Type mismatch on variable $input" in str(wrong_type["errors"])
    blank = graphql(shopify_server, mutation, {"input": {"title": ""}})
    assert blank["data"] == {"productSet": {"product": None, "userErrors": [
        {"field": ["input", "title"], "message": "Title can't be blank"}]}}
    assert blank["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 1000.0  # type: ignore[index]
    unauthorised = httpx.post(f"{shopify_server.url}/{shopify_server.shop_domain}/admin/api/2026-10/graphql.json",
                              json={"query": "{ shop { name } }"})
    assert unauthorised.status_code == 401


def test_shopify_throttles_when_the_bucket_is_empty() -> None:
    with ShopifyStandIn(maximum=5, restore_rate=0.001) as server:
        first = graphql(server, "{ locations(first: 2) { nodes { id } } }")  # costs 2
        second = graphql(server, "{ locations(first: 2) { nodes { id } } }")
        third = graphql(server, "{ locations(first: 2) { nodes { id } } }")
    assert "data" in first and "data" in second
    assert third["errors"][0]["extensions"]["code"] == "THROTTLED"  # type: ignore[index]
    assert third["extensions"]["cost"]["requestedQueryCost"] == 2  # type: ignore[index]


def test_shopify_stock_takes_the_2026_04_shape_only(shopify_server: ShopifyStandIn) -> None:
    from core.platforms.shopify_api import INVENTORY_SET

    item, location = "gid://shopify/InventoryItem/7", "gid://shopify/Location/1"
    shopify_server.inventory[(item, location)] = 2
    quantity = {"inventoryItemId": item, "locationId": location, "quantity": 5}
    old = {"name": "available", "reason": "correction", "ignoreCompareQuantity": True, "quantities": [quantity]}
    refused = graphql(shopify_server, INVENTORY_SET, {"key": "k-0", "input": old})
    assert "ignoreCompareQuantity (Field is not defined" in str(refused["errors"])
    missing = {"name": "available", "reason": "correction", "quantities": [quantity]}
    answer = graphql(shopify_server, INVENTORY_SET, {"key": "k-1", "input": missing})
    assert "changeFromQuantity is required" in str(answer["data"])
    without_key = INVENTORY_SET.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")
    assert "@idempotent" in str(graphql(shopify_server, without_key, {"input": missing})["errors"])
    stale = {**missing, "quantities": [{**quantity, "changeFromQuantity": 9}]}
    assert "CHANGE_FROM_QUANTITY_STALE" in str(graphql(shopify_server, INVENTORY_SET, {"key": "k-2", "input": stale}))
    fresh = {**missing, "quantities": [{**quantity, "changeFromQuantity": None}]}
    graphql(shopify_server, INVENTORY_SET, {"key": "k-3", "input": fresh})
    shopify_server.inventory[(item, location)] = 1  # sold meanwhile: a retried request must not set 5 again
    graphql(shopify_server, INVENTORY_SET, {"key": "k-3", "input": fresh})
    assert shopify_server.inventory[(item, location)] == 1
