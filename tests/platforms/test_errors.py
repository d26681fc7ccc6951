"""The error family: messages name platform and product and say what to do; retry flags; safe to copy."""

from __future__ import annotations

import copy
import pickle

from core.platforms.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    TransientFailure,
)


def test_messages_say_what_happened_where_and_what_next() -> None:
    rejected = ContentRejected("etsy", "tags", "'blue_mug' is not a valid tag", product="#4 'Mug'")
    assert str(rejected) == ("Etsy: rejected the tags: 'blue_mug' is not a valid tag (product #4 'Mug'). "
                             "Change the tags of the Etsy copy and publish again.")
    assert rejected.field == "tags" and not rejected.retryable
    limited = RateLimited("shopify", 9000)
    assert str(limited) == ("Shopify: too many requests; it asks to wait 2 hours. "
                            "SellerDesk tries again by itself after the wait.")
    assert limited.retryable and TransientFailure("etsy", "x").retryable
    assert not OutcomeUnknown("etsy", "x").retryable and not AuthExpired("etsy", "x").retryable
    assert "sellerdesk platforms connect shopify" in str(AuthExpired("shopify", "the token was revoked"))
    assert str(PlatformError("nowhere", "broke")) == "nowhere: broke."


def test_naming_the_product_later_and_copying_keep_everything() -> None:
    error = RateLimited("etsy", 30)
    named = error.for_product("#9 'Vase'")
    assert named is not error and named.retry_after == 30 and "(product #9 'Vase')" in str(named)
    assert error.product is None and named.for_product("#9 'Vase'") is named
    for clone in (copy.copy(named), pickle.loads(pickle.dumps(named))):
        assert type(clone) is RateLimited and str(clone) == str(named) and clone.retry_after == 30
