"""What holds a proposal back, in the order a participant reads it: their own constraints first, then the others', then the
room's limit on change in one line (it binds for most elements at once, and twelve lines saying so hide the rest)."""

from collections.abc import Collection

from portfolio_engine.optimizer.optimize import Binding

LIMIT = "max_change."


def binding_lines(binding: tuple[Binding, ...], names: dict[str, str], total_weight: float = 1.0, own: Collection[str] = (),
                  max_change: float | None = None) -> list[str]:
    """One sentence per binding constraint, those owned by `own` (the reader's names) first, and the limit on change
    (`max_change`, a fraction) summarized once: how many elements sit at its edge, which, and where relaxing it does most."""
    limits = [b for b in binding if b.constraint.startswith(LIMIT)]
    others = sorted((b for b in binding if not b.constraint.startswith(LIMIT)), key=lambda b: b.owner not in own)
    lines = [b.sentence(names, total_weight) for b in others]
    if limits:
        best = max(limits, key=lambda b: abs(b.shadow_price))
        owner = limits[0].owner  # the document's "owners": {"max_change": ...} names one owner for every element
        share = f"{max_change:.0%} " if max_change is not None else ""
        held = ", ".join(names.get(b.constraint[len(LIMIT):], b.constraint[len(LIMIT):]) for b in limits)
        count = f"{len(limits)} element{'s' if len(limits) > 1 else ''}"
        verb = "raise" if best.shadow_price >= 0 else "lower"
        whose = f"the {owner}'s" if owner else "the"
        lines.append(f"Binding: {whose} {share}limit on change from the status quo holds {count} "
                     f"at its edge ({held}); relaxing it by 1 million would do most for "
                     f"{names.get(best.constraint[len(LIMIT):], best.constraint[len(LIMIT):])}: {verb} the objective by "
                     f"{abs(best.shadow_price) / total_weight * 100:.2f}%.")
    return lines
