"""Where SellerDesk keeps things: the bundled resources and the seller's data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "SellerDesk"
DATA_DIR_ENV = "SELLERDESK_DATA_DIR"


def resources_dir() -> Path:
    """Return the folder of bundled data files (presets, rules, templates, icons).

    In a PyInstaller bundle it sits in the unpacked bundle; from a checkout it is the repo's ``resources/``.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    """Return the per-OS user data dir (e.g. ``%LOCALAPPDATA%\\SellerDesk`` on Windows)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data dir: an explicit ``--data-dir`` wins, then ``SELLERDESK_DATA_DIR``, then the OS default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()
