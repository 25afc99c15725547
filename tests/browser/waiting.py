"""Waiting as a person does: for the page to finish drawing before the next tap or key."""

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def idle(page) -> None:
    """Wait until the script has finished its run, and a moment more. After a page is opened this waits for its first run
    (the app says 'initial' until it starts); after an action the run it sets off may not have started yet: see rerun_done."""
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(500)


def rerun_done(page) -> None:
    """After an action that reruns the page: wait for its run to start (it may already be over), then for it to end."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(RUNNING, timeout=3_000)
    idle(page)
