"""PyInstaller runtime hook: the frozen app never downloads browsers and finds its bundled driver."""

import os

# Playwright must drive the installed Chrome/Edge (browser.channel) or a configured path; never a download.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
