"""Downloads that survive a busy server.

Streamlit stores a deferred download (a callable as `data`) without tying it to the session: when
two other runs finish in the same process between the click and the browser's fetch, the file is
deleted and the browser gets a 404 (reproduced in tests/serving). A file drawn with its bytes
belongs to the session until the button goes away. Small files are therefore drawn with their
bytes; large ones are made when the person asks, then held by their session.
"""

from collections.abc import Callable

import streamlit as st

from ui.i18n import _


def prepared(label: str, key: str, make: Callable[[], str | bytes], file_name: str, mime: str, container=st) -> None:
    """A 'Prepare' button that makes the file once, then the download button for what was made."""
    slot = f"prepared:{key}"
    if container.button(_("Prepare {what}").format(what=label), key=f"prepare:{key}", help=_("Makes the file from the record as it is now.")):
        st.session_state[slot] = make()
    if slot in st.session_state:
        container.download_button(_("Download {what}").format(what=label), st.session_state[slot], file_name, mime, on_click="ignore", key=f"download:{key}")
