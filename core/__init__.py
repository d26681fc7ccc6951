"""SellerDesk core: the whole product minus the window. Never imports Qt."""

__version__ = "0.1.0"
