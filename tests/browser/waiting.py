"""Waiting as a person does: for the page to finish drawing before the next tap or key."""

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def idle(page) -> None:
    """Wait until the script has finished its run, and a moment more."""
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(500)
