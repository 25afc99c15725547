"""Vote: a resident's ballot, phone first. One voter code, one ballot; a receipt to check it was counted."""

import time

import streamlit as st

from portfolio_engine.errors import PortfolioError, VoterCodeRefused
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.services.ballots import SPLIT_POINTS, check_ballot
from portfolio_engine.voting import rules
from portfolio_engine.voting.votes import cast, get_vote, list_votes, retry_delay
from ui.text import plain

catalog = load_catalog()
names = {e.id: e.name for e in catalog.elements} | dict(catalog.family_names)
state = st.session_state

st.title("Vote")
open_votes = list_votes(state="open")
wanted = st.query_params.get("vote")
try:
    vote = get_vote(wanted) if wanted else None
except PortfolioError:
    vote = None
if vote is None:
    if not open_votes:
        st.info("There is no open vote right now.")
        st.stop()
    vote = open_votes[0] if len(open_votes) == 1 else st.selectbox("Which vote?", open_votes, format_func=lambda v: v.title)
if vote.state != "open":
    st.warning("This vote is closed: it accepts no more ballots." if vote.state == "closed" else "This vote has not opened yet.")
    st.stop()

st.subheader(plain(vote.title))
st.caption(f"Rules fingerprint {vote.rules_hash[:12]} (shown again with the results). Budget {vote.budget:,.0f} {vote.currency}. "
           f"How it is counted: {rules.get(vote.rule).words}")
BALLOT_KEYS = ("voter_code", "neighborhood", "group", "why", "publish_why")


def next_voter() -> None:
    """A shared device: forget the receipt, the code (field and address) and every answer, so the next person starts clean."""
    for key in [k for k in state if k in BALLOT_KEYS or str(k).startswith(("split:", "points:", "project:")) or k == "receipt"]:
        del state[key]
    state.voter_code = ""
    st.query_params.pop("code", None)


if "receipt" in state:
    st.query_params.pop("code", None)  # the address no longer carries the code that voted
    st.success("Your vote was recorded. Thank you!")
    st.markdown("Your receipt code (keep it to check on the Results page that your ballot is counted):")
    st.code(state.receipt, language=None)
    st.button("Vote again with another code", width="stretch", key="vote_again", on_click=next_voter)
    st.stop()

if "voter_code" not in state:
    state.voter_code = st.query_params.get("code", "")  # a QR card's link fills the code in once
voter_code = st.text_input("Your voter code", max_chars=20, key="voter_code", placeholder="e.g. 7KM3QX9PTA")
if vote.ballot == "split":
    st.markdown(f"**Divide {SPLIT_POINTS} points** across what matters most to you.")
    ballot = {"allocations": {c: st.number_input(names.get(c, c), min_value=0, max_value=SPLIT_POINTS, value=0, step=5, key=f"split:{c}")
                              for c in vote.categories(catalog)}}
elif vote.ballot == "cumulative":
    points = vote.options["points"]
    st.markdown(f"**Give {points} points** to the projects you want most.")
    ballot = {"points": {p["id"]: st.number_input(f"{p['name']} ({p['cost']:,.0f})", min_value=0, max_value=points, value=0,
                                                  key=f"points:{p['id']}") for p in vote.projects}}
else:
    st.markdown("**Choose the projects you support.**")
    ballot = {"projects": [p["id"] for p in vote.projects
                           if st.checkbox(f"{p['name']} · {p['cost']:,.0f} {vote.currency}", key=f"project:{p['id']}")]}
checked = check_ballot(catalog, vote, ballot)
if vote.ballot in ("split", "cumulative"):
    st.metric("Points given", f"{checked.given:g} of {SPLIT_POINTS if vote.ballot == 'split' else vote.options['points']}")
elif vote.ballot == "knapsack":
    st.metric("Your total", f"{checked.given:,.0f} of {vote.budget:,.0f}")
problem = checked.problem

with st.expander("About you (optional)"):
    neighborhood = st.text_input("Your neighborhood", max_chars=120, key="neighborhood")
    group = st.text_input("A group you belong to", max_chars=120, key="group")
    why = st.text_area("Why did you vote this way?", max_chars=2000, key="why")
    publish_why = st.checkbox("Publish my answer to 'why' with the results (without my code, name or time)", value=False, key="publish_why",
                              help="Unless you tick this, your answer is seen only by the organizers and deleted after the vote.")

if problem:
    st.info(problem)
if st.button("Submit my vote", type="primary", disabled=bool(problem) or not voter_code.strip(), width="stretch", key="submit"):
    time.sleep(retry_delay(state.get("wrong_codes", 0)))  # slows one session's guessing, not the room sharing its network
    try:
        state.receipt = cast(catalog, vote.id, voter_code, ballot, neighborhood, group, why, publish_why=publish_why)
    except VoterCodeRefused as err:
        state.wrong_codes = state.get("wrong_codes", 0) + 1
        st.error(plain(str(err)))
    except PortfolioError as err:
        st.error(plain(str(err)))
    else:
        state.wrong_codes = 0
        st.rerun()
