"""On a portal every listing SellerDesk makes carries a SKU (one made from the job's key for a product without one)
and is found again by it; a title is never enough, so another product's row with the same title is never taken."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from core.db.models import ContentDraft, Product
from core.platforms.publish import build_listing_request
from tests.portals.conftest import PortalEnv

EnvOf = Callable[[str], PortalEnv]


def _title(env: PortalEnv, product_id: int) -> str:
    with env.app.db.session() as session:
        return str(session.scalar(select(ContentDraft.title).where(ContentDraft.product_id == product_id)))


def _without_sku(env: PortalEnv, product_id: int, *, title: str | None = None) -> None:
    with env.app.db.session() as session:
        session.execute(update(Product).where(Product.id == product_id).values(sku=None))
        if title is not None:
            session.execute(update(ContentDraft).where(ContentDraft.product_id == product_id).values(title=title))


def test_a_product_without_sku_is_listed_with_one_and_found_by_it_never_by_title(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    first = env.add_product(title="Speckled Clay Planter")
    _without_sku(env, first)
    before = set(env.replica.listings)
    listed = env.publish(first)
    (made,) = [item for key, item in env.replica.listings.items() if key not in before]
    request = build_listing_request(env.app.db, first, "snapdeal", env.variants)
    assert request.sku is None and made.fields["sku"] == request.listing_sku
    found = env.platform.find_existing(request)
    assert found is not None and found.remote_id == listed.remote_id

    second = env.add_product(title="Speckled Clay Planter")
    _without_sku(env, second, title=_title(env, first))  # the same words, and no SKU of its own
    theirs = build_listing_request(env.app.db, second, "snapdeal", env.variants)
    assert theirs.copy.title == request.copy.title
    assert env.platform.find_existing(theirs) is None
