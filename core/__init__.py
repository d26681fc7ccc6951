"""SellerDesk core: the whole product minus the window. Never imports Qt."""

# The one version source: pyproject.toml reads it (dynamic version), the bundle, the installers and the update
# feed use it, and a release tag must equal "v" + this (installers/check_tag.py refuses any other).
__version__ = "0.1.0"
