"""The demo workshop `make run` seeds on first start, so a newcomer sees the product working.

Everything in it is invented: people, organizations and numbers.
"""

from pathlib import Path

from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio, shift_between_families
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import optimize
from portfolio_engine.record.proposals import add_stance, save_proposal
from portfolio_engine.record.workshops import create_workshop, join, list_workshops
from portfolio_engine.security.access import OPERATOR, set_steward, steward_configured

DEMO_PASSCODE = "demo-facilitator"
DEMO_STEWARD = "demo-steward"
DEMO_NAME = "Riverside well-being budget (demo)"
PEOPLE = [
    ("Maria Lopez", "County hospital", "health"),
    ("James Okafor", "Housing authority", "housing"),
    ("Priya Shah", "Chamber of commerce", "business"),
    ("Dana Whitfield", "Eastside neighborhood association", "residents"),
]


def _moved(portfolio: Portfolio, changes: dict[str, float]) -> dict[str, float]:
    """Add or remove amounts, taking the balance from (or giving it to) every other element proportionally."""
    amounts = dict(portfolio.allocations)
    for element, change in changes.items():
        amounts[element] += change
    others = [k for k in amounts if k not in changes]
    balance = sum(changes.values())
    total = sum(amounts[k] for k in others)
    for k in others:
        amounts[k] -= balance * amounts[k] / total
    return amounts


def seed_demo_city(catalog: Catalog, path: Path | None = None) -> bool:
    """Import the synthetic demo city (data/demo_city) unless indicators were imported before."""
    from portfolio_engine import storage
    from portfolio_engine.community.indicators import import_long
    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.settings import DATA_DIR

    with storage.reading(path) as db:
        if storage.select(db, "provenance", order="imported_at"):
            return False
    import_long(catalog, DATA_DIR / "demo_city" / "indicators.csv", path, grant=OPERATOR)
    import_survey(catalog, DATA_DIR / "demo_city" / "survey.csv", "2024", "riverside", "Riverside", path, grant=OPERATOR)
    return True


def seed_demo(catalog: Catalog, status_quo: Portfolio, path: Path | None = None) -> str | None:
    """Create the demo workshop unless any workshop exists; returns its id (None when nothing was done)."""
    if list_workshops(path):
        return None
    workshop, _ = create_workshop(catalog, DEMO_NAME, status_quo.budget, DEMO_PASSCODE, status_quo, status_quo.currency,
                                  constraints={"budget": status_quo.budget, "floors": {"acute_care": 15e6}, "max_change": 0.25,
                                               "owners": {"floors.acute_care": "County hospital"}}, path=path, grant=OPERATOR)
    people = {name: join(workshop.id, name, org, sector, path=path)[0] for name, org, sector in PEOPLE}
    m = 1e6
    proposals = {
        "Maria Lopez": ("Protect acute care, add prevention",
                        "Emergency departments are already at capacity. Keep acute care whole and add basic-needs prevention so fewer "
                        "people reach the ER in crisis.", _moved(status_quo, {"acute_care": 1 * m, "basic_needs": 2 * m})),
        "James Okafor": ("Housing first",
                         "Stable homes prevent the slide into suffering that drives homeless services and emergency costs. Move money "
                         "from crisis response to humane housing over two budget cycles.",
                         _moved(status_quo, {"humane_housing": 5 * m, "homeless_services": 1 * m, "public_safety": -4 * m})),
        "Priya Shah": ("Jobs and skills",
                       "Meaningful work and lifelong learning lift people to thriving and pay back in tax base. Fund both from "
                       "urgent services, proportionally.",
                       shift_between_families(status_quo, catalog, 8 * m, "urgent_services", "vital_conditions").allocations),
        "Dana Whitfield": ("Build civic muscle so the shift holds",
                           "Every reform we won was rolled back within two budgets. Doubling civic muscle keeps a shift to vital "
                           "conditions in place when pressure comes.",
                           _moved(status_quo, {"belonging_civic_muscle": 5 * m, "lifelong_learning": 2 * m, "public_safety": -3 * m})),
    }
    saved = {}
    for name, (title, rationale, allocations) in proposals.items():
        saved[name] = save_proposal(catalog, workshop.id, people[name]["id"], title, rationale, allocations, path=path)
    document = {"budget": status_quo.budget, "objective": {"thriving_at_year": 20}, "floors": {"acute_care": 15e6}, "max_change": 0.25,
                "owners": {"floors.acute_care": "County hospital"}}
    proposal = optimize(problem_from_dict(document, catalog=catalog))
    save_proposal(catalog, workshop.id, people["Priya Shah"]["id"], "Optimizer: most thriving in 20 years",
                  "The optimizer's best mix with the hospital's floor on acute care and at most 25% change per element.",
                  proposal.allocations, origin="optimizer", origin_details={"constraints": document}, path=path)
    stances = [
        ("James Okafor", "Maria Lopez", "live_with", "Prevention helps, but it leaves housing where it is."),
        ("Priya Shah", "Maria Lopez", "concerns", "It grows urgent services again; the long-run gain is small."),
        ("Maria Lopez", "James Okafor", "concerns", "Cutting public safety this fast worries our emergency physicians."),
        ("Dana Whitfield", "James Okafor", "support", "Eastside families need homes first."),
        ("Maria Lopez", "Priya Shah", "block", "A 13% cut to acute care would close beds this winter."),
        ("Dana Whitfield", "Priya Shah", "live_with", "Good for jobs, but who keeps it from being rolled back?"),
        ("James Okafor", "Dana Whitfield", "support", "Without civic muscle none of our plans last."),
        ("Priya Shah", "Dana Whitfield", "live_with", "Fine if the civic money is tied to outcomes."),
    ]
    for who, author, stance, reason in stances:
        add_stance(workshop.id, saved[author]["id"], people[who]["id"], stance, reason, path=path)
    return workshop.id


def seed_demo_steward() -> bool:
    """Give a new installation the demo data steward passcode, unless one is set (docs/deploy.md says to replace it)."""
    if steward_configured():
        return False
    set_steward(DEMO_STEWARD)
    return True
