"""Who is using this browser session: a joined participant (token in the address), or a facilitator.

The participant's token lives in the page address (`?w=WORKSHOP&me=TOKEN`) so a reload keeps
them signed in; it is looked up once per session, never on a slider's hot path.
"""

import streamlit as st

from portfolio_engine.catalog import Catalog
from portfolio_engine.errors import PortfolioError
from portfolio_engine.portfolio import Portfolio, load_status_quo
from portfolio_engine.workshops import ROLES, Workshop, find_by_join_code, get_workshop, join, participant_by_token

KEY = "identity"
FACILITATOR = "facilitator_of"


def current() -> dict | None:
    """{"workshop": Workshop, "participant": row} for a joined participant, else None."""
    state = st.session_state
    params = st.query_params
    token, workshop_id = params.get("me"), params.get("w")
    cached = state.get(KEY)
    if cached and cached["token"] == token:
        return cached
    state.pop(KEY, None)
    if not token or not workshop_id:
        return None
    try:
        person = participant_by_token(workshop_id, token)
        workshop = get_workshop(workshop_id) if person else None
    except PortfolioError:
        return None
    if person is None:
        return None
    state[KEY] = {"token": token, "workshop": workshop, "participant": person}
    return state[KEY]


def facilitated(fresh: bool = False) -> Workshop | None:
    """The workshop this session signed into with the facilitator passcode (read once; `fresh` re-reads it)."""
    workshop_id = st.session_state.get(FACILITATOR)
    if not workshop_id:
        return None
    cached = st.session_state.get("facilitated_workshop")
    if fresh or cached is None or cached.id != workshop_id:
        st.session_state["facilitated_workshop"] = cached = get_workshop(workshop_id)
    return cached


def workshop_in_view() -> Workshop | None:
    me = current()
    return me["workshop"] if me else facilitated()


def status_quo(catalog: Catalog) -> Portfolio:
    """The joined workshop's status quo, or the shipped illustrative one."""
    workshop = workshop_in_view()
    return workshop.status_quo_portfolio(catalog) if workshop else load_status_quo(catalog)


def sidebar() -> None:
    """Who you are and how to leave; or the join form (on the page itself when arriving by a join link or QR code)."""
    me = current()
    if me:
        person = me["participant"]
        with st.sidebar:
            st.markdown("**Workshop**")
            st.text(f"{me['workshop'].name}\n{person['name']}, {person['organization'] or 'no organization'} ({person['role']})")
            st.caption("Your sign-in is in this page's address: bookmark it to come back; do not share it.")
            if st.button("Leave this workshop", key="leave"):
                for key in ("me", "w"):
                    st.query_params.pop(key, None)
                st.session_state.pop(KEY, None)
                st.rerun()
        return
    arriving = "join" in st.query_params  # phones arriving from the QR code see the form at once, not in a hidden sidebar
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
                    st.error(str(err))
                else:
                    st.query_params.pop("join", None)
                    st.query_params.update({"w": workshop.id, "me": token})
                    st.session_state[KEY] = {"token": token, "workshop": workshop, "participant": person}
                    st.rerun()


def author() -> tuple[Workshop, dict] | None:
    """Who saves a proposal from this session: the joined participant, or a signed-in facilitator."""
    me = current()
    if me:
        return me["workshop"], me["participant"]
    workshop = facilitated()
    if workshop:
        from portfolio_engine.workshops import participants

        facilitator = next(p for p in participants(workshop.id) if p["role"] == "facilitator")
        return workshop, facilitator
    return None
