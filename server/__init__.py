"""SellerDesk's optional service: accounts, device sync, a public media host and an OAuth broker.

This package's ``__init__`` imports nothing, so ``server.client`` works where FastAPI is not installed.
"""
