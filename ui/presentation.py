"""Facilitate's join panel and presentation mode: the join code and QR while people may join, and for the projector a large
join QR, each open vote's link and QR, and live turnout."""

import io

import qrcode
import streamlit as st

from portfolio_engine.record.workshops import ALLOWED, Workshop
from portfolio_engine.services.room import dashboard
from portfolio_engine.services.unit_of_work import unit_of_work
from ui import identity
from ui.i18n import _
from ui.text import plain

LIVE_SECONDS = 5
CODE_STYLE = "font-size:{size}rem;letter-spacing:.3rem;font-family:monospace;font-weight:600"


def qr_png(link: str) -> bytes:
    image = io.BytesIO()
    qrcode.make(link).save(image, format="PNG")
    return image.getvalue()


def join_link(workshop: Workshop) -> str:
    return f"{identity.root()}/?join={workshop.join_code}"


def vote_link(vote_id: str) -> str:
    return f"{identity.root()}/vote?vote={vote_id}"


def join_panel(workshop: Workshop) -> None:
    """The join code, link and QR, only while the workshop takes new participants (not once decided or archived)."""
    if workshop.state not in ALLOWED["join"]:
        st.caption(_("The workshop is {state}: nobody can join any more, so the join code is not shown.").format(state=_(workshop.state)))
        return
    code_col, qr_col = st.columns([2, 1])
    with code_col:
        st.markdown("**" + _("Join code") + "**")
        st.markdown(f"<div style='{CODE_STYLE.format(size=3)}'>{workshop.join_code}</div>",
                    unsafe_allow_html=True)  # the code is generated from a fixed alphabet, never typed by people
        st.text(_("Or open {link}").format(link=join_link(workshop)))
    qr_col.image(qr_png(join_link(workshop)), caption=_("Scan to join"), width=180, alt=_("QR code that opens the join page"))


@st.fragment(run_every=LIVE_SECONDS)
def turnout(workshop_id: str) -> None:
    """Each open vote's turnout, refreshed without a click."""
    with unit_of_work() as db:
        votes = [v for v in dashboard(db, workshop_id)["votes"] if v["state"] == "open"]
    for vote in votes:
        st.markdown("### " + _("{vote}: {ballots} of {codes} voter codes used").format(vote=plain(vote["title"]), ballots=vote["ballots"], codes=vote["codes"]))


def presentation(workshop: Workshop) -> None:
    """What the projector shows: a large join QR and code, each open vote's link and QR, live turnout."""
    with unit_of_work() as db:
        open_votes = [v for v in dashboard(db, workshop.id)["votes"] if v["state"] == "open"]
    panels = (["join"] if workshop.state in ALLOWED["join"] else []) + [v["id"] for v in open_votes]
    if not panels:
        st.info(_("Nothing to show: the workshop takes no new participants and no vote is open."))
        return
    for column, panel in zip(st.columns(len(panels)), panels, strict=True):
        with column:
            if panel == "join":
                st.markdown("## " + _("Join the workshop"))
                st.image(qr_png(join_link(workshop)), width=480, alt=_("QR code that opens the join page"))
                st.markdown(f"<div style='{CODE_STYLE.format(size=4)}'>{workshop.join_code}</div>", unsafe_allow_html=True)
                st.text(join_link(workshop))
            else:
                vote = next(v for v in open_votes if v["id"] == panel)
                st.markdown("## " + _("Vote: {vote}").format(vote=plain(vote["title"])))
                st.image(qr_png(vote_link(vote["id"])), width=480, alt=_("QR code that opens this vote"))
                st.text(vote_link(vote["id"]))
                st.caption(_("Scan, then type the code on your voter card."))
    turnout(workshop.id)
