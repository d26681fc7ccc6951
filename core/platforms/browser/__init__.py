"""Platforms without a listing API (Meesho, Snapdeal, IndiaMART), driven in the seller's own Chrome or Edge.

The seller signs in once in a visible window; the session stays in a per-platform profile and later jobs run
headless. Every selector and step name lives in resources/portals/<name>.json, so a changed portal is fixed by
editing data. Playwright runs on one thread per platform (:mod:`.worker`); the public API blocks and may be
called from any worker thread, never the GUI thread.
"""
