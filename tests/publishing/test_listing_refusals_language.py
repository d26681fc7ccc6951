"""What listings, stock, claims, copy facts, time zones and the keychain refuse — and the stock notices the window
shows after sales — reach the seller in the interface language; the English is unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.content.claims import switch_claim
from core.content.models import ProductFacts
from core.errors import SellerDeskError
from core.i18n import use_language
from core.listings.plan import request
from core.listings.stock import StockChange, describe_all, set_stock
from core.publishing.timezones import seller_zone
from core.secrets.store import SecretStore


@pytest.fixture
def hindi():
    use_language("hi")
    yield
    use_language("en")


def _refusal(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SellerDeskError) as refused:
        call()
    return str(refused.value)


def test_stock_notices_read_in_hindi(app, hindi) -> None:
    lines = describe_all([StockChange(1, "Mug", 3, 2, ("Etsy", "Shopify"))], app.db)
    assert lines == ["#1 'Mug': Etsy और Shopify पर बिका, स्टॉक 3 → 2"]


def test_stock_notices_keep_their_english(app) -> None:
    lines = describe_all([StockChange(1, "Mug", 3, 2, ("Etsy", "Shopify", "Meesho"))], app.db)
    assert lines == ["#1 'Mug': sold on Etsy, Shopify and Meesho, stock 3 → 2"]


def test_core_refusals_read_in_hindi(app, hindi) -> None:
    assert _refusal(lambda: request(app, [404], "take_down")).startswith("लिस्टिंग #404 मौजूद नहीं है।")
    assert "स्टॉक शून्य से कम नहीं हो सकता।" in _refusal(lambda: set_stock(app.db, 1, -1))
    assert "दावा नहीं है" in _refusal(lambda: switch_claim(app.data_dir, "no-such-claim", False))
    assert "शीर्षक चाहिए" in _refusal(lambda: ProductFacts(title=" ", price=Decimal("1"), currency="INR"))
    assert "टाइम ज़ोन नहीं है" in _refusal(lambda: seller_zone("Mars/Olympus"))
    assert "सीक्रेट का नाम नहीं है" in _refusal(lambda: SecretStore(app.data_dir).get("no namespace"))


def test_publishing_a_product_without_a_price_is_refused_in_hindi(app, hindi) -> None:
    from core.platforms.publish import publish_listing
    from core.products.service import create_product, product_input

    draft = create_product(app.db, product_input({"title": "Mug", "status": "draft"})).id
    said = _refusal(lambda: publish_listing(app, draft, "etsy"))
    assert f"प्रोडक्ट #{draft} 'Mug' की अभी कोई क़ीमत नहीं है" in said


def test_messages_name_a_publish_job_in_the_interface_language(app) -> None:
    from core.db.types import utcnow
    from core.publishing.jobs import create_job, get_job
    from tests.platforms.conftest import add_product

    product = add_product(app, platforms=("etsy",), photos=0, title="Mug")
    job = create_job(app.db, product, "etsy", at=utcnow())
    assert get_job(app.db, job.id).label == f"#{product} 'Mug' on Etsy"
    use_language("hi")
    try:
        assert get_job(app.db, job.id).label == f"Etsy पर #{product} 'Mug'"
    finally:
        use_language("en")
