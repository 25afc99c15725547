"""Results: the count under the vote's frozen rules, what other rules would give, spread, turnout, breakdowns."""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.voting import rules
from portfolio_engine.voting.results import as_allocations, bundle, public_key, results
from portfolio_engine.voting.votes import check_receipt, list_votes
from ui import charts, downloads, identity
from ui.text import plain

catalog = load_catalog()
names = {e.id: e.name for e in catalog.elements} | dict(catalog.family_names)

st.title("Results")
shown = [v for v in list_votes() if v.state != "draft"]
if not shown:
    st.info("No vote has opened yet.")
    st.stop()
wanted = st.query_params.get("vote")
default = next((n for n, v in enumerate(shown) if v.id == wanted), len(shown) - 1)
vote = st.selectbox("Vote", shown, index=default, format_func=lambda v: f"{v.title} ({v.state})", key="results_vote")
outcome = results(vote.id, catalog)
if not outcome["record"]["ok"]:
    st.error(plain(outcome["result"]["no_result"]))
st.caption(f"{plain(vote.title)} · counted with **{vote.rule}** (frozen when the vote opened; rules fingerprint {vote.rules_hash[:12]})")
st.info(rules.get(vote.rule).words)
with st.expander("How the other rules work"):
    for rule in rules.RULES.values():
        if rule.name != vote.rule and rule.name in outcome["other_rules"]:
            st.markdown(f"**{rule.name}**: {rule.words}")
turnout = outcome["turnout"]
a, b, c = st.columns(3)
a.metric("Ballots counted", turnout["ballots"])
b.metric("Online / paper", f"{turnout['online']} / {turnout['paper']}")
c.metric("Codes issued", turnout["codes_issued"])

result = outcome["result"]
if "no_result" in result:
    if outcome["record"]["ok"]:  # a record that does not verify was said above
        st.warning(plain(result["no_result"]))
elif "allocations" in result:
    amounts = result["allocations"]
    st.plotly_chart(charts.amounts_by_category(amounts, names, vote.currency), config=charts.CONFIG, key="results_bars")
    table = pd.DataFrame({"category": [names.get(k, k) for k in amounts], vote.rule: list(amounts.values())})
    for rule, other in outcome["other_rules"].items():
        table[rule] = [other.get("allocations", {}).get(k) for k in amounts]
    st.markdown("**What each rule would give** (the frozen rule decides)")
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown("**Where residents agree and where they are divided** (individual ballots: median and middle half)")
    spread = outcome.get("spread", {})
    st.dataframe(pd.DataFrame([{"category": names.get(k, k), "median": v["median"], "lower quartile": v["q1"], "upper quartile": v["q3"]}
                               for k, v in spread.items()]), hide_index=True, width="stretch")
else:
    costs = {p["id"]: p for p in vote.projects}
    st.markdown(f"**Selected projects** (total {result.get('cost', 0):,.0f} of {vote.budget:,.0f} {vote.currency})")
    st.dataframe(pd.DataFrame([{"project": costs[p]["name"], "cost": costs[p]["cost"], "element": names[costs[p]["element"]],
                                "supporters": outcome["support"][p]} for p in result.get("selected", [])]), hide_index=True, width="stretch")
    st.markdown("**Other rules would select**")
    st.dataframe(pd.DataFrame([{"rule": r, "projects": ", ".join(costs[p]["name"] for p in o.get("selected", []))}
                               for r, o in outcome["other_rules"].items()]), hide_index=True, width="stretch")
    st.markdown("**The winners' budget by portfolio element**")
    st.dataframe(pd.DataFrame([{"element": names[k], "amount": v} for k, v in outcome["by_element"].items()]), hide_index=True)

for title, key in (("By neighborhood", "by_neighborhood"), ("By group", "by_group")):
    if outcome[key]:
        st.markdown(f"**{title}** (groups under 5 voters are not shown)")
        rows = [{"": name, **(part.get("allocations") or {"projects": ", ".join(part.get("selected", [])) or part.get("suppressed", "")})}
                for name, part in outcome[key].items()]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

st.markdown("**Check your ballot**")
receipt = st.text_input("Receipt code", max_chars=20, key="receipt_check")
if receipt:
    st.info(plain(check_receipt(vote.id, receipt)))

key = public_key(vote.id)
st.markdown("**Check the results yourself**")
if outcome["record"]["ok"]:
    downloads.prepared("the signed results bundle (rules, anonymized ballots, hashes)", f"bundle_{vote.id}",
                       lambda: json.dumps(bundle(vote.id, catalog), indent=2), f"vote-{vote.id}-bundle.json", "application/json")
st.markdown("The bundle is signed. This vote's public key (keep it: it proves a bundle came from this vote's organizers):")
st.code(key, language=None)
st.download_button("Download the public key", key + "\n", f"vote-{vote.id}-public-key.txt", "text/plain", on_click="ignore", key="public_key")
st.caption(f"Anyone can check and recompute it: `python -m portfolio_engine vote verify BUNDLE.json --public-key {key}`. "
           f"Record of this vote: {outcome['record']['entries']} audit entries, chain head {outcome['record']['head'][:24]}…")

saver = identity.author()
facilitating = saver and vote.workshop_id == saver[0].id and saver[1]["role"] == "facilitator" and "allocations" in result
if facilitating and st.button("Use as a proposal in the workshop", key="use_as_proposal"):
    workshop, person = saver
    try:
        allocations = as_allocations(vote, result, workshop.status_quo_portfolio(catalog), catalog)
        save_proposal(catalog, workshop.id, person["id"], f"Residents' vote: {vote.title}",
                      f"Aggregate of {turnout['ballots']} ballots counted with {vote.rule} (rules fingerprint {vote.rules_hash[:12]}).",
                      allocations, origin="resident_vote", origin_details={"vote": vote.id, "rule": vote.rule, "rules_hash": vote.rules_hash})
    except PortfolioError as err:
        st.error(plain(str(err)))
    else:
        st.success("Saved as a proposal with origin 'resident vote'.")
