"""Compare reads in names, sentences and millions, never in engine ids or full units (issue 16, fix 7)."""


from portfolio_engine import storage
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import create_workshop, join
from portfolio_engine.security.access import OPERATOR

COMPARE = "../../pages/compare.py"


def test_constraints_and_amounts_read_as_people_read_them(catalog, status_quo, open_page):
    constraints = {"budget": 100e6, "floors": {"acute_care": 19000000}, "max_change": 0.25, "owners": {"floors.acute_care": "County hospital"}}
    storage.migrate()
    w, _ = create_workshop(catalog, "Words", 100e6, "facilitator-pass", status_quo, constraints=constraints, grant=OPERATOR)
    ana, _ = join(w.id, "Ana", "County hospital", "health")
    save_proposal(catalog, w.id, ana["id"], "Keep", "Stable", w.status_quo_portfolio(catalog).allocations)
    at = open_page(COMPARE)
    at.text_input(key="compare_code").input(w.join_code).run()
    tables = [d.value for d in at.dataframe]
    words = " ".join(next(t for t in tables if "constraint" in t.columns)["constraint"])
    assert "At least 19.00 million for Acute care" in words and "floors." not in words and "max_change" not in words
    amounts = next(t for t in tables if "Keep v1 (Ana): amount" in t.columns)
    assert amounts["Keep v1 (Ana): amount"].max() < 1000  # millions, as the chart beside it
