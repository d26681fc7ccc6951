"""A stuck portal page never holds a job: every step, and saving what it showed, has a hard deadline."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from core.platforms.browser.deadline import Watchdog
from core.platforms.browser.failures import NOTE
from core.platforms.browser.launcher import browser_data
from core.platforms.errors import TransientFailure
from tests.portals.conftest import PortalEnv
from tests.portals.test_failures import saved_folder

EnvOf = Callable[[str], PortalEnv]


@pytest.mark.parametrize("name", ["meesho", "snapdeal"])
def test_a_page_whose_script_hangs_ends_the_job_within_its_deadline(env_of: EnvOf, name: str) -> None:
    env = env_of(name)
    timeout = 1.5
    env.app.settings.set("browser.timeout_seconds", timeout)
    form = "upload.html" if name == "meesho" else "add.html"
    env.replica.frozen[form] = 50  # the form loads, then its script locks the tab for good
    product = env.add_product(sku=f"{name[:4].upper()}-FROZEN-1")
    before = len(env.replica.listings)
    started = time.perf_counter()
    with pytest.raises(TransientFailure) as caught:
        env.publish(product)
    took = time.perf_counter() - started
    data = browser_data()
    deadline = timeout * float(data["step_deadline_factor"]) + float(data["capture_seconds"])
    # Before deadlines, saving the page (page.content()) waited for the frozen tab for ever.
    assert took < deadline + 3, f"the job took {took:.1f} s; its deadline is {deadline:.1f} s"
    message = str(caught.value)
    assert "did not finish" in message and "locator(" not in message and "HeadlessChrome" not in message
    note = (saved_folder(caught.value) / NOTE).read_text(encoding="utf-8")
    assert "step:" in note
    assert len(env.replica.listings) == before
    # The next job opens a new browser on the same session and goes through.
    env.replica.frozen.clear()
    env.app.settings.set("browser.timeout_seconds", 10.0)
    assert env.publish(product).state == "draft"


def test_a_limit_that_passes_ends_the_process_and_says_what_ran_out() -> None:
    stuck = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    watchdog = Watchdog("test")
    watchdog.pid = stuck.pid
    with watchdog.limit(5, "quick work"):
        pass
    assert stuck.poll() is None and watchdog.fired is None  # finished in time: nothing happens
    started = time.perf_counter()
    with watchdog.limit(0.3, "step 'images'"):
        stuck.wait(timeout=20)  # stands for a browser call without a timeout of its own
    assert time.perf_counter() - started < 5
    assert watchdog.fired == "step 'images'" and watchdog.killed and watchdog.pid is None
