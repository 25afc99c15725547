"""Which client this browser session is, for throttling sign-ins (access.py): its address, as nginx saw it."""

import streamlit as st

from portfolio_engine.security import access

LOOPBACK = ("127.", "::1", "localhost")


def bind() -> None:
    """Name this run's client: the connection's address, or the last X-Forwarded-For hop behind our own nginx.

    Only the hop our nginx appends is trusted; anything a browser put before it is ignored."""
    address = st.context.ip_address or ""
    forwarded = st.context.headers.get("X-Forwarded-For", "")
    if (not address or address.startswith(LOOPBACK)) and forwarded:
        address = forwarded.split(",")[-1].strip()
    access.set_client(address or "this computer")
