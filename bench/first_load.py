"""First load of a page in a fresh browser (Debian's Chromium through Playwright): bytes transferred by kind of
resource and seconds until the page's first control is drawn, through `make serve` (nginx): as before issue 18 (everything
through Streamlit, compressed by nginx at level 1), with the room's compressed copy of Streamlit's static files
(serving/static_assets.py) and Allocate still as before issue 18 (bench/allocate_before.py), and as the room serves it now
(the copy, and Allocate's board and projection drawn by the browser).

`python bench/first_load.py [-v]` prints Allocate's and Vote's loads by kind (-v: the largest files too); bench/run.py
reads the same figures.
"""

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"


def kind(url: str) -> str:
    """A resource's kind as the report names it, from its path."""
    if "plotly" in url.lower():
        return "plotly's JavaScript"
    if url.endswith((".woff2", ".woff", ".ttf")):
        return "fonts"
    if url.endswith(".js"):
        return "Streamlit's JavaScript"
    if url.endswith(".css"):
        return "styles"
    if "/_stcore/" in url or "/media/" in url:
        return "app data"
    return "page and other"


SLIDERS = """() => document.querySelector("[data-testid='stSlider']") || [...document.querySelectorAll("iframe")].some((frame) => {
    try { return frame.contentDocument?.querySelector("input[type=range]"); } catch (error) { return false; } })"""


def name(url: str) -> str:
    """A resource's name in the report: its path without the address and the query."""
    return "/" + url.split("/", 3)[-1].split("?")[0] if url.count("/") >= 3 else url


def load(browser, url: str, ready: str) -> tuple[Counter, Counter, float]:
    """(compressed bytes by resource, uncompressed bytes by resource, seconds until `ready` is true) in a fresh context.

    `ready` is a JavaScript predicate: Allocate's sliders are Streamlit's or a component's (in its frame)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls, sent, inflated = {}, Counter(), Counter()
    cdp.on("Network.responseReceived", lambda event: urls.__setitem__(event["requestId"], name(event["response"]["url"])))

    def finished(event):
        sent[urls.get(event["requestId"], "")] += event["encodedDataLength"]

    def data(event):
        inflated[urls.get(event["requestId"], "")] += event["dataLength"]

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", data)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=60_000, polling=50)
    seconds = time.perf_counter() - start
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(1500)  # late chunks (the chart's library) count too
    context.close()
    return sent, inflated, seconds


def by_kind(counts: Counter) -> Counter:
    """Bytes by kind of resource, as the report's summary names them."""
    kinds = Counter()
    for resource, size in counts.items():
        kinds[kind(resource)] += size
    return kinds


def measure(base: str, pages: dict[str, tuple[str, str]]) -> dict[str, tuple[Counter, Counter, float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            load(browser, base + "/", SLIDERS)  # the servers' first run (imports) is not a visitor's load
            return {page: load(browser, base + path, ready) for page, (path, ready) in pages.items()}
        finally:
            browser.close()


def pages_for(vote_id: str) -> dict[str, tuple[str, str]]:
    return {"Allocate": ("/", SLIDERS),
            "Vote": (f"/vote?vote={vote_id}", "() => document.querySelector(\"[data-testid='stMain'] [data-testid='stTextInput']\")")}


@contextmanager
def before_app() -> Iterator[Path]:
    """A copy of the app (links to the repository's folders) whose Allocate is the page before issue 18
    (bench/allocate_before.py: Streamlit's sliders, the projection drawn by the server with st.plotly_chart)."""
    page = (ROOT / "bench" / "allocate_before.py").read_text()
    with tempfile.TemporaryDirectory(prefix="portfolio-plotly-chart-") as folder:
        app = Path(folder)
        for entry in ROOT.iterdir():
            if entry.name not in ("pages", "app.py"):
                (app / entry.name).symlink_to(entry)
        shutil.copy(ROOT / "app.py", app / "app.py")
        (app / "pages").mkdir()
        for entry in (ROOT / "pages").iterdir():
            (app / "pages" / entry.name).symlink_to(entry)
        (app / "pages" / "allocate.py").unlink()
        (app / "pages" / "allocate.py").write_text(page)
        (app / "charts_before.py").symlink_to(ROOT / "bench" / "charts_before.py")  # its charts as they were (the app's folder is on the path)
        yield app


@contextmanager
def served(static: bool, app: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(url, vote id) of a fresh database with an open vote, served by `make serve` (nginx and one Streamlit process):
    with its compressed copy of the static files, or as before issue 18 (everything through Streamlit, gzip level 1)."""
    from loadtest.__main__ import prepare_vote
    from serving.room import free_port, serve_room

    with tempfile.TemporaryDirectory(prefix="portfolio-first-load-") as folder:
        db = Path(folder) / "portfolio.db"
        os.environ["PORTFOLIO_DB"] = str(db)  # the engine finds the database's key beside it
        vote_id, _ = prepare_vote(db, 1)
        with serve_room("127.0.0.1", free_port(), 1, {}, Path(folder) / "room", static=static, app=app) as room:
            yield room.url, vote_id


BASELINE = "make serve before (through Streamlit, gzip 1, Allocate before issue 18)"
SETUPS = ("make serve (compressed copy), Allocate before issue 18", "make serve now (compressed copy, Allocate drawn by the browser)")


def report() -> list[tuple[str, dict[str, tuple[Counter, Counter, float]]]]:
    """Each setup's loads in one run, the baseline first: the room before issue 18 (Allocate as it was then), the same with
    its compressed static copy, and the room as it is (the copy, and Allocate's board and projection drawn by the browser)."""
    rows = []
    with before_app() as app:
        with served(static=False, app=app) as (url, vote_id):
            rows.append((BASELINE, measure(url, pages_for(vote_id))))
        with served(static=True, app=app) as (url, vote_id):
            rows.append((SETUPS[0], measure(url, pages_for(vote_id))))
    with served(static=True) as (url, vote_id):
        rows.append((SETUPS[1], measure(url, pages_for(vote_id))))
    return rows


def table(rows: list[tuple[str, dict[str, tuple[Counter, Counter, float]]]]) -> str:
    """A Markdown table of report()'s rows: each setup beside the baseline (the first row), with the ratio baseline / setup."""
    (baseline_name, baseline), others = rows[0], rows[1:]
    lines = [f"| first load | {baseline_name} (baseline) | " + " | ".join(f"{name} | ratio" for name, _ in others) + " |",
             "|---|---|" + "---|---|" * len(others)]

    def row(label: str, before: float, after: list[float | None], unit: str) -> str:
        cells = [f"{a:.2f} {unit} | {before / a:.2f}x" if a else "- | -" for a in after]
        return f"| {label} | {before:.2f} {unit} | " + " | ".join(cells) + " |"

    for page, (sent, _, seconds) in baseline.items():
        found = [setup.get(page) for _, setup in others]
        lines.append(row(f"{page}: transferred", sum(sent.values()) / 2**20, [f and sum(f[0].values()) / 2**20 for f in found], "MiB"))
        kinds = by_kind(sent)
        for what in sorted(kinds, key=kinds.get, reverse=True):
            lines.append(row(f"{page}: {what}", kinds[what] / 2**20, [f and by_kind(f[0])[what] / 2**20 for f in found], "MiB"))
        lines.append(row(f"{page}: first control drawn", seconds, [f and f[2] for f in found], "s"))
    return "\n".join(lines)


def main() -> None:
    rows = report()
    print(table(rows), end="\n\n")
    for setup, found in rows:
        for page, (sent, inflated, seconds) in found.items():
            print(f"{setup}, {page}: {sum(sent.values()) / 2**20:.2f} MiB transferred ({sum(inflated.values()) / 2**20:.2f} MiB "
                  f"unpacked), first control after {seconds:.1f} s, {len(sent)} requests")
            kinds, unpacked = by_kind(sent), by_kind(inflated)
            for what in sorted(kinds, key=kinds.get, reverse=True):
                print(f"    {what}: {kinds[what] / 2**20:.2f} MiB ({unpacked[what] / 2**20:.2f} MiB unpacked)")
            if "-v" in sys.argv:
                for resource in sorted(sent, key=sent.get, reverse=True)[:25]:
                    print(f"        {sent[resource] / 1024:8.1f} KiB ({inflated[resource] / 1024:8.1f} KiB unpacked) {resource}")


if __name__ == "__main__":
    main()
