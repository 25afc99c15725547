"""Vote: a resident's ballot, phone first, in the resident's language. One voter code, one ballot: what each category
covers under its field, a counter that stays in view, a review step before submitting, and a receipt to check it was counted."""

import time

import streamlit as st

from portfolio_engine.errors import BallotExists, PortfolioError, VoterCodeRefused
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.services.ballots import SPLIT_POINTS, check_ballot
from portfolio_engine.voting import rules
from portfolio_engine.voting.votes import Vote, cast, get_vote, list_votes, retry_delay
from ui import definitions, i18n
from ui.i18n import _
from ui.menu import catalog_for_vote
from ui.text import plain

catalog = load_catalog()
state = st.session_state
BALLOT_KEYS = ("voter_code", "neighborhood", "group", "why", "publish_why", "reviewing", "replace_offered")
COUNTER_STYLE = ("<style>[data-testid=stLayoutWrapper]:has(> .st-key-ballot_counter){position:sticky;top:3.5rem;z-index:990;background:#fff}"
                 ".st-key-ballot_counter{padding:.25rem 0;border-bottom:1px solid #767676}</style>")  # sticky on its wrapper: the counter fills it


def next_voter() -> None:
    """A shared device: forget the receipt, the code (field and address) and every answer, so the next person starts clean."""
    for key in [k for k in state if k in BALLOT_KEYS or str(k).startswith(("split:", "points:", "project:")) or k == "receipt"]:
        del state[key]
    state.voter_code = ""
    st.query_params.pop("code", None)


def chosen_vote() -> Vote:
    """The vote in the address, else the only open one, else the resident picks; stops the page when none is open."""
    wanted = st.query_params.get("vote")
    try:
        vote = get_vote(wanted) if wanted else None
    except PortfolioError:
        vote = None
    if vote is None:
        open_votes = list_votes(state="open")
        if not open_votes:
            st.info(_("There is no open vote right now."))
            st.stop()
        vote = open_votes[0] if len(open_votes) == 1 else st.selectbox(_("Which vote?"), open_votes, format_func=lambda v: v.title)
    if vote.state != "open":
        st.warning(_("This vote is closed: it accepts no more ballots.") if vote.state == "closed" else _("This vote has not opened yet."))
        st.stop()
    return vote


def receipt_screen(vote: Vote) -> None:
    """After voting: the receipt, checking it on Results as the main step, and a quieter way to hand the phone on."""
    st.query_params.pop("code", None)  # the address no longer carries the code that voted
    st.success(_("Your vote was recorded. Thank you!"))
    st.markdown(_("Your receipt code. Keep it: on the Results page it shows that your ballot is counted."))
    st.code(state.receipt, language=None, wrap_lines=True)
    st.link_button(_("Check my receipt on the Results page"), f"results?vote={vote.id}&lang={i18n.language()}", type="primary", width="stretch")
    st.button(_("Next person: vote with another code"), width="stretch", key="vote_again", on_click=next_voter)
    st.stop()


def split_fields(vote: Vote, locked: bool) -> dict:
    """One points field per category, with what it covers under it."""
    allocations = {}
    for category in vote.categories(catalog):
        allocations[category] = st.number_input(definitions.name(catalog, category), min_value=0, max_value=SPLIT_POINTS, value=0, step=5,
                                                key=f"split:{category}", disabled=locked)
        definitions.explain(catalog, category)
    return {"allocations": allocations}


def project_fields(vote: Vote, locked: bool) -> dict:
    """Points per project (cumulative) or a tick per project, each with its cost and the element it belongs to."""
    ballot: dict = {"points": {}} if vote.ballot == "cumulative" else {"projects": []}
    for project in vote.projects:
        label = f"{plain(project['name'])} · {i18n.money(project['cost'], vote.currency)}"
        if vote.ballot == "cumulative":
            ballot["points"][project["id"]] = st.number_input(label, min_value=0, max_value=vote.options["points"], value=0,
                                                              key=f"points:{project['id']}", disabled=locked)
        elif st.checkbox(label, key=f"project:{project['id']}", disabled=locked):
            ballot["projects"].append(project["id"])
        st.caption(_("Part of: {element}").format(element=definitions.name(catalog, project["element"])))
    return ballot


def counter_text(vote: Vote, given: float) -> str:
    """The counter's words: points given and what they are in money, or what the chosen projects cost."""
    if vote.ballot == "split":
        return _("**Points given: {given} of {total}** (worth {money})").format(
            given=i18n.number(given), total=SPLIT_POINTS, money=i18n.money(vote.budget * given / SPLIT_POINTS, vote.currency))
    if vote.ballot == "cumulative":
        return _("**Points given: {given} of {total}**").format(given=i18n.number(given), total=vote.options["points"])
    return _("**Your projects cost {given} of {total}**").format(given=i18n.money(given, vote.currency),
                                                                   total=i18n.money(vote.budget, vote.currency))


def review(vote: Vote, ballot: dict) -> None:
    """What the resident is about to submit, in words, before the final button."""
    st.markdown(_("**Check your vote before you submit it**"))
    if "allocations" in ballot:
        lines = [f"- {definitions.name(catalog, k)}: {i18n.number(v)} · {i18n.money(vote.budget * v / SPLIT_POINTS, vote.currency)}"
                 for k, v in ballot["allocations"].items() if v]
    elif "points" in ballot:
        names = {p["id"]: p["name"] for p in vote.projects}
        lines = [f"- {plain(names[k])}: {i18n.number(v)}" for k, v in ballot["points"].items() if v]
    else:
        lines = [f"- {plain(p['name'])} · {i18n.money(p['cost'], vote.currency)}" for p in vote.projects if p["id"] in ballot["projects"]]
    st.markdown("\n".join(lines))


def submit(vote: Vote, voter_code: str, ballot: dict, about: dict, replace: bool = False) -> None:
    """Cast the ballot shown in the review (a button's callback: the run that follows draws the receipt, no second run); a refused
    code is counted so guessing slows down. A refusal reopens the form with the reason above it."""
    time.sleep(retry_delay(state.get("wrong_codes", 0)))  # slows one session's guessing, not the room sharing its network
    try:
        state.receipt = cast(catalog, vote.id, voter_code, ballot, about["neighborhood"], about["group"], about["why"], publish_why=about["publish_why"],
                             replace=replace)
    except BallotExists as err:  # a code that voted: say so, keep the review open and ask before replacing (issue 16, fix 3)
        state.vote_error, state.replace_offered = str(err), True
        return
    except VoterCodeRefused as err:
        state.wrong_codes = state.get("wrong_codes", 0) + 1
        state.vote_error = str(err)
    except PortfolioError as err:
        state.vote_error = str(err)
    else:
        state.wrong_codes = 0
    reviewing(False)
    state.pop("replace_offered", None)


def reviewing(on: bool) -> None:
    """Open or close the review step (a button's callback, so the click's own run draws it)."""
    state.reviewing = on


st.title(_("Vote"))
i18n.inline_switcher()
vote = chosen_vote()
catalog = catalog_for_vote(catalog, vote)  # the workshop's words for the elements, in the page's language (ui/menu.py)
st.subheader(plain(vote.title))
st.caption(_("Budget: {budget}.").format(budget=i18n.money(vote.budget, vote.currency)) + " " + i18n.message(rules.get(vote.rule).words))
@st.fragment
def ballot_form(vote: Vote) -> None:
    """The ballot, from the code to the receipt. A typed code, a tick or a button reruns only this, not the app around it
    (issue 18: each answer used to draw the sidebar, the menu and the page's header again, about half of a resident's visit)."""
    if "receipt" in state:
        receipt_screen(vote)

    locked = bool(state.get("reviewing"))
    if "vote_error" in state:
        st.error(plain(i18n.message(state.pop("vote_error"))))
    if "voter_code" not in state:
        state.voter_code = st.query_params.get("code", "")  # a QR card's link fills the code in once
    voter_code = st.text_input(_("Your voter code"), max_chars=20, key="voter_code", placeholder=_("e.g. 7KM3QX9PTA"), disabled=locked)
    st.html(COUNTER_STYLE)
    counter = st.container(key="ballot_counter")
    if vote.ballot == "split":
        st.markdown(_("**Divide {points} points** across what matters most to you.").format(points=SPLIT_POINTS))
        ballot = split_fields(vote, locked)
    elif vote.ballot == "cumulative":
        st.markdown(_("**Give {points} points** to the projects you want most.").format(points=vote.options["points"]))
        ballot = project_fields(vote, locked)
    else:
        st.markdown(_("**Choose the projects you support.**"))
        ballot = project_fields(vote, locked)
    checked = check_ballot(catalog, vote, ballot)
    counter.markdown(counter_text(vote, checked.given))

    with st.expander(_("About you (optional)")):
        about = {"neighborhood": st.text_input(_("Your neighborhood"), max_chars=120, key="neighborhood", disabled=locked),
                 "group": st.text_input(_("A group you belong to"), max_chars=120, key="group", disabled=locked),
                 "why": st.text_area(_("Why did you vote this way?"), max_chars=2000, key="why", disabled=locked),
                 "publish_why": st.checkbox(_("Publish my answer to 'why' with the results (without my code, name or time)"), value=False,
                                            key="publish_why", disabled=locked,
                                            help=_("Unless you tick this, your answer is seen only by the organizers and deleted after the vote."))}

    if checked.problem:
        st.info(plain(i18n.message(checked.problem)))
    if not locked:
        st.button(_("Review my vote"), type="primary", disabled=bool(checked.problem) or not voter_code.strip(), width="stretch", key="review",
                  on_click=reviewing, args=(True,))
    else:
        with st.container(border=True):
            review(vote, ballot)
            st.button(_("Submit my vote"), type="primary", width="stretch", key="submit", on_click=submit, args=(vote, voter_code, ballot, about))
            if state.get("replace_offered"):
                st.button(_("It was me: replace my earlier ballot"), width="stretch", key="replace", on_click=submit,
                          args=(vote, voter_code, ballot, about, True))
            st.button(_("Change my answers"), width="stretch", key="change", on_click=reviewing, args=(False,))
    with st.expander(_("About this vote")):
        st.markdown(_("How it is counted: {words}").format(words=i18n.message(rules.get(vote.rule).words)))
        st.markdown(_("Rules fingerprint: `{fingerprint}`. The Results page shows it again, so anyone can check the rules did not change.").format(
            fingerprint=vote.rules_hash[:12]))


ballot_form(vote)
