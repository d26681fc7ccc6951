"""On a portal a product without a SKU is looked for by its exact title; a row SellerDesk recorded for another
product with the same title is never taken as this product's listing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from core.db.models import ContentDraft, Product
from core.db.types import utcnow
from core.platforms.publish import build_listing_request
from core.publishing.jobs import claim, create_job, move
from tests.portals.conftest import PortalEnv

EnvOf = Callable[[str], PortalEnv]


def test_a_row_of_another_product_with_the_same_title_is_never_taken(env_of: EnvOf) -> None:
    env = env_of("snapdeal")
    title = "Speckled Clay Planter (claims test)"
    first = env.add_product(sku="SNAP-CLAIM-1", title=title)
    listed = env.publish(first)
    now = utcnow()  # recorded as the queue records a publish
    job = create_job(env.app.db, first, "snapdeal", at=now)
    claim(env.app.db, job.id, now=now)
    move(env.app.db, job.id, "published", "done", remote_id=listed.remote_id, remote_url=listed.url)

    second = env.add_product(title=title)
    _without_sku(env, second, copy_of=first)  # same words, no SKU: only its title to search by
    request = build_listing_request(env.app.db, second, "snapdeal", env.variants)
    assert request.sku is None and request.copy.title == listed_title(env, first)
    assert env.platform.find_existing(request) is None

    with env.app.db.session() as session:  # the first product's row, unrecorded, is found by the same title
        session.execute(update(Product).where(Product.id == first).values(sku=None))
    found = env.platform.find_existing(build_listing_request(env.app.db, first, "snapdeal", env.variants))
    assert found is not None and found.remote_id == listed.remote_id


def listed_title(env: PortalEnv, product_id: int) -> str:
    with env.app.db.session() as session:
        return str(session.scalar(select(ContentDraft.title).where(ContentDraft.product_id == product_id)))


def _without_sku(env: PortalEnv, product_id: int, *, copy_of: int) -> None:
    with env.app.db.session() as session:
        session.execute(update(Product).where(Product.id == product_id).values(sku=None))
        session.execute(update(ContentDraft).where(ContentDraft.product_id == product_id)
                        .values(title=listed_title(env, copy_of)))
