"""One product becomes a Facebook Page post (several photos), an Instagram carousel and a Pinterest pin, and their
engagement comes back into the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.app import App
from core.db.models import EngagementSnapshot, PublishJob
from core.platforms.publish import publish_listing
from core.platforms.service import import_engagement
from tests.fakes.social.meta import MetaStandIn
from tests.fakes.social.pinterest import PinterestStandIn
from tests.fakes.social.sync_service import SyncService
from tests.social.conftest import SOCIAL, Opener, add_product

SHOP_PAGE = "https://ashapottery.myshopify.com/products/blue-glazed-mug"
CAPTION = ("A hand-thrown stoneware mug in a deep blue glaze. Dishwasher safe.\n\n• 350 ml\n• Microwave safe\n\n"
           "#handmade #pottery #mug")


def _listed_on_shopify(app: App, product_id: int) -> None:
    with app.db.session() as session:
        session.add(PublishJob(product_id=product_id, platform="shopify", state="published", idempotency_key="shop-1",
                               remote_id="gid://shopify/Product/1", remote_url=SHOP_PAGE))


def test_one_product_everywhere_with_engagement_read_back(connected: App, meta: MetaStandIn,
                                                          pinterest: PinterestStandIn, sync: SyncService,
                                                          opener: Opener, tmp_path: Path) -> None:
    product_id = add_product(connected, tmp_path, photos=3)
    _listed_on_shopify(connected, product_id)
    results = {}
    for name in SOCIAL:
        with opener(connected, name) as platform:
            results[name] = publish_listing(connected, product_id, name, target=platform)

    post = meta.facebook.state.posts[results["facebook"].remote_id]
    assert post.page == "2001"
    assert post.message == f"{CAPTION}\n\n🛒 {SHOP_PAGE}"
    assert len(post.photos) == 3
    assert all(meta.facebook.state.photos[p].attached_to == post.id for p in post.photos)
    assert results["facebook"].url == f"https://www.facebook.com/2001/posts/{post.id.split('_')[1]}"

    media = meta.instagram.media[results["instagram"].remote_id]
    assert media.caption == CAPTION
    assert len(media.children) == 3
    pictures = [meta.instagram.containers[child].picture for child in media.children]
    assert [(p.format, p.width, p.height) for p in pictures if p] == [("JPEG", 1080, 1350)] * 3
    assert results["instagram"].url and results["instagram"].image_count == 3

    pin = pinterest.pins[results["pinterest"].remote_id]
    assert pin["board_id"] == "549755885175"
    assert pin["title"] == "Blue Glazed Stoneware Mug - 350 ml"
    assert pin["description"] == "A hand-thrown stoneware mug in a deep blue glaze. Dishwasher safe.\n\n" \
                                 "#handmade #pottery #mug"
    assert pin["link"] == SHOP_PAGE
    assert pin["alt_text"] == "Blue mug, view 1"
    # Three photos: a carousel pin of all three, each the 2:3 pinterest picture.
    assert [(p.format, p.width, p.height) for p in pin["pictures"]] == [("JPEG", 1000, 1500)] * 3

    # Instagram and Pinterest fetched the pictures from the sync service, which no longer holds any of them.
    assert len(meta.instagram.fetched) == 3 and len(pinterest.fetched) == 3
    assert all(url.startswith(sync.url + "/m/") for url in [*meta.instagram.fetched, *pinterest.fetched])
    assert sync.media_count() == 0

    meta.facebook.engage(post.id, reactions=12, comments=3, shares=2, reach=340)
    meta.instagram.engage(media.id, like_count=41, comments_count=5, reach=900, saved=7, shares=4)
    pinterest.engage(pin["id"], reaction=2, comment=1, impression=1500, clickthrough=17, pin_click=40)
    for name in SOCIAL:
        with opener(connected, name) as platform:
            assert import_engagement(connected, name, [results[name].remote_id], target=platform) == 1

    with connected.db.session() as session:
        rows = {r.platform: r for r in session.scalars(select(EngagementSnapshot))}
    figures = {name: (r.likes, r.comments, r.shares, r.saves, r.reach, r.impressions, r.clicks)
               for name, r in rows.items()}
    assert figures == {"facebook": (12, 3, 2, 0, 340, 0, 0), "instagram": (41, 5, 4, 7, 900, 0, 0),
                       "pinterest": (2, 1, 0, 0, 0, 1500, 17)}
    assert {r.remote_id for r in rows.values()} == {results[n].remote_id for n in SOCIAL}
