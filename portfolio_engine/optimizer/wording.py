"""Constraints in the words a person reads ('At least 12.00 million for Acute care'): names, not ids; amounts in the display unit.

Used by Compare, the record and the optimizer's own messages."""

from portfolio_engine.model.catalog import Catalog

CONSTRAINT_WORDS = {"floors": "at least {limit} for {name}", "ceilings": "at most {limit} for {name}", "locks": "{name} kept at {limit}",
                    "max_change": "{name} within the limit on change from the status quo ({limit} at the edge)",
                    "family_floors": "at least {limit} for {name} together", "family_ceilings": "at most {limit} for {name} together",
                    "funder_floors": "at least {limit} for {name} (its funders' floors)",
                    "mandates": "at most {limit} for {name} (what the funders allowed to spend there bring)"}


def constraint_words(catalog: Catalog, constraint: str, limit: float, unit: tuple[float, str]) -> str:
    """A constraint as a person reads it ('At least 12.00 million for Acute care'): names, not ids; the limit in the display unit
    (for a limit on change, the edge being checked). A kind this does not know stays as it is."""
    kind, _, subject = constraint.partition(".")
    names = {e.id: e.name for e in catalog.elements} | {f: name.lower() if kind.startswith("family") else name for f, name in catalog.family_names.items()}
    scale, word = unit
    template = CONSTRAINT_WORDS.get(kind)
    if template is None:
        return constraint
    amount = f"{limit / scale:,.2f} {word}".strip()
    words = template.format(limit=amount, name=names.get(subject, subject))
    return words[0].upper() + words[1:]
