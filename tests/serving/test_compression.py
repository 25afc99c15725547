"""make serve compresses Streamlit's JavaScript (issue 18): Allocate's first load was 7.5 MB, sent uncompressed."""

import gzip
import urllib.request
from pathlib import Path

import streamlit

from serving.room import free_port, serve_room


def _largest_script() -> Path:
    return max((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("*.js"), key=lambda p: p.stat().st_size)


def _get(url: str, **headers) -> tuple[str | None, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        return response.headers.get("Content-Encoding"), response.read()


def test_the_room_sends_javascript_gzipped_to_a_browser_that_accepts_it(nginx, tmp_path):
    script = _largest_script()
    with serve_room("127.0.0.1", free_port(), 1, {"PORTFOLIO_DB": str(tmp_path / "portfolio.db")}, tmp_path / "run") as room:
        url = f"{room.url}/static/js/{script.name}"
        encoding, body = _get(url, **{"Accept-Encoding": "gzip"})
        plain_encoding, plain = _get(url)
    assert encoding == "gzip" and gzip.decompress(body) == script.read_bytes()
    assert len(body) < len(plain) / 2, "JavaScript compresses to well under half its size"
    assert plain_encoding is None and plain == script.read_bytes(), "a client that does not accept gzip gets the file as it is"
