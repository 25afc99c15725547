"""The engine's messages a resident can meet (Vote and Results), declared for translation.

The engine writes them in English; `ui.i18n.message` finds the entry here whose {placeholders} match and shows
its translation with the same values. tests/pages/test_languages.py makes the engine produce each one and checks
that it is translated, so a change of wording in the engine fails there instead of showing English.
"""

from portfolio_engine.i18n import N_

MESSAGES = (
    N_("million"),  # amounts in millions: portfolio_engine.i18n.millions
    N_("Give exactly {points} points (now {given})."),
    N_("Give exactly {points} points in all (this ballot gives {given})."),
    N_("Give something to at least one category."),
    N_("Spread your points over at least {count} projects."),
    N_("Choose at least {count} projects."),
    N_("Choose at most {count} projects."),
    N_("These projects cost {cost}, more than the budget of {budget}."),
    N_("Spend at least {share} of the budget ({amount})."),
    N_("This vote is closed: it accepts no more ballots."),
    N_("This vote has not opened yet."),
    N_("That voter code is not valid for this vote. Check it and try again."),
    N_("This voter code was used on a paper ballot: it cannot vote online as well."),
    N_("This code has already voted, and this vote does not allow changing a ballot."),
    N_("This voter code has already voted (on {when} UTC). If that was you, you may replace that ballot with this one until the vote closes; "
       "if it was not you, do not replace it: ask the organizers for a new code."),
    N_("No ballot with this receipt in this vote. Check the code."),
    N_("This ballot is counted (recorded {when} UTC)."),
    N_("This ballot was replaced by a later ballot from the same voter code; the later one counts."),
    N_("fewer than {count} voters"),
    # joining a workshop (ui/identity.py): roles, and what the engine says about a join
    N_("stakeholder"),
    N_("observer"),
    N_("facilitator"),
    N_("No workshop has that join code. Check the code on the screen and try again."),
    N_("Facilitators are set up with the workshop's passcode, not by joining."),
    N_("Someone named '{name}' already joined this workshop. If that is you, choose 'I joined before' and "
       "type your personal rejoin code; otherwise add a surname or an initial."),
    N_("That name and rejoin code do not match. Check the code you were given when you joined."),
    N_("no organization"),
    N_("name"),
    N_("organization"),
    N_("sector"),
    N_("The {field} is required."),
    N_("The {field} is too long: {length} characters, at most {limit}."),
    N_("Too many wrong attempts from this device: sign-in is locked. Ask the facilitator (or the administrator) to lift the lock."),
    N_("Too many wrong attempts: please wait {seconds} second and try again."),
    N_("Too many wrong attempts: please wait {seconds} seconds and try again."),
    N_("Every category's median is zero: the median rule gives no allocation for these ballots."),
    N_("Not counted: the vote's record does not verify ({problem}) Results are withheld until the administrator restores "
       "the database from a backup; run 'python -m portfolio_engine vote audit --vote ID' for details."),
)
