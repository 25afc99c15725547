"""Who is using this browser session: a joined participant, or a facilitator signed in with the passcode.

Identity lives in the session only, never in the page's address: the address is what people share (the
Allocate page's allocation), and whoever opens a link holding a participant's token acts as them. A
participant gets a private link (`?w=WORKSHOP&me=TOKEN`) to come back later; opening it signs them in
and the token leaves the address at once. A reload keeps the sign-in through a session cookie (ui/keep.py), and a
person who joined before gets back their own identity with the join code, their name and their personal rejoin code.
A facilitator's sign-in is kept the same way (a signed value, never the passcode) until they sign out.
"""

from urllib.parse import urlsplit

import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio, load_status_quo
from portfolio_engine.record.workshops import (
    ROLES,
    Workshop,
    facilitator_session,
    find_by_join_code,
    get_workshop,
    join,
    participant_by_token,
    participants,
    rejoin,
    rejoin_code,
    session_grant,
)
from portfolio_engine.security.access import Grant
from ui import keep
from ui.i18n import _, message
from ui.text import plain

KEY = "identity"
GRANT = "grant"  # the facilitator's Grant from workshops.authenticate
PRIVATE = ("w", "me")  # a private link's parameters, removed from the address once read
COOKIE, FACILITATOR_COOKIE = "portfolio_me", "portfolio_facilitator"  # what a reload brings back (ui/keep.py)
LEFT, SIGNED_OUT = "left_workshop", "facilitator_signed_out"  # this session chose to leave: the cookie no longer signs it in


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
        signed_in(workshop, person, token)


def signed_in(workshop: Workshop, person: dict, token: str) -> None:
    """This session is now the participant (joined, rejoined or back by a link or a reload)."""
    st.session_state[KEY] = {"token": token, "workshop": workshop, "participant": person}
    st.session_state.pop(LEFT, None)


def _from_cookie() -> None:
    """Sign in again after a reload from the session cookie (read once per session)."""
    state = st.session_state
    kept = keep.read(COOKIE)
    if not kept or state.get("cookie_read") or state.get(LEFT):
        return
    state["cookie_read"] = True
    workshop_id, _, token = kept.partition(".")
    try:
        person = participant_by_token(workshop_id, token)
        if person is not None:
            signed_in(get_workshop(workshop_id), person, token)
    except PortfolioError:
        return


def current() -> dict | None:
    """{"workshop": Workshop, "participant": row, "token": str} for a joined participant, else None."""
    if "me" in st.query_params:
        _from_private_link()
    if KEY not in st.session_state:
        _from_cookie()
    return st.session_state.get(KEY)


def grant() -> Grant | None:
    """The facilitator's grant this session signed in with (or a reload brought back), if any."""
    state = st.session_state
    if GRANT not in state and not state.get(SIGNED_OUT) and not state.get("facilitator_cookie_read"):
        state["facilitator_cookie_read"] = True
        kept = keep.read(FACILITATOR_COOKIE)
        restored = session_grant(kept) if kept else None
        if restored is not None:
            state[GRANT] = restored
    found = state.get(GRANT)
    return found if isinstance(found, Grant) and found.role == "facilitator" else None


def facilitator_signed_in(found: Grant) -> None:
    """Keep the facilitator's grant in this session (and, through the sidebar, in the browser until sign-out)."""
    st.session_state[GRANT] = found
    st.session_state.pop(SIGNED_OUT, None)
    st.session_state.pop("facilitator_session", None)


def sign_out() -> None:
    """End the facilitator's sign-in in this session and in the browser."""
    for name in (GRANT, "facilitator_session", "facilitated_workshop"):
        st.session_state.pop(name, None)
    st.session_state[SIGNED_OUT] = True


def _keep_in_browser(me: dict | None) -> None:
    """Ask the browser to keep (or forget) who this session is, so a reload finds it again."""
    state = st.session_state
    if me:
        keep.write(COOKIE, f"{me['workshop'].id}.{me['token']}")
    elif state.get(LEFT):
        keep.write(COOKIE, "")
    signed = grant()
    if signed is not None:
        if "facilitator_session" not in state:
            state["facilitator_session"] = facilitator_session(signed)
        keep.write(FACILITATOR_COOKIE, state["facilitator_session"])
    elif state.get(SIGNED_OUT):
        keep.write(FACILITATOR_COOKIE, "")


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
        st.markdown(_("**Workshop**"))
        st.text(f"{me['workshop'].name}\n{person['name']}, {person['organization'] or _('no organization')} ({_(person['role'])})")
        st.markdown(_("Your rejoin code: **`{code}`**").format(code=rejoin_code(person["id"])),
                    help=_("With the join code and your name, it brings you back as yourself on any device. Keep it private."))
        with st.expander(_("Your private link to come back")):
            st.code(private_link(me["workshop"].id, me["token"]), language=None, wrap_lines=True)
            st.warning(_("This link signs you in as yourself: keep it (bookmark it) but never share it. "
                         "To share an allocation, share the page's address instead."))
        if st.button(_("Leave this workshop"), key="leave"):
            st.session_state.pop(KEY, None)
            st.session_state[LEFT] = True
            st.rerun()


def _join_form() -> None:
    """The join form: on the page itself when arriving by a join link or QR code (phones do not see a hidden sidebar); else
    in the sidebar, drawn only once its section is opened (every visitor's every run used to draw it folded away)."""
    arriving = "join" in st.query_params
    box = st.container(border=True) if arriving else st.sidebar.expander(_("Join a workshop"), key="join_open", on_change="rerun")
    with box:
        if arriving:
            st.markdown(_("**Join the workshop**"))
        elif not box.open:
            return
        with st.form("join"):
            join_code = st.text_input(_("Join code"), value=st.query_params.get("join", ""), max_chars=6)
            name = st.text_input(_("Your name"), max_chars=120)
            organization = st.text_input(_("Organization"), max_chars=200)
            sector = st.text_input(_("Sector (health, housing, business, residents...)"), max_chars=80)
            role = st.radio(_("Role"), [r for r in ROLES if r != "facilitator"], horizontal=True, format_func=_)
            if st.form_submit_button(_("Join")):
                try:
                    workshop = find_by_join_code(join_code)
                    person, token = join(workshop.id, name, organization, sector, role)
                except PortfolioError as err:
                    st.error(plain(message(str(err))))
                else:
                    st.query_params.pop("join", None)
                    signed_in(workshop, person, token)
                    st.rerun()


def _rejoin_form() -> None:
    """Come back as oneself (a new device, a lost link): join code, name and personal rejoin code, never the name alone."""
    with st.form("rejoin"):
        join_code = st.text_input(_("Join code"), value=st.query_params.get("join", ""), max_chars=6, key="rejoin_join_code")
        name = st.text_input(_("Your name, as you joined"), max_chars=120, key="rejoin_name")
        personal = st.text_input(_("Your rejoin code"), max_chars=12, key="rejoin_code",
                                 help=_("Shown in the sidebar after you joined, under your name."))
        if st.form_submit_button(_("Rejoin")):
            try:
                workshop, person, token = rejoin(join_code, name, personal)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.query_params.pop("join", None)
                signed_in(workshop, person, token)
                st.rerun()


def sidebar() -> None:
    """Who you are and how to leave; or the join form (and the rejoin form for those who joined before)."""
    me = current()
    if me:
        _signed_in(me)
    else:
        _join_form()
        before = (st.expander if "join" in st.query_params else st.sidebar.expander)(_("I joined before"), key="rejoin_open", on_change="rerun")
        with before:  # beside the join form; drawn once opened
            if before.open:
                _rejoin_form()
    with st.sidebar:
        _keep_in_browser(me)


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
