"""Facilitate: create a workshop or sign in with its passcode; join code and QR, lifecycle, decision, exports, audit."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.decisions import decisions
from portfolio_engine.record.proposals import STANCE_WORDS, list_proposals, tallies
from portfolio_engine.record.report_chart import file_name
from portfolio_engine.record.times import readable
from portfolio_engine.record.workshops import TRANSITIONS, authenticate, change_state, create_workshop, list_workshops
from portfolio_engine.security import access
from portfolio_engine.services import reports
from portfolio_engine.services.room import dashboard
from portfolio_engine.services.unit_of_work import Handle, unit_of_work
from portfolio_engine.services.workshops import verify_workshop
from portfolio_engine.voting import rules
from portfolio_engine.voting.code_sheet import sheet_html
from portfolio_engine.voting.votes import close_vote, create_vote, generate_codes, import_paper, list_votes, open_vote, purge, read_projects
from ui import downloads, i18n, identity
from ui.decision import decision_section
from ui.ends import facilitate_section as ends_section
from ui.funders import facilitate_section as funders_section
from ui.i18n import _, message
from ui.menu import catalog_for
from ui.menu import facilitate_section as menu_section
from ui.presentation import join_panel, presentation
from ui.text import plain

catalog = load_catalog()
state = st.session_state
FAILED = ("failure", "refused", "locked")  # sign-in log outcomes a facilitator should see
LIVE_SECONDS = 5  # the dashboard refreshes itself this often
BALLOTS = {"split_elements": _("split over the portfolio elements"), "split_families": _("split over the three families"), "knapsack": _("knapsack"),
           "approval": _("approval"), "cumulative": _("cumulative")}
REVOTE = {True: _("may change its vote until the vote closes"), False: _("votes once")}

st.title(_("Facilitate"))
workshop = identity.facilitated(fresh=True)


def sign_in_form() -> None:
    """Sign in to a workshop with its passcode (throttled by the engine); the grant stays in this session."""
    workshops = list_workshops()
    if not workshops:
        st.info(_("No workshop yet: create one."))
        return
    with st.form("sign_in"):
        states = {w.state: _(w.state) for w in workshops}
        chosen = st.selectbox(_("Workshop"), workshops, format_func=lambda w: f"{w.name} ({states[w.state]})")
        passcode = st.text_input(_("Facilitator passcode"), type="password")
        if st.form_submit_button(_("Sign in")):
            try:
                identity.facilitator_signed_in(authenticate(chosen.id, passcode))
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.rerun()


def create_form() -> None:
    """Create a workshop: only the data steward may (the engine checks the steward's grant); the creator is then its facilitator."""
    with st.form("create"):
        name = st.text_input(_("Workshop name"), max_chars=120)
        left, right = st.columns(2)
        budget = left.number_input(_("Yearly budget"), min_value=1.0, value=100_000_000.0, step=1_000_000.0, format="%.0f")
        currency = right.text_input(_("Currency"), value="USD", max_chars=3)
        passcode = st.text_input(_("Facilitator passcode (8 characters or more)"), type="password")
        again = st.text_input(_("Passcode again"), type="password")
        threshold = st.number_input(_("Departures from the residents' vote that need a justification (% of the budget)"), 0.0, 100.0, 1.0)
        st.caption(_("The status quo is the shipped illustrative one, scaled to this budget."))
        steward = st.text_input(_("Data steward passcode"), type="password", key="steward_passcode",
                                help=_("Only the data steward of this installation can create workshops."))
        if not st.form_submit_button(_("Create the workshop")):
            return
        if passcode != again:
            st.error(_("The two passcodes differ."))
            return
        if not steward:
            st.error(_("Enter the data steward passcode: only the data steward can create workshops."))
            return
        try:
            created = create_workshop(catalog, name, budget, passcode, load_status_quo(catalog), currency.upper() or "USD",
                                         deviation_threshold=threshold / 100, grant=access.sign_in_steward(steward))[0]
            identity.facilitator_signed_in(authenticate(created.id, passcode))
        except PortfolioError as err:
            st.error(plain(message(str(err))))
        else:
            st.rerun()


def signin_attempts(workshop_id: str) -> None:
    """Recent failed sign-ins on this workshop, per device, and lifting the waits and locks (the engine checks the grant)."""
    scope = f"facilitator:{workshop_id}"
    counters, log = access.attempts(scope)
    failed = [row for row in log if row["outcome"] in FAILED]
    locked = [row for row in counters if row["locked"]]
    title = (_("Sign-in attempts (1 device locked out)") if len(locked) == 1 else
             _("Sign-in attempts ({count} devices locked out)").format(count=len(locked)) if locked else _("Sign-in attempts"))
    with st.expander(title, expanded=bool(locked)):
        if not failed and not counters:
            st.caption(_("No failed sign-in on this workshop."))
            return
        if counters:
            st.dataframe(pd.DataFrame([{_("device"): r["client"], _("failures"): r["failures"], _("locked out"): _("yes") if r["locked"] else _("no")}
                                       for r in counters]), hide_index=True, width="stretch")
        if failed:
            st.caption(_("Latest failed or refused attempts"))
            st.dataframe(pd.DataFrame(failed).assign(outcome=lambda t: t["outcome"].map(_)).rename(
                columns={"client": _("device"), "outcome": _("outcome"), "at": _("when")}), hide_index=True, width="stretch")
        if not counters:
            return
        every = _("every device")
        device = st.selectbox(_("Lift the waits and locks of"), [every, *(r["client"] for r in counters)], key="lift_device")
        if st.button(_("Lift"), key="lift_locks"):
            try:
                access.lift(identity.grant(), scope, None if device == every else device)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.rerun()


if workshop is None:
    st.caption(_("For facilitators: sign in to a workshop with its passcode, or create one (the data steward)."))
    sign_in, create = st.tabs([_("Sign in"), _("Create a workshop")])
    with sign_in:
        sign_in_form()
    with create:
        create_form()
    st.stop()

st.subheader(plain(workshop.name))
st.caption(_("State: {state} · budget {budget} {currency}").format(state=_(workshop.state), budget=f"{workshop.budget:,.0f}", currency=workshop.currency))
signed = identity.grant()  # every action below acts with this sign-in: the passcode is asked once per browser session
if st.button(_("Sign out"), key="sign_out"):
    identity.sign_out()
    st.rerun()

if st.toggle(_("Presentation mode"), key="presenting", help=_("For the projector: a large join QR, each open vote's link and QR, live turnout.")):
    presentation(workshop)  # ui/presentation.py
    st.stop()
join_panel(workshop)
root = identity.root()


signin_attempts(workshop.id)


@st.fragment(run_every=LIVE_SECONDS)
def live_dashboard() -> None:
    """Who joined, what was proposed and how the votes are going, refreshed every few seconds without a click."""
    with unit_of_work() as db:
        seen = dashboard(db, workshop.id)
    joined, proposed, stances, moving = st.columns(4)
    joined.metric(_("Participants"), len(seen["participants"]))
    proposed.metric(_("Proposals"), seen["proposals"])
    stances.metric(_("Stances"), seen["stances"])
    moving.metric(_("Moving sliders"), seen["drafts"], help=_("Participants whose current sliders the Room page shows."))
    for vote in seen["votes"]:
        st.caption(_("Vote '{vote}' ({state}): {ballots} of {codes} voter codes used").format(vote=plain(vote["title"]), state=_(vote["state"]),
                                                                                             ballots=vote["ballots"], codes=vote["codes"]))
    if seen["participants"]:
        st.dataframe(pd.DataFrame([{_("Name"): p["name"], _("Organization"): p["organization"], _("Sector"): p["sector"], _("Role"): _(p["role"]),
                                    _("Joined"): readable(p["created_at"])} for p in seen["participants"]]), hide_index=True, width="stretch")


st.markdown("**" + _("Participants") + "**")
live_dashboard()
funders_section(catalog_for(catalog, workshop), workshop, signed)  # the region's current portfolio by funder (ui/funders.py)
ends_section(workshop, signed)  # shared ends first: what the room agrees matters (ui/ends.py)
menu_section(catalog, workshop, signed)  # the workshop's local menu (ui/menu.py)

st.markdown("**" + _("Lifecycle") + "**")
moves = sorted(TRANSITIONS[workshop.state])
if moves:
    for target in moves:
        if st.button(_("Move to {state}").format(state=_(target)), key=f"state_{target}"):
            try:
                change_state(workshop.id, target, grant=signed)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.rerun()
if workshop.state == "deciding":
    st.caption(_("To move to decided, record the decision below."))

proposals = list_proposals(workshop.id)
if workshop.state in ("deciding", "decided") and proposals:
    decision_section(catalog_for(catalog, workshop), workshop, proposals, signed)  # ui/decision.py, in the workshop's words
for decision in decisions(workshop.id):
    chosen = next(p for p in proposals if p["id"] == decision["proposal_id"])
    st.text(_("Decided {when}: {title} v{version}").format(when=readable(decision["created_at"]), title=chosen["title"], version=chosen["version"])
            + f"\n{decision['rationale']}")

st.markdown("**" + _("Stances so far") + "**")
counts = tallies(workshop.id)
st.dataframe(pd.DataFrame([{_("proposal"): f"{p['title']} v{p['version']}",
                            **{_(STANCE_WORDS[s]): n for s, n in counts.get(p["id"], {}).get("by_stance", {}).items()}} for p in proposals]),
             hide_index=True, width="stretch")

st.markdown("**" + _("Record and exports") + "**")
with unit_of_work() as db:
    check = verify_workshop(db, workshop.id)
if check.ok:
    st.success(_("Audit trail intact: {entries} entries. Chain head {head}").format(entries=check.entries, head=check.label))
    st.caption(_("Write the chain head down (it is also on the printable report): `audit verify --head` with it later "
                 "shows whether newest entries were removed."))
else:
    st.error(plain(_("Audit trail broken: {problem}").format(problem=check.problem)))
slug = file_name(workshop.name, "")  # 'riverside-2027', never '(demo)' or spaces
a, b, c = st.columns(3)


def from_record(use_case: Callable[[Handle], str]) -> Callable[[], str]:
    """A download made on request from one snapshot of the record."""
    def make() -> str:
        with unit_of_work() as db:
            return use_case(db)
    return make


downloads.prepared(_("JSON (complete)"), "record_json", from_record(lambda db: reports.workshop_json(db, workshop.id)), f"{slug}.json",
                   "application/json", a)
downloads.prepared(_("CSV (proposals)"), "record_csv", from_record(lambda db: reports.proposals_table(db, catalog, workshop.id)),
                   f"{slug}-proposals.csv", "text/csv", b)
downloads.prepared(_("printable report (HTML)"), "record_html", from_record(lambda db: reports.workshop_report(db, catalog, workshop.id)),
                   f"{slug}-report.html", "text/html", c)

st.markdown("**" + _("Resident votes") + "**")
workshop_votes = [v for v in list_votes() if v.workshop_id == workshop.id]
for vote in workshop_votes:
    st.text(_("{title} · {ballot} ballot counted with {rule} · {state}").format(title=vote.title, ballot=_(vote.ballot), rule=vote.rule, state=_(vote.state))
            + (" · " + _("rules fingerprint {fingerprint}").format(fingerprint=vote.rules_hash[:12]) if vote.rules_hash else ""))
    left, middle, right = st.columns(3)
    if vote.state in ("draft", "open"):
        target = "open" if vote.state == "draft" else "close"
        if left.button(_("Open this vote") if target == "open" else _("Close this vote"), key=f"vote_{target}_{vote.id}"):
            try:
                (open_vote if target == "open" else close_vote)(vote.id, None, grant=signed)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.rerun()
        count = middle.number_input(_("Codes to generate"), 1, 10_000, 50, key=f"count_{vote.id}")
        if right.button(_("Generate voter codes"), key=f"codes_{vote.id}"):
            try:
                state[f"new_codes:{vote.id}"] = generate_codes(vote.id, int(count), None, grant=signed)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
    if vote.state == "open":
        paper = st.file_uploader(_("Paper ballots (CSV)"), type=["csv"], key=f"paper_{vote.id}",
                                 help=_("Columns: paper_id, one per category or project (marks 1, x or yes; blank or 0 is not marked; "
                                        "points for cumulative ballots), and optionally code, neighborhood, group, why, publish_why."))
        if paper is not None and st.button(_("Import the paper ballots"), key=f"import_paper_{vote.id}"):
            try:
                imported = import_paper(catalog, vote.id, paper.getvalue().decode("utf-8-sig"), None, grant=signed)
            except UnicodeDecodeError:
                st.error(_("Nothing was imported: the file is not UTF-8 text (save it from the spreadsheet as 'CSV UTF-8')."))
            except PortfolioError as err:
                st.error(plain(_("Nothing was imported.") + " " + message(str(err))))
            else:
                st.success(_("Paper ballots imported: {count}.").format(count=imported))
    if vote.state == "closed" and left.button(_("Purge codes and private free text"), key=f"purge_{vote.id}",
                                              help=_("Retention: forget which code cast which ballot and the 'why' voters did not "
                                                     "agree to publish. Results, receipts and the signed bundle still check out.")):
        try:
            changed = purge(vote.id, None, grant=signed)
        except PortfolioError as err:
            st.error(plain(message(str(err))))
        else:
            st.success(_("Purged: 1 ballot no longer points to a code or keeps private text.") if changed == 1 else
                       _("Purged: {count} ballots no longer point to a code or keep private text.").format(count=changed))
    codes = state.get(f"new_codes:{vote.id}")
    if codes:
        st.caption(_("New codes: {count}. Print or send them now; only their fingerprints are stored, so they cannot be shown again.").format(
            count=len(codes)))
        a, b = st.columns(2)
        a.download_button(_("Codes (CSV)"), "code\n" + "\n".join(codes) + "\n", f"codes-{vote.id}.csv", "text/csv", on_click="ignore",
                          key=f"csv_{vote.id}")
        downloads.prepared(_("printable sheet with QR codes"), f"sheet_{vote.id}",
                           lambda v=vote, c=codes: sheet_html(v, c, root, language=i18n.language()), f"codes-{vote.id}.html", "text/html", b)
with st.expander(_("Set up a resident vote")), st.form("new_vote"):
    title = st.text_input(_("Title"), max_chars=200)
    kind = st.radio(_("Ballot"), list(BALLOTS), format_func=BALLOTS.get)
    budget = st.number_input(_("Budget the residents divide"), min_value=1.0, value=float(workshop.budget), format="%.0f")
    split_rule = st.selectbox(_("Counting rule for split ballots"), rules.names("split"), help=_(rules.RULES[rules.names("split")[0]].words))
    project_rule = st.selectbox(_("Counting rule for project ballots"), rules.names("knapsack"), help=_(rules.RULES[rules.names("knapsack")[0]].words))
    projects_file = st.file_uploader(_("Projects (CSV: project_id, name, cost, element)"), type=["csv"])
    points = st.number_input(_("Points per voter (cumulative)"), 1, 1000, 10)
    revote = st.radio(_("A voter code..."), list(REVOTE), format_func=REVOTE.get, horizontal=True,
                      help=_("Frozen with the rules when the vote opens. Either way a code that voted is told so before anything is replaced."))
    live = st.checkbox(_("Show results while the vote is open"), value=False,
                       help=_("Off by default: results shown during a vote invite voting for what is already winning."))
    if st.form_submit_button(_("Create the vote (draft)")):
        try:
            split = kind.startswith("split")
            projects = None if split or projects_file is None else read_projects(catalog, projects_file.getvalue().decode("utf-8-sig"))
            create_vote(catalog, title or BALLOTS[kind], "split" if split else kind, split_rule if split else project_rule, budget, workshop.id,
                        None, workshop.currency, projects, "families" if kind == "split_families" else "elements",
                        points=points if kind == "cumulative" else None, allow_revote=revote, grant=signed,
                        live_results=live)
        except (PortfolioError, UnicodeDecodeError) as err:
            st.error(plain(_("The vote was not created: {problem}").format(problem=message(str(err)))))
        else:
            st.rerun()
