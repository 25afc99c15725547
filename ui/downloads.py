"""Downloads that survive a busy server.

Streamlit stores a deferred download (a callable as `data`) without tying it to the session: when
two other runs finish in the same process between the click and the browser's fetch, the file is
deleted and the browser gets a 404 (reproduced in tests/serving). A file drawn with its bytes
belongs to the session until the button goes away. Small files are therefore drawn with their
bytes (`held`, which also survives interrupted runs); large ones are made when the person asks, then held by their session.
"""

from collections.abc import Callable

import streamlit as st
from streamlit import runtime

from ui.i18n import _

HELD = "held_downloads"  # {key: [(bytes, mime type, file name)]}: the last two files each held button offered


def keep_alive() -> None:
    """Keep the files the page last offered through this run, first thing in app.py (before anything a newer run can interrupt).

    A slider's quick moves interrupt runs before they redraw the downloads; Streamlit forgets a file two runs after the last
    one that drew it, while the browser still shows its button: "Download Button source error - 404". Registering the same
    bytes again keeps the same address alive until a run that finishes draws the new file."""
    if runtime.exists():
        for key, files in st.session_state.get(HELD, {}).items():
            for n, (data, mime, file_name) in enumerate(files):
                runtime.get_instance().media_file_mgr.add(data, mime, f"held-download:{key}:{n}", file_name=file_name, is_for_static_download=True)


def held(label: str, data: str | bytes, file_name: str, mime: str, key: str, container=st) -> None:
    """A download button drawn with its bytes whose file survives the runs a quick slider move interrupts (see keep_alive)."""
    content = data.encode() if isinstance(data, str) else data
    container.download_button(label, content, file_name, mime, on_click="ignore", key=key)
    files = st.session_state.setdefault(HELD, {}).setdefault(key, [])
    if not files or files[-1][0] != content:  # the one the browser may still show, and this one
        files[:] = [*files[-1:], (content, mime, file_name)]


def prepared(label: str, key: str, make: Callable[[], str | bytes], file_name: str, mime: str, container=st) -> None:
    """A 'Prepare' button that makes the file once, then the download button for what was made."""
    slot = f"prepared:{key}"
    if container.button(_("Prepare {what}").format(what=label), key=f"prepare:{key}", help=_("Makes the file from the record as it is now.")):
        st.session_state[slot] = make()
    if slot in st.session_state:
        container.download_button(_("Download {what}").format(what=label), st.session_state[slot], file_name, mime, on_click="ignore", key=f"download:{key}")
