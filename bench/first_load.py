"""First load of a page in a fresh browser (Debian's Chromium through Playwright): bytes transferred by kind of
resource and seconds until the page's first control is drawn, through `make serve` (nginx) or Streamlit alone.

`python bench/first_load.py` prints a table for Allocate and Vote; bench/run.py reads the same figures.
"""

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"


def kind(url: str, mime: str) -> str:
    """A resource's kind as the report names it."""
    if "plotly" in url.lower():
        return "plotly's JavaScript"
    if mime.startswith("font/") or url.endswith((".woff2", ".woff", ".ttf")):
        return "fonts"
    if "javascript" in mime or url.endswith(".js"):
        return "Streamlit's JavaScript"
    if "css" in mime:
        return "styles"
    if "/_stcore/" in url or "/media/" in url:
        return "app data"
    return "page and other"


def load(browser, url: str, ready: str) -> tuple[Counter, Counter, float]:
    """(compressed bytes by kind, uncompressed bytes by kind, seconds until `ready` is visible) in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    mimes, sent, inflated = {}, Counter(), Counter()

    def received(event):
        response = event["response"]
        mimes[event["requestId"]] = (response["url"], response.get("mimeType", ""))

    def finished(event):
        url, mime = mimes.get(event["requestId"], ("", ""))
        sent[kind(url, mime)] += event["encodedDataLength"]

    def data(event):
        url, mime = mimes.get(event["requestId"], ("", ""))
        inflated[kind(url, mime)] += event["dataLength"]

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", data)
    start = time.perf_counter()
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=60_000)
    seconds = time.perf_counter() - start
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(1500)  # late chunks (the chart's library) count too
    context.close()
    return sent, inflated, seconds


def measure(base: str, pages: dict[str, tuple[str, str]]) -> dict[str, tuple[Counter, Counter, float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            load(browser, base + "/", "[data-testid='stSlider']")  # the servers' first run (imports) is not a visitor's load
            return {name: load(browser, base + path, ready) for name, (path, ready) in pages.items()}
        finally:
            browser.close()


def pages_for(vote_id: str) -> dict[str, tuple[str, str]]:
    return {"Allocate": ("/", "[data-testid='stSlider']"), "Vote": (f"/vote?vote={vote_id}", "[data-testid='stMain'] [data-testid='stTextInput']")}


def served(room: bool):
    """(url, vote id) of a fresh database with an open vote, served by nginx and one Streamlit process, or Streamlit alone."""
    import os
    from contextlib import ExitStack, contextmanager

    from loadtest.__main__ import prepare_vote, server

    @contextmanager
    def serve():
        with ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portfolio-first-load-")))
            db = folder / "portfolio.db"
            os.environ["PORTFOLIO_DB"] = str(db)
            vote_id, _ = prepare_vote(db, 1)
            url, _, _ = stack.enter_context(server("room" if room else "single", 1, {**os.environ}, folder))
            yield url, vote_id
    return serve()


def report() -> list[tuple[str, dict[str, tuple[Counter, Counter, float]]]]:
    rows = []
    for name, room in (("make serve (nginx)", True), ("Streamlit alone", False)):
        with served(room) as (url, vote_id):
            rows.append((name, measure(url, pages_for(vote_id))))
    return rows


def main() -> None:
    for setup, found in report():
        for page, (sent, inflated, seconds) in found.items():
            print(f"{setup}, {page}: {sum(sent.values()) / 2**20:.2f} MiB transferred ({sum(inflated.values()) / 2**20:.2f} MiB "
                  f"unpacked), first control after {seconds:.1f} s")
            for what in sorted(sent, key=sent.get, reverse=True):
                print(f"    {what}: {sent[what] / 2**20:.2f} MiB ({inflated[what] / 2**20:.2f} MiB unpacked)")


if __name__ == "__main__":
    main()
