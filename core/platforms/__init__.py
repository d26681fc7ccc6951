"""Selling platforms behind one interface (core.platforms.base.Platform), registered by data files and entry points."""
