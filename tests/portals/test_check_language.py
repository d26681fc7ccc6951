"""A page check's findings (Check pages…, ``platforms check``) in the interface language: in the pseudo-locale,
only selectors, the data file's path and names are left outside ⟦…⟧; the English report is unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable

from core.i18n import use_language
from desktop.platforms.portal_check import PortalCheckDialog
from desktop.tasks import TaskRunner
from tests.portals.conftest import PortalEnv
from tests.publishing.test_post_messages_language import bypassed

EnvOf = Callable[[str], PortalEnv]


def test_what_a_page_check_found_is_shown_in_the_interface_language(env_of: EnvOf, qtbot) -> None:
    env = env_of("meesho")
    env.replica.variant = "moved"  # the panel was redesigned: the HSN code box moved
    env.platform._session.close_browser()
    tasks = TaskRunner()
    use_language("pseudo")
    try:
        dialog = PortalCheckDialog(env.app, tasks, "meesho", "Meesho")
        qtbot.addWidget(dialog)
        dialog.start()
        qtbot.waitUntil(lambda: dialog.check is not None, timeout=60_000)
        report = dialog.report.toPlainText()
        status = dialog.status.text()
        qtbot.waitUntil(lambda: not tasks._running, timeout=5_000)
    finally:
        use_language("en")
    assert tasks.shutdown(10_000)
    assert dialog.check is not None and not dialog.check.ok
    missing = next(line for line in report.splitlines() if "#hsn-code" in line and "⟦" in line)
    assert missing.strip().startswith("⟦")  # "MISSING", translated
    left = {}
    for line in [status, *report.splitlines()]:
        text = re.sub(r"[\w\-]*[#.\[][^\s,⟦⟧]*", " ", line)  # CSS selectors (input#id, .class) are the page's own
        text = text.replace(str(env.app.data_dir), "").replace(str(dialog.check.data_file), "")
        words = [w for w in bypassed(text) if w not in ("Meesho", "MRP", "GST", "HSN", "SKU", "ID")]
        if words:
            left[line] = words
    assert not left, f"shown without translation: {left}"
