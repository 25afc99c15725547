"""Opening a page script with AppTest (paths relative to this folder: ../../pages/NAME.py)."""

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def open_page():
    """Run a page once with optional URL parameters; it must open without an exception."""

    def _open(page: str, **params) -> AppTest:
        at = AppTest.from_file(page, default_timeout=60)
        at.query_params.update(params)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open
