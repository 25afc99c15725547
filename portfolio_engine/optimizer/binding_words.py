"""What holds a proposal back, in the order a participant reads it and in their language: their own constraints first, then
the others', then the room's limit on change in one line (it binds for most elements at once, and twelve lines saying so
hide the rest). Whole phrases are translated, not words, so each language keeps its own order."""

from collections.abc import Collection

from portfolio_engine.i18n import DEFAULT, N_, gettext, number, share
from portfolio_engine.optimizer.optimize import Binding

LIMIT = "max_change."
# Each kind of constraint as a noun phrase: (asked for by an owner, nobody named)
PHRASES = {
    "floors": (N_("the {owner}'s floor on {subjects}"), N_("the floor on {subjects}")),
    "ceilings": (N_("the {owner}'s ceiling on {subjects}"), N_("the ceiling on {subjects}")),
    "locks": (N_("the {owner}'s lock on {subjects}"), N_("the lock on {subjects}")),
    "max_change": (N_("the {owner}'s limit on change for {subjects}"), N_("the limit on change for {subjects}")),
    "family_floors": (N_("the {owner}'s floor on the family {subjects}"), N_("the floor on the family {subjects}")),
    "family_ceilings": (N_("the {owner}'s ceiling on the family {subjects}"), N_("the ceiling on the family {subjects}")),
    "mandates": (N_("the {owner}'s mandate, which keeps its money out of {subjects}"), N_("the mandate, which keeps its money out of {subjects}")),
    "mandate_groups": (N_("the {owner}'s mandate, which spends all its money on {subjects}"),
                       N_("the mandate, which spends all its money on {subjects}")),
}
PHRASES["funder_floors"] = PHRASES["floors"]
SENTENCE = {True: N_("Binding: {constraint} ({amount}); relaxing it by 1 million would raise the objective by {change}."),
            False: N_("Binding: {constraint} ({amount}); relaxing it by 1 million would lower the objective by {change}.")}
LIMIT_PHRASE = {(True, True): N_("the {owner}'s {share} limit on change from the status quo"),
                (True, False): N_("the {owner}'s limit on change from the status quo"), (False, True): N_("the {share} limit on change from the status quo"),
                (False, False): N_("the limit on change from the status quo")}
COUNT = {True: N_("{count} element"), False: N_("{count} elements")}
LIMIT_SENTENCE = {True: N_("Binding: {limit} holds {count} at its edge ({held}); relaxing it by 1 million would do most for {element}: "
                           "raise the objective by {change}."),
                  False: N_("Binding: {limit} holds {count} at its edge ({held}); relaxing it by 1 million would do most for {element}: "
                            "lower the objective by {change}.")}


def sentence(binding: Binding, names: dict[str, str], total_weight: float = 1.0, language: str = DEFAULT) -> str:
    """One binding constraint in plain words: "Binding: the County hospital's floor on Acute care (15.0 million); ... by 0.12%"
    (the combined objective's change, as a share of its status-quo value per unit of weight)."""
    kind, _, subject = binding.constraint.partition(".")
    subjects = ", ".join(names.get(s, s) for s in subject.split(","))
    owned, plain = PHRASES.get(kind, ("the {owner}'s " + kind + " {subjects}", "the " + kind + " {subjects}"))
    phrase = gettext(owned, language).format(owner=binding.owner, subjects=subjects) if binding.owner else gettext(plain, language).format(subjects=subjects)
    return gettext(SENTENCE[binding.shadow_price >= 0], language).format(constraint=phrase, amount=_millions(binding.amount, language),
                                                                         change=_percent(binding.shadow_price, total_weight, language))


def binding_lines(binding: tuple[Binding, ...], names: dict[str, str], total_weight: float = 1.0, own: Collection[str] = (),
                  max_change: float | None = None, language: str = DEFAULT) -> list[str]:
    """One sentence per binding constraint, those owned by `own` (the reader's names) first, and the limit on change
    (`max_change`, a fraction) summarized once: how many elements sit at its edge, which, and where relaxing it does most."""
    limits = [b for b in binding if b.constraint.startswith(LIMIT)]
    others = sorted((b for b in binding if not b.constraint.startswith(LIMIT)), key=lambda b: b.owner not in own)
    lines = [sentence(b, names, total_weight, language) for b in others]
    if limits:
        best = max(limits, key=lambda b: abs(b.shadow_price))
        owner = limits[0].owner  # the document's "owners": {"max_change": ...} names one owner for every element
        limit = gettext(LIMIT_PHRASE[bool(owner), max_change is not None], language).format(
            owner=owner, share=share(max_change, language) if max_change is not None else "")
        element = best.constraint[len(LIMIT):]
        lines.append(gettext(LIMIT_SENTENCE[best.shadow_price >= 0], language).format(
            limit=limit, count=gettext(COUNT[len(limits) == 1], language).format(count=len(limits)),
            held=", ".join(names.get(b.constraint[len(LIMIT):], b.constraint[len(LIMIT):]) for b in limits),
            element=names.get(element, element), change=_percent(best.shadow_price, total_weight, language)))
    return lines


def _millions(amount: float, language: str) -> str:
    return f"{number(amount / 1e6, language, 1)} {gettext('million', language)}"


def _percent(shadow_price: float, total_weight: float, language: str) -> str:
    return share(abs(shadow_price) / total_weight, language, 2)
