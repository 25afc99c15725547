"""The model's words in the page's language: the unit amounts are shown in, and the projection's headline (kept apart from
ui/i18n.py, which every page imports, so a page that shows neither does not import the model)."""

from portfolio_engine.model import studio
from portfolio_engine.model.milestones import HEADLINES, Milestones
from portfolio_engine.model.milestones import headline as headline_in
from ui.i18n import _, signed


def display_unit(budget: float) -> tuple[float, str]:
    """The unit amounts are shown in (studio.display_unit: millions for a large budget), its word in the page's language."""
    scale, word = studio.display_unit(budget)
    return scale, _(word) if word else word


def headlines() -> dict[str, str]:
    """The projection's headline sentences (milestones.HEADLINES) in the page's language, by case."""
    return {case: _(sentence) for case, sentence in HEADLINES.items()}


def headline(reached: Milestones) -> str:
    """The projection's headline in the page's language, its peak written with the language's decimal mark."""
    return headline_in(reached, headlines(), lambda peak: signed(peak, 2))
