"""Results: the count under the vote's frozen rules (once the vote closes, unless its set-up shows it live), what other rules
would give, spread, turnout and breakdowns, in millions and shares that fit a phone, with a receipt check for every resident."""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog, load_catalog
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.voting import rules
from portfolio_engine.voting.results import as_allocations, bundle, public_key, public_now, record_head, results
from portfolio_engine.voting.votes import Vote, check_receipt, list_votes
from ui import ballot_groups, chart_text, charts, definitions, downloads, i18n, identity
from ui.components.light_chart import light_chart
from ui.i18n import _
from ui.menu import catalog_for_vote
from ui.text import plain

catalog = load_catalog()


def receipt_check(vote: Vote) -> None:
    st.markdown(_("**Check your ballot**"))
    receipt = st.text_input(_("Receipt code"), max_chars=20, key="receipt_check")
    if receipt:
        st.info(plain(i18n.message(check_receipt(vote.id, receipt))))


def how_counted(vote: Vote, outcome: dict) -> None:
    """The frozen rule in words, and the other rules behind a toggle."""
    st.caption(_("{title} · counted with **{rule}** (fixed when the vote opened)").format(title=plain(vote.title), rule=vote.rule))
    st.info(i18n.message(rules.get(vote.rule).words))
    with st.expander(_("How the other rules work")):
        for rule in rules.RULES.values():
            if rule.name != vote.rule and rule.name in outcome["other_rules"]:
                st.markdown(f"**{rule.name}**: {i18n.message(rule.words)}")


def split_result(vote: Vote, outcome: dict) -> None:
    """The allocation: a chart with its text alternative, each rule's amounts in millions, and where residents agree."""
    amounts = outcome["result"]["allocations"]
    total = sum(amounts.values()) or 1.0
    names = {k: definitions.name(catalog, k) for k in amounts}
    light_chart(charts.amounts_by_category({k: v / 1e6 for k, v in amounts.items()}, names, f"{_('million')} {vote.currency}"),
                config=charts.CONFIG, key="results_bars")  # plotly.js's basic bundle, not Streamlit's 1.35 MiB plotly chunk (issue 18)
    shown = {names[k]: f"{i18n.millions(v, vote.currency)}, {i18n.share(v / total)}" for k, v in amounts.items()}
    chart_text.alternative(chart_text.ranking_summary({names[k]: v for k, v in amounts.items()}, shown),
                           pd.DataFrame({_("Category"): list(shown), _("Amount"): [i18n.millions(v) for v in amounts.values()],
                                         _("Share"): [i18n.share(v / total) for v in amounts.values()]}), "results_bars")
    st.markdown(_("**What each rule would give**, in millions of {currency} (the rule fixed at the start decides)").format(currency=vote.currency))
    table = pd.DataFrame({_("Category"): list(names.values()), vote.rule: [i18n.millions(v) for v in amounts.values()]})
    for rule, other in outcome["other_rules"].items():
        table[rule] = [i18n.millions(other["allocations"][k]) if "allocations" in other else "–" for k in amounts]
    st.table(table.rename(columns=lambda c: str(c).replace("-", "-\u200b")), hide_index=True)
    spread = outcome.get("spread", {})
    if spread:
        st.markdown(_("**Where residents agree and where they are divided** (single ballots, in millions: the middle value and the middle half)"))
        st.table(pd.DataFrame([{_("Category"): definitions.name(catalog, k), _("Middle value"): i18n.millions(v["median"]),
                                _("Middle half"): f"{i18n.millions(v['q1'])} – {i18n.millions(v['q3'])}"} for k, v in spread.items()]), hide_index=True)


def project_result(vote: Vote, outcome: dict) -> None:
    """The selected projects, what other rules would select, and the winners' money by portfolio element."""
    result, costs = outcome["result"], {p["id"]: p for p in vote.projects}
    st.markdown(_("**Selected projects** (they cost {cost} of {budget})").format(cost=i18n.money(result.get("cost", 0), vote.currency),
                                                                                 budget=i18n.money(vote.budget, vote.currency)))
    st.table(pd.DataFrame([{_("Project"): costs[p]["name"], _("Cost"): i18n.money(costs[p]["cost"]),
                            _("Element"): definitions.name(catalog, costs[p]["element"]), _("Supporters"): i18n.number(outcome["support"][p])}
                           for p in result.get("selected", [])]), hide_index=True)
    st.markdown(_("**Other rules would select**"))
    st.table(pd.DataFrame([{_("Rule"): r, _("Projects"): ", ".join(costs[p]["name"] for p in o.get("selected", [])) or "–"}
                           for r, o in outcome["other_rules"].items()]), hide_index=True)
    st.markdown(_("**The winners' budget by portfolio element**"))
    st.table(pd.DataFrame([{_("Element"): definitions.name(catalog, k), _("Amount"): i18n.money(v, vote.currency)}
                           for k, v in outcome["by_element"].items()]), hide_index=True)


def breakdowns(outcome: dict) -> None:
    for title, key in ((_("By neighborhood"), "by_neighborhood"), (_("By group"), "by_group")):
        if outcome[key]:
            st.markdown(_("**{title}** (groups under 5 voters are not shown)").format(title=title))
            rows = [{"": name, **({definitions.name(catalog, k): i18n.millions(v) for k, v in part["allocations"].items()} if part.get("allocations")
                                  else {_("Projects"): ", ".join(part.get("selected", [])) or i18n.message(part.get("suppressed", ""))})}
                    for name, part in outcome[key].items()]
            st.table(pd.DataFrame(rows), hide_index=True)


def check_yourself(vote: Vote, outcome: dict) -> None:
    key = public_key(vote.id)
    st.markdown(_("**Check the results yourself**"))
    if outcome["record"]["ok"]:
        downloads.prepared(_("the signed results bundle (rules, anonymized ballots, hashes)"), f"bundle_{vote.id}",
                           lambda: json.dumps(bundle(vote.id, catalog), indent=2), f"vote-{vote.id}-bundle.json", "application/json")
    st.markdown(_("The bundle is signed. This vote's public key (keep it: it proves a bundle came from this vote's organizers):"))
    st.code(key, language=None, wrap_lines=True)
    st.download_button(_("Download the public key"), key + "\n", f"vote-{vote.id}-public-key.txt", "text/plain", on_click="ignore", key="public_key")
    st.caption(_("Anyone can check and recompute it: `{command}`. Record of this vote: {entries} audit entries, chain head {head}…").format(
        command=f"python -m portfolio_engine vote verify BUNDLE.json --public-key {key}", entries=outcome["record"]["entries"],
        head=outcome["record"]["head"][:24]))


def use_as_proposal(vote: Vote, outcome: dict) -> None:
    """A signed-in facilitator turns a split result into a workshop proposal."""
    saver = identity.author()
    facilitating = saver and vote.workshop_id == saver[0].id and saver[1]["role"] == "facilitator" and "allocations" in outcome["result"]
    if facilitating and st.button(_("Use as a proposal in the workshop"), key="use_as_proposal"):
        workshop, person = saver
        try:
            allocations = as_allocations(vote, outcome["result"], workshop.status_quo_portfolio(catalog), catalog)
            save_proposal(catalog, workshop.id, person["id"], f"Residents' vote: {vote.title}",
                          f"Aggregate of {outcome['turnout']['ballots']} ballots counted with {vote.rule} (rules fingerprint {vote.rules_hash[:12]}).",
                          allocations, origin="resident_vote", origin_details={"vote": vote.id, "rule": vote.rule, "rules_hash": vote.rules_hash})
        except PortfolioError as err:
            st.error(plain(i18n.message(str(err))))
        else:
            st.success(_("Saved as a proposal with origin 'resident vote'."))


@st.cache_data(ttl=300, max_entries=32, show_spinner=False)
def closed_count(vote_id: str, head: str, language: str, _catalog: Catalog) -> dict:
    """A closed vote's count, kept five minutes per process for the same record head and language: checking the record and
    counting 100,000 ballots with every rule costs seconds to minutes of a core, and every resident's visit asked for it again.
    Nothing is cast after the close; the record is checked again at least every five minutes."""
    return results(vote_id, _catalog)


st.title(_("Results"))
i18n.inline_switcher()
shown_votes = [v for v in list_votes() if v.state != "draft"]
if not shown_votes:
    st.info(_("No vote has opened yet."))
    st.stop()
wanted = st.query_params.get("vote")
default = next((n for n, v in enumerate(shown_votes) if v.id == wanted), len(shown_votes) - 1)
states = {"open": _("open"), "closed": _("closed"), "purged": _("closed")}
vote = st.selectbox(_("Vote"), shown_votes, index=default, format_func=lambda v: f"{v.title} ({states.get(v.state, v.state)})", key="results_vote")
catalog = catalog_for_vote(catalog, vote)  # the workshop's words for the elements, in the page's language (ui/menu.py)
if not public_now(vote):
    st.info(_("The results are shown when the vote closes, so that no one is swayed by the count so far. "
              "You can already check that your ballot is counted."))
    receipt_check(vote)
    st.stop()
outcome = results(vote.id, catalog) if vote.state == "open" else closed_count(vote.id, record_head(vote.id), i18n.language(), catalog)
if not outcome["record"]["ok"]:
    st.error(plain(i18n.message(outcome["result"]["no_result"])))
how_counted(vote, outcome)
turnout = outcome["turnout"]
a, b, c = st.columns(3)
a.metric(_("Ballots counted"), i18n.number(turnout["ballots"]))
b.metric(_("Online / paper"), f"{i18n.number(turnout['online'])} / {i18n.number(turnout['paper'])}")
c.metric(_("Codes issued"), i18n.number(turnout["codes_issued"]))
if "no_result" in outcome["result"]:
    if outcome["record"]["ok"]:  # a record that does not verify was said above
        st.warning(plain(i18n.message(outcome["result"]["no_result"])))
elif "allocations" in outcome["result"]:
    split_result(vote, outcome)
    ballot_groups.shown(vote, catalog)  # once the vote closes: residents who voted alike
elif vote.ballot != "split":
    project_result(vote, outcome)
else:
    st.info(_("No ballots yet."))
breakdowns(outcome)
receipt_check(vote)
check_yourself(vote, outcome)
use_as_proposal(vote, outcome)
