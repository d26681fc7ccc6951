"""End to end as an operator runs it: `python -m server` (a process) on PostgreSQL when
SELLERDESK_TEST_POSTGRES_URL is set (SQLite otherwise), photos and media in an S3-compatible server process
(moto) with the settings docs/operations.md gives, and two of the seller's computers (the desktop's own sync)
exchanging products with photos through it."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from benchmarks.sync_server import running_server
from core.app import App
from core.db.models import Product, ProductImage
from core.products.photos import remove_photo
from core.products.service import create_product, product_input
from core.secrets.store import SecretStore
from core.sync.account import SyncAccount
from core.sync.engine import sync_now
from server.client import SyncServiceClient
from tests.fakes.memory_keyring import MemoryKeyring
from tests.server.s3_server import CREDENTIALS, keys, new_bucket, remove_bucket, runbook_s3_settings, running_s3

pytestmark = pytest.mark.slow
PASSWORD = "a real server passphrase"


def _computer(root: Path, url: str) -> tuple[App, SyncAccount, httpx.Client]:
    app = App(root)
    app.settings.set("sync.server_url", url)
    http = httpx.Client(timeout=30)
    return app, SyncAccount(app, secrets=SecretStore(app.data_dir, db=app.db, backend=MemoryKeyring()),
                            http=http), http


def _photo(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = folder / f"{name}.jpg"
    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return path


def _catalogue(app: App) -> dict[str, list[str]]:
    """Each product's title with the hashes of its photos whose files this computer holds."""
    with app.db.session() as session:
        products = session.scalars(select(Product).where(Product.deleted_at.is_(None))).all()
        return {product.title: sorted(image.sha256 for image in product.images
                                      if app.image_store.original_path(image.sha256).exists())
                for product in products}


def test_two_computers_sync_products_with_photos_through_the_bucket(db_url: str, tmp_path: Path) -> None:
    with running_s3(tmp_path) as endpoint:
        bucket = new_bucket(endpoint)
        settings = {"SELLERDESK_SERVER_S3_BUCKET": bucket.bucket, "SELLERDESK_SERVER_S3_ENDPOINT_URL": endpoint,
                    "SELLERDESK_SERVER_S3_REGION": bucket.region, "SELLERDESK_SERVER_S3_PATH_STYLE": "1",
                    "AWS_ACCESS_KEY_ID": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    "AWS_SECRET_ACCESS_KEY": CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
        assert set(settings) == runbook_s3_settings()  # the service starts with what the runbook tells operators
        (tmp_path / "service").mkdir()
        with running_server(tmp_path / "service", database_url=db_url, extra_env=settings) as url:
            laptop_app, laptop, laptop_http = _computer(tmp_path / "laptop", url)
            shop_app, shop, shop_http = _computer(tmp_path / "shop", url)
            try:
                laptop.sign_in("asha@example.com", PASSWORD, create=True)
                shop.sign_in("asha@example.com", PASSWORD)
                create_product(laptop_app.db, product_input({"title": "Lamp", "price": "500"}),
                               images=[_photo(tmp_path, "lamp", (200, 150, 40)),
                                       _photo(tmp_path, "lamp-side", (190, 140, 30))],
                               store=laptop_app.image_store)
                create_product(shop_app.db, product_input({"title": "Rug", "price": "900"}),
                               images=[_photo(tmp_path, "rug", (120, 60, 30))], store=shop_app.image_store)
                for computer in (laptop, shop, laptop):
                    sync_now(computer)
                catalogue = _catalogue(laptop_app)
                assert sorted(catalogue) == ["Lamp", "Rug"] and [len(v) for v in catalogue.values()] == [2, 1]
                assert _catalogue(shop_app) == catalogue  # every photo's file arrived on the other computer
                photos = sorted(sha for shas in catalogue.values() for sha in shas)
                assert sorted(key.rsplit("/", 1)[1] for key in keys(endpoint, bucket.bucket)) == photos
                assert not list((tmp_path / "service" / "media").rglob("*.jpg"))  # nothing kept on local disk

                client = SyncServiceClient(url)
                try:
                    client.login("asha@example.com", PASSWORD, uuid.uuid4(), "Phone")
                    stored = sum(len(client.download_blob(sha)) for sha in photos)
                    assert client.account().storage_bytes >= stored  # the bucket's bytes count toward the quota
                    jpeg = laptop_app.image_store.original_path(photos[0]).read_bytes()
                    link = client.publish_media(jpeg, "image/jpeg")  # what Instagram is sent to fetch
                    assert httpx.get(link.url).content == jpeg
                    client.delete_media(link.id)
                    assert httpx.get(link.url).status_code == 404
                    with laptop_app.db.session() as session:
                        side = session.scalars(select(ProductImage).join(Product)
                                               .where(Product.title == "Lamp").order_by(ProductImage.position)).all()
                        gone = side[-1]
                        gone_product, gone_id, gone_sha = gone.product_id, gone.id, gone.sha256
                    remove_photo(laptop_app.db, gone_product, gone_id)
                    sync_now(laptop)
                    sync_now(shop)
                    assert len(_catalogue(shop_app)["Lamp"]) == 1 and gone_sha not in _catalogue(shop_app)["Lamp"]

                    assert httpx.get(url + "/readyz").status_code == 200
                    remove_bucket(endpoint, bucket.bucket)  # storage lost: the load balancer must hear it
                    assert httpx.get(url + "/readyz").status_code == 503
                finally:
                    client.close()
            finally:
                for app, http in ((laptop_app, laptop_http), (shop_app, shop_http)):
                    http.close()
                    app.close()
