"""make serve compresses Streamlit's JavaScript (issue 18): Allocate's first load was 7.5 MB, sent uncompressed. nginx sends
Streamlit's static files itself from the room's copy, compressed once at level 9 (serving/static_assets.py)."""

import gzip
import io
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import streamlit

from serving import static_assets
from serving.room import free_port, serve_room

ROOT = Path(__file__).resolve().parents[2]
MEDIA = Path(streamlit.__file__).parent / "static" / "static" / "media"


def _largest_script() -> Path:
    return max((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js"), key=lambda p: p.stat().st_size)


def _get(url: str, **headers):
    """(headers, body) of a GET, a 404's too."""
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.headers, response.read()


@pytest.fixture(scope="module")
def room(nginx, tmp_path_factory):
    folder = tmp_path_factory.mktemp("compression")
    with serve_room("127.0.0.1", free_port(), 1, {"PORTFOLIO_DB": str(folder / "portfolio.db")}, folder / "run") as room:
        yield room


def test_the_room_sends_javascript_gzipped_to_a_browser_that_accepts_it(room):
    script = _largest_script()
    url = f"{room.url}/static/js/{script.name}"
    headers, body = _get(url, **{"Accept-Encoding": "gzip"})
    plain_headers, plain = _get(url)
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == script.read_bytes()
    assert len(body) < len(plain) / 2, "JavaScript compresses to well under half its size"
    assert plain_headers["Content-Encoding"] is None and plain == script.read_bytes(), "a client that does not accept gzip gets the file as it is"


def test_static_files_come_from_the_rooms_copy_compressed_at_the_best_level_and_cached_for_a_year(room):
    script = _largest_script()
    headers, body = _get(f"{room.url}/static/js/{script.name}", **{"Accept-Encoding": "gzip"})
    assert body == (static_assets.built() / "static" / "js" / f"{script.name}.gz").read_bytes(), "the level-9 copy, not compressed per answer"
    assert headers["Content-Type"] == "application/javascript" and headers["Vary"] == "Accept-Encoding"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"  # the name changes with the content
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
    font = next(MEDIA.glob("SourceSans*.woff2"))
    headers, body = _get(f"{room.url}/static/media/{font.name}", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Type"] == "font/woff2" and body == font.read_bytes()


def test_a_components_files_come_compressed_from_the_copy_and_its_page_may_be_framed_by_the_app_only(room):
    frontend = ROOT / "ui" / "components" / "light_chart" / "frontend"
    base = f"{room.url}/component/ui.components.light_chart.light_chart"
    headers, body = _get(f"{base}/plotly-basic.min.js", **{"Accept-Encoding": "gzip"})
    bundle = (frontend / "plotly-basic.min.js").read_bytes()
    assert gzip.decompress(body) == bundle and len(body) == len(gzip.compress(bundle, 9)), "compressed once at level 9, not by Streamlit"
    assert headers["Content-Type"].startswith("application/javascript")
    headers, body = _get(f"{base}/index.html?streamlitUrl=x")
    assert body == (frontend / "index.html").read_bytes() and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    headers, _ = _get(f"{room.url}/component/some.other.component/index.html")  # not the app's own: Streamlit answers, framed too
    assert headers["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    headers, _ = _get(f"{room.url}/")
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_the_cut_icon_font_still_draws_every_icon_the_pages_show(room, browser):
    """Every icon on Allocate and Vote (the menu's and Streamlit's own, shown or waiting for a hover) is in the cut font, and
    the shown ones are glyphs, not their names spelled out (a name the font lacked would show as text, wider than high)."""
    from fontTools.ttLib import TTFont

    from serving import icon_font

    headers, body = _get(f"{room.url}/static/media/{next(MEDIA.glob('MaterialSymbols-*.woff2')).name}")
    assert len(body) < 50_000 and headers["Cache-Control"] == "no-cache"  # 0.37 MB whole; checked again on each load
    drawn = icon_font.spelled(TTFont(io.BytesIO(body)))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in ("/", "/vote"):
            page.goto(room.url + path)
            page.get_by_test_id("stSidebarNav").wait_for(timeout=60_000)
            page.evaluate("document.fonts.ready")
            icons = page.get_by_test_id("stIconMaterial").evaluate_all("all => all.map(e => [e.textContent, e.offsetWidth / (e.offsetHeight || 1)])")
            assert {name for name, _ in icons} <= drawn
            shown = [(name, ratio) for name, ratio in icons if ratio]
            assert len(shown) >= 6 and all(ratio < 1.5 for _, ratio in shown), shown
    finally:
        page.close()


def test_a_deep_links_health_probe_is_answered_by_nginx_not_by_a_worker(room):
    """Streamlit's front end probes /PAGE/_stcore/health on a deep link (streamlit#7074): nginx answers the 404 itself (no worker,
    no log line), and the root's health check still reaches Streamlit."""
    headers, body = _get(f"{room.url}/compare/_stcore/health")
    assert b"<center>nginx</center>" in body, "nginx's own 404 page, not Streamlit's"
    _, root = _get(f"{room.url}/_stcore/health")
    assert root == b"ok"
