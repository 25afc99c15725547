"""The Vote page served by Streamlit, read as a browser reads it: what each of a resident's answers makes the server draw."""

import asyncio
import os

from loadtest.__main__ import prepare_vote, server
from loadtest.protocol import Tab


def test_a_residents_answers_rerun_only_the_ballot_not_the_app_around_it(tmp_path):
    """Issue 18: a typed code, a tick, Review and Submit each redraw the ballot alone (one fragment), not the sidebar, the
    menu and the page's header: on an evening of residents those full runs were about half of the server's work per ballot."""
    vote_id, codes = prepare_vote(tmp_path / "portfolio.db", 1)

    async def visit(url: str):
        tab = Tab(url)
        await asyncio.to_thread(tab.load_index)
        await tab.connect()
        try:
            opened = await tab.open("vote", f"vote={vote_id}")
            answers = [await tab.change("voter_code", codes[0]), await tab.change("project:p1", True), await tab.click("review")]
            return opened, answers, await tab.click("submit")
        finally:
            await tab.close()

    with server("single", 1, {**os.environ, "PORTFOLIO_DB": str(tmp_path / "portfolio.db")}, tmp_path) as (url, _, _):
        opened, answers, submitted = asyncio.run(visit(url))
    assert any(not fragment for _, _, fragment in opened.elements), "opening the page draws the app around the ballot"
    for run in [*answers, submitted]:
        assert run.elements and all(fragment for _, _, fragment in run.elements), "an answer redraws the ballot only"
    assert any("Check your vote" in text for text in answers[-1].texts())
    assert any("Your vote was recorded" in text for text in submitted.texts()) and submitted.find("code")
