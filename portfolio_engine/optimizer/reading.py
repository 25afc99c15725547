"""The optimizer's numbers as a person reads them: each objective in its own unit, and changes in the combined objective
as a percentage (each term is measured against its status-quo value, so the weighted score is an average relative change)."""

from portfolio_engine.optimizer.constraints import OBJECTIVE_KINDS


def value_words(kind: str, value: float, unit: tuple[float, str]) -> str:
    """One objective's raw value in its own unit: '56.3%', '7.21 person-years per 100 residents', '1,203.4 million'."""
    scale, word = unit
    if kind in ("thriving_at_year", "equity"):
        return f"{value:.1%}"
    if kind == "suffering_years":
        return f"{value * 100:,.2f} person-years per 100 residents"
    return f"{value / scale:,.1f} {word}".strip()  # cost of harm summed over the years, or money moved from the sliders


def term_sentence(label: str, value: float, status_quo: float, unit: tuple[float, str]) -> str:
    """'More people thriving at the horizon (year 20): 56.3% (status quo 52.6%)' from a term's label and raw values."""
    kind, _, rest = label.partition(" (")
    years = rest.rstrip(")").replace(" years", "")
    when = (f" (year {years})" if kind == "thriving_at_year" else f" (over {years} years)") if years else ""
    return f"{OBJECTIVE_KINDS[kind].words}{when}: {value_words(kind, value, unit)} (status quo {value_words(kind, status_quo, unit)})"


def relative(change: float, total_weight: float) -> str:
    """A change in the combined objective as a signed percentage ('+7.09%'): the weighted average change of its terms."""
    return f"{change / total_weight * 100:+.2f}%"
