"""No duplicate listings when a portal's catalog search lags: SellerDesk's own record of what it submitted is read
first, and a submit whose outcome is unknown is searched for again until the lag has passed before any resend."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.platforms.browser.spec import bundled_dir
from core.platforms.browser.submissions import SubmissionLog
from core.platforms.errors import OutcomeUnknown
from core.platforms.publish import build_listing_request
from tests.portals.conftest import PortalEnv

EnvOf = Callable[[str], PortalEnv]
LAG = 4.0


def lagging_portal(env: PortalEnv, folder: Path, lag: float) -> None:
    """An edited data file whose search lag is ``lag`` seconds (the bundled value is minutes)."""
    data = json.loads((bundled_dir() / f"{env.name}.json").read_text(encoding="utf-8"))
    data["catalog"]["search_lag_seconds"] = lag
    (folder / f"{env.name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env.app.settings.set("browser.portals_dir", str(folder))


def skus(env: PortalEnv, sku: str) -> int:
    return [item.fields.get("sku") for item in env.replica.listings.values()].count(sku)


@pytest.mark.parametrize("name", ["meesho", "snapdeal"])
def test_an_unanswered_submit_is_not_sent_again_while_the_search_lags(env_of: EnvOf, name: str,
                                                                      tmp_path: Path) -> None:
    env = env_of(name)
    lagging_portal(env, tmp_path, LAG)
    env.replica.search_lag = LAG - 1.0  # the portal made it, but its search shows it only later
    env.app.settings.set("browser.timeout_seconds", 1.5)
    form_api = "^/api/catalogs$" if name == "meesho" else "^/api/products$"
    env.replica.delay("POST", form_api, 2.5)
    sku = f"{name[:4].upper()}-LAG-1"
    product = env.add_product(sku=sku)
    with pytest.raises(OutcomeUnknown):
        env.publish(product)
    env.replica.faults.clear()
    env.app.settings.set("browser.timeout_seconds", 10.0)
    # What SellerDesk recorded before the click: the SKU, the time, and the page it saved when no answer came.
    sent = SubmissionLog(env.app.data_dir, name).last(sku)
    assert sent is not None and sent.state == "sent" and Path(sent.artefacts).is_dir()
    # One search right away does not see it (that is how CAT-1001 and CAT-1002 were made)...
    request = build_listing_request(env.app.db, product, name, env.variants)
    assert env.platform.find_existing(request) is None
    # ...so sending again first searches until the lag has passed, finds it, and sends nothing.
    started = time.perf_counter()
    again = env.publish(product)
    assert skus(env, sku) == 1 and again.remote_id in env.replica.listings
    assert time.perf_counter() - started < LAG + 3


def test_a_listed_sku_is_never_sent_twice_and_a_refused_one_is_sent_again(env_of: EnvOf, tmp_path: Path) -> None:
    env = env_of("meesho")
    lagging_portal(env, tmp_path, 1.0)
    product = env.add_product(sku="MEES-TWICE-1")
    first = env.publish(product)
    submits = env.replica.submits
    assert env.publish(product).remote_id == first.remote_id
    assert env.replica.submits == submits and skus(env, "MEES-TWICE-1") == 1
    log = SubmissionLog(env.app.data_dir, "meesho")
    assert [e.state for e in log.entries() if e.sku == "MEES-TWICE-1"] == ["sent", "listed"]
    refused = env.add_product(sku="MEES-REFUSED-1")
    env.replica.banner_next_submit = "Something went wrong. Please try again later."
    with pytest.raises(Exception, match="Something went wrong"):
        env.publish(refused)
    assert log.last("MEES-REFUSED-1").state == "refused"  # type: ignore[union-attr]
    assert env.publish(refused).state == "draft"  # nothing was made: sent again without waiting
