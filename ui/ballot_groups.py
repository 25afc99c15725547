"""Results: the opinion groups among residents' split ballots, once the vote closes (record/ballot_groups.py): how many voted
alike, each group's average ballot in shares, and what separates the groups. No ballot or name is shown."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.ballot_groups import vote_groups
from portfolio_engine.voting.votes import Vote
from ui import definitions, i18n
from ui.i18n import _


def shown(vote: Vote, catalog: Catalog) -> None:
    """The groups of a closed split vote (nothing while it is open, for a project vote or a record that does not verify)."""
    if vote.ballot != "split" or vote.state in ("draft", "open"):
        return
    try:
        found = vote_groups(vote.id, catalog)
    except PortfolioError:  # a broken record is said at the top of the page
        return
    if len(found["groups"]) < 2:
        if found["ballots"] >= 3:
            st.caption(_("The residents' ballots form one opinion group: no camp stands apart."))
        return
    st.markdown(_("**Residents who voted alike**: {groups} opinion groups among {ballots} ballots (each group's average ballot, "
                  "in shares; no ballot is named)").format(groups=i18n.number(len(found["groups"])), ballots=i18n.number(found["ballots"])))
    categories = list(found["groups"][0]["mean_shares"])
    columns = {_("Group {letter} ({count} ballots)").format(letter=chr(ord("A") + n), count=i18n.number(g["size"])):
               [i18n.share(g["mean_shares"][c]) for c in categories] for n, g in enumerate(found["groups"])}
    st.table(pd.DataFrame({_("Category"): [definitions.name(catalog, c) for c in categories], **columns}), hide_index=True)
    if found["separating"]:
        st.caption(_("What separates the groups most: {categories}.").format(
            categories=", ".join(definitions.name(catalog, c) for c in found["separating"])))
