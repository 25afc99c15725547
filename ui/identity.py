"""Who is using this browser session: a joined participant, or a facilitator signed in with the passcode.

Identity lives in the session only, never in the page's address: the address is what people share (the
Allocate page's allocation), and whoever opens a link holding a participant's token acts as them. A
participant gets a private link (`?w=WORKSHOP&me=TOKEN`) to come back later; opening it signs them in
and the token leaves the address at once.
"""

from urllib.parse import urlsplit

import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio, load_status_quo
from portfolio_engine.record.workshops import ROLES, Workshop, find_by_join_code, get_workshop, join, participant_by_token, participants
from portfolio_engine.security.access import Grant
from ui.text import plain

KEY = "identity"
GRANT = "grant"  # the facilitator's Grant from workshops.authenticate
PRIVATE = ("w", "me")  # a private link's parameters, removed from the address once read


def root() -> str:
    """The app's address without page or parameters (for join and private links): scheme, host and base path."""
    parts = urlsplit(st.context.url or "")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{origin}/{base}" if base else origin


def private_link(workshop_id: str, token: str) -> str:
    return f"{root()}/?w={workshop_id}&me={token}"


def _from_private_link() -> None:
    """Sign in from a private link (a bookmark), then take the token out of the address so it is never shared."""
    params = st.query_params
    token, workshop_id = params.get("me"), params.get("w")
    for name in PRIVATE:
        params.pop(name, None)
    if not token or not workshop_id:
        return
    try:
        person = participant_by_token(workshop_id, token)
        workshop = get_workshop(workshop_id) if person else None
    except PortfolioError:
        return
    if person is not None:
        st.session_state[KEY] = {"token": token, "workshop": workshop, "participant": person}


def current() -> dict | None:
    """{"workshop": Workshop, "participant": row, "token": str} for a joined participant, else None."""
    if "me" in st.query_params:
        _from_private_link()
    return st.session_state.get(KEY)


def grant() -> Grant | None:
    """The facilitator's grant this session signed in with, if any."""
    found = st.session_state.get(GRANT)
    return found if isinstance(found, Grant) and found.role == "facilitator" else None


def facilitated(fresh: bool = False) -> Workshop | None:
    """The workshop this session signed into with the facilitator passcode (read once; `fresh` re-reads it)."""
    signed_in = grant()
    if signed_in is None:
        return None
    cached = st.session_state.get("facilitated_workshop")
    if fresh or cached is None or cached.id != signed_in.workshop_id:
        try:
            cached = get_workshop(signed_in.workshop_id)
        except PortfolioError:
            st.session_state.pop(GRANT, None)
            return None
        st.session_state["facilitated_workshop"] = cached
    return cached


def workshop_in_view() -> Workshop | None:
    me = current()
    return me["workshop"] if me else facilitated()


def status_quo(catalog: Catalog) -> Portfolio:
    """The joined workshop's status quo, or the shipped illustrative one."""
    workshop = workshop_in_view()
    return workshop.status_quo_portfolio(catalog) if workshop else load_status_quo(catalog)


def _signed_in(me: dict) -> None:
    """Who you are, your private link to come back, and how to leave."""
    person = me["participant"]
    with st.sidebar:
        st.markdown("**Workshop**")
        st.text(f"{me['workshop'].name}\n{person['name']}, {person['organization'] or 'no organization'} ({person['role']})")
        with st.expander("Your private link to come back"):
            st.code(private_link(me["workshop"].id, me["token"]), language=None, wrap_lines=True)
            st.warning("This link signs you in as yourself: keep it (bookmark it) but never share it. "
                       "To share an allocation, share the page's address instead.")
        if st.button("Leave this workshop", key="leave"):
            st.session_state.pop(KEY, None)
            st.rerun()


def _join_form() -> None:
    """The join form: on the page itself when arriving by a join link or QR code (phones do not see a hidden sidebar)."""
    arriving = "join" in st.query_params
    with st.container(border=True) if arriving else st.sidebar.expander("Join a workshop"):
        if arriving:
            st.markdown("**Join the workshop**")
        with st.form("join"):
            join_code = st.text_input("Join code", value=st.query_params.get("join", ""), max_chars=6)
            name = st.text_input("Your name", max_chars=120)
            organization = st.text_input("Organization", max_chars=200)
            sector = st.text_input("Sector (health, housing, business, residents...)", max_chars=80)
            role = st.radio("Role", [r for r in ROLES if r != "facilitator"], horizontal=True)
            if st.form_submit_button("Join"):
                try:
                    workshop = find_by_join_code(join_code)
                    person, token = join(workshop.id, name, organization, sector, role)
                except PortfolioError as err:
                    st.error(plain(str(err)))
                else:
                    st.query_params.pop("join", None)
                    st.session_state[KEY] = {"token": token, "workshop": workshop, "participant": person}
                    st.rerun()


def sidebar() -> None:
    """Who you are and how to leave; or the join form."""
    me = current()
    if me:
        _signed_in(me)
    else:
        _join_form()


def author() -> tuple[Workshop, dict] | None:
    """Who saves a proposal from this session: the joined participant, or a signed-in facilitator."""
    me = current()
    if me:
        return me["workshop"], me["participant"]
    workshop = facilitated()
    if workshop:
        facilitator = next(p for p in participants(workshop.id) if p["role"] == "facilitator")
        return workshop, facilitator
    return None
