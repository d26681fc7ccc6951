"""Sync between the seller's computers through the optional SellerDesk service (offline first).

Every committed change to a synced record lands in a local outbox (``capture``); a round (``engine``) pushes the
outbox, pulls the other computers' changes and applies them without echoing them back, backs photos up by hash
and keeps conflicts for the seller (``conflicts``). Nothing here is needed to use SellerDesk without an account.
"""
