"""Words the engine writes that the workshop pages show (column names, kinds of file, stances, verdicts), declared for translation.

The engine keeps them in English (the command line and the exports use them); a page shows them through `_()`, for
example `table.rename(columns=_)`, or a menu's `format_func` from a dict translated once per run (a formatter that calls `_()` itself
runs again outside the page's run, in AppTest, where the page's language is not known); `make i18n` finds them here.
"""

from portfolio_engine.i18n import N_

WORDS = (
    # Kinds of file the Data page imports (portfolio_engine/community/importers.py)
    N_("Long-format indicator CSV"), N_("City Health Dashboard download"), N_("Resident survey (Cantril ladder)"),
    # The Data page's tables (portfolio_engine/community/views.py)
    N_("place"), N_("period"), N_("value"), N_("status"), N_("change since previous"), N_("compared with its own past"), N_("indicator"),
    N_("vital condition"), N_("latest"), N_("why"), N_("measure"), N_("latest values"), N_("low"), N_("high"),
    N_("not comparable"), N_("about the same"), N_("changed"), N_("better"), N_("worse"), N_("ok"), N_("not applicable"), N_("censored"), N_("unavailable"),
    # A workshop's states (portfolio_engine/record/workshops.py)
    N_("open"), N_("deciding"), N_("decided"), N_("archived"),
    # A vote's other states and the participants' roles
    N_("draft"), N_("closed"), N_("split"), N_("facilitator"), N_("stakeholder"), N_("observer"),
    # Shared ends and how a portfolio does on them (portfolio_engine/record/ends.py); values are matched by `message`
    N_("More people thriving"), N_("Less suffering"), N_("Lower cost of harm"), N_("Closing gaps between neighborhoods"),
    N_("Closeness to the residents' vote"), N_("about the same as the status quo"), N_("better than the status quo"), N_("worse than the status quo"),
    N_("{value} thriving"), N_("{value} population-years suffering"), N_("{value} million"),
    # The warning while deciding on a thin residents' vote (portfolio_engine/record/decisions.py: low_turnout)
    N_("Low turnout: the residents' vote counts {ballots} ballots ({share} of the {codes} voter codes). "
       "Weigh it as the view of those who voted, and say so in the rationale."),
    N_("Low turnout: the residents' vote counts {ballots} ballot ({share} of the {codes} voter codes). "
       "Weigh it as the view of those who voted, and say so in the rationale."),
    N_("Low turnout: the residents' vote counts {ballots} ballots. Weigh it as the view of those who voted, and say so in the rationale."),
    N_("Low turnout: the residents' vote counts {ballots} ballot. Weigh it as the view of those who voted, and say so in the rationale."),
    # Sign-in outcomes a facilitator sees (portfolio_engine/security/access.py)
    N_("failure"), N_("refused"), N_("locked"),
    # The optimizer's objectives (portfolio_engine/optimizer/constraints.py: OBJECTIVE_KINDS)
    N_("More people thriving at the horizon"), N_("Fewer people-years of suffering"), N_("Lower cost of harm (urgent services drawn plus unmet need)"),
    N_("Raise the lowest thriving share (your places, your data)"), N_("Stay close to the Allocate sliders"),
    # Each objective beside the status quo (portfolio_engine/optimizer/reading.py: term_sentence), matched by `message`
    N_("{objective} (year {year}): {value} (status quo {status_quo})"), N_("{objective} (over {years} years): {value} (status quo {status_quo})"),
    N_("{objective}: {value} (status quo {status_quo})"),
    # The projection's three groups, as the workshop pages' tables and sentences name them
    N_("thriving"), N_("struggling"), N_("suffering"),
    # The display unit below a million (model/studio.display_unit) and the word before an element's items: Allocate's board
    # writes both inside an f-string, where extraction cannot see them
    N_("thousand"), N_("Includes"),
    # Stances on a proposal (portfolio_engine/record/proposals.py)
    N_("Support"), N_("Can live with it"), N_("Concerns"), N_("Block"),
)
