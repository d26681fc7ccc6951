"""The stand-ins hold SellerDesk to the platforms' contracts, not to our client: raw requests, checked answers."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.fakes.http_stand_in import Reply, Request, StandIn
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.pinterest import PinterestStandIn


def _token(pinterest: PinterestStandIn, scope: str = "boards:read,pins:read,pins:write,boards:write") -> str:
    return pinterest._issue(scope, "authorization_code")["access_token"]


def test_pinterest_checks_requests_against_its_openapi_description(pinterest: PinterestStandIn) -> None:
    headers = {"Authorization": f"Bearer {_token(pinterest)}"}
    with httpx.Client(base_url=f"{pinterest.url}/v5", headers=headers) as client:
        too_long = client.post("/pins", json={"board_id": "549755885175", "title": "t" * 101,
                                              "media_source": {"source_type": "image_url", "url": "http://x/y.jpg"}})
        assert too_long.status_code == 400 and too_long.json() == {
            "code": 1, "message": "title is longer than 100 characters"}
        odd_source = client.post("/pins", json={"board_id": "549755885175", "media_source": {"source_type": "gif"}})
        assert odd_source.status_code == 400 and "media_source.source_type must be one of" in odd_source.json()[
            "message"]
        assert client.get("/boards", params={"colour": "red"}).json()["message"] == "Unexpected query parameter: colour"
        assert client.delete("/user_account").status_code == 405
    narrow = {"Authorization": f"Bearer {_token(pinterest, 'boards:read')}"}
    refused = httpx.post(f"{pinterest.url}/v5/boards", json={"name": "New"}, headers=narrow)
    assert refused.status_code == 403 and "boards:write" in refused.json()["message"]
    unsigned = httpx.post(f"{pinterest.url}/v5/oauth/token", data={"grant_type": "refresh_token",
                                                                   "refresh_token": "x"})
    assert unsigned.status_code == 401


def test_pinterest_downloads_the_pin_image(pinterest: PinterestStandIn) -> None:
    headers = {"Authorization": f"Bearer {_token(pinterest)}"}
    answer = httpx.post(f"{pinterest.url}/v5/pins", headers=headers, json={
        "board_id": "549755885175", "media_source": {"source_type": "image_url", "url": "http://127.0.0.1:9/x.jpg"}})
    assert answer.status_code == 400 and "media_source.url: the image could not be fetched" in answer.json()["message"]


def test_graph_errors_and_usage_headers_have_metas_shape(meta: MetaStandIn) -> None:
    answer = httpx.get(f"{meta.fb_api_base}/{meta.version}/me", headers={"Authorization": "Bearer nope"})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["code"] == 190 and error["type"] == "OAuthException"
    assert error["fbtrace_id"] and "call_count" in answer.headers["X-App-Usage"]
    assert "estimated_time_to_regain_access" in answer.headers["X-Business-Use-Case-Usage"]


def test_instagram_accepts_a_png_container_and_refuses_it_at_publish(meta: MetaStandIn) -> None:
    out = io.BytesIO()
    Image.new("RGB", (1080, 1350), (10, 20, 30)).save(out, "PNG")

    class Pictures(StandIn):
        def handle(self, request: Request) -> Reply:
            return Reply(200, out.getvalue(), {"Content-Type": "image/png"})

    token = meta.issue("ig", "17841400000000001", {"instagram_business_content_publish"}, 3600)
    base = f"{meta.ig_api_base}/{meta.version}/17841400000000001"
    with Pictures() as pictures, httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
        made = client.post(f"{base}/media", data={"image_url": f"{pictures.url}/p.png", "caption": "Mug"}).json()
    status = httpx.get(f"{meta.ig_api_base}/{meta.version}/{made['id']}", params={"fields": "status_code"},
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert status["status_code"] in ("IN_PROGRESS", "FINISHED")
    meta.instagram.containers[made["id"]].status = "FINISHED"
    refused = httpx.post(f"{base}/media_publish", data={"creation_id": made["id"]},
                         headers={"Authorization": f"Bearer {token}"}).json()["error"]
    assert (refused["code"], refused["error_subcode"]) == (100, 2207003)
