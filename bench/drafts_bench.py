"""Drafts for the Room page (issue 16, item 1): what saving a participant's sliders costs a slider move, and the write itself.

A joined participant's move only notes the amounts (ui/drafts.py); one background write per participant follows. The move is
measured against a visitor's on the same Allocate page (AppTest reruns, alternating so a busy machine weighs on both alike), the
background write against saving a proposal (the record's write, with its audit entry)."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def draft_figures(set_slider, moves: int = 40) -> list[tuple[str, float, str, float]]:
    """`set_slider(app, key, value)`: an AppTest slider move as bench/run.py makes it."""
    from streamlit.testing.v1 import AppTest

    from portfolio_engine import storage
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.model.portfolio import load_status_quo
    from portfolio_engine.record import drafts
    from portfolio_engine.record.proposals import save_proposal
    from portfolio_engine.record.workshops import create_workshop, join
    from portfolio_engine.security.access import OPERATOR
    from ui import drafts as noted

    catalog, status_quo = load_catalog(), load_status_quo(load_catalog())
    before = os.environ.get("PORTFOLIO_DB")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "drafts.db")
        try:
            storage.migrate()
            workshop, _ = create_workshop(catalog, "Bench workshop", 100e6, "bench-passcode", status_quo, grant=OPERATOR)
            participant, token = join(workshop.id, "Ana", "County hospital", "health")
            visitor = AppTest.from_file(str(ROOT / "pages" / "allocate.py"), default_timeout=60)
            joined = AppTest.from_file(str(ROOT / "pages" / "allocate.py"), default_timeout=60)
            joined.query_params.update({"w": workshop.id, "me": token})
            cpu: dict[str, list[float]] = {"visitor": [], "joined": []}
            for app in (visitor, joined):
                app.run()
            for n in range(moves):
                for name, app in ((("visitor", visitor), ("joined", joined)) if n % 2 == 0 else (("joined", joined), ("visitor", visitor))):
                    start = time.process_time()
                    set_slider(app, "amount:basic_needs", 5.0 + n % 10).run()
                    cpu[name].append(time.process_time() - start)
            noted.flush()
            with storage.reading() as db:
                saved = drafts.drafts_in(db, workshop.id)[participant["id"]]["basic_needs"]
            amounts = dict(status_quo.allocations)
            writes, proposals = [], []
            for n in range(20):
                moved = n * 1e5  # from one element to another: a proposal shares out the whole budget
                amounts["basic_needs"], amounts["acute_care"] = status_quo.allocations["basic_needs"] - moved, status_quo.allocations["acute_care"] + moved
                start = time.perf_counter()
                drafts.save_draft(catalog, workshop.id, participant["id"], amounts)
                writes.append(time.perf_counter() - start)
                start = time.perf_counter()
                save_proposal(catalog, workshop.id, participant["id"], f"Bench {n}", "Bench", amounts)
                proposals.append(time.perf_counter() - start)
        finally:
            if before is None:
                os.environ.pop("PORTFOLIO_DB", None)
            else:
                os.environ["PORTFOLIO_DB"] = before
    print(f"Drafts: the last slider position saved as the draft: {saved / 1e6:g} million", file=sys.stderr)
    return [("Allocate, CPU per slider change, joined participant (draft noted, written in the background)", statistics.median(cpu["joined"]),
             "the same page for a visitor (no draft)", statistics.median(cpu["visitor"])),
            ("a draft's background write (SQLite)", statistics.median(writes), "saving a proposal (audit entry)", statistics.median(proposals))]


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from run import set_slider

    for row in draft_figures(set_slider):
        print(row)
