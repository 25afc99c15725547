"""Text alternatives for charts: a sentence saying what the chart shows, and the chart's numbers as a table behind a toggle.

A page calls `alternative(summary, table, key)` right under its chart; `ranking_summary` writes the sentence for a chart
of amounts per category (largest first). Screen readers read both; nobody needs to see the colours to read them.
"""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui.i18n import _


def alternative(summary: str, table: pd.DataFrame | Callable[[], pd.DataFrame], key: str) -> None:
    """The chart in words: its summary sentence, then its numbers as a plain table when the toggle is on (a callable table
    is built only then: a slider's move does not pay for a table nobody opened)."""
    st.markdown(summary)
    if st.toggle(_("Show the chart as a table"), key=f"chart_table:{key}"):
        st.table(table() if callable(table) else table, hide_index=True)


def ranking_summary(values: dict[str, float], shown: dict[str, str]) -> str:
    """'Most goes to A (12.5 million USD). Next comes B (...). Least goes to Z (...).' from values and how each one is written."""
    if not values:
        return _("The chart is empty.")
    order = sorted(values, key=values.__getitem__, reverse=True)
    sentence = _("Most goes to {name} ({amount}).").format(name=order[0], amount=shown[order[0]])
    if len(order) > 1:
        sentence += " " + _("Next comes {name} ({amount}).").format(name=order[1], amount=shown[order[1]])
    if len(order) > 2:
        sentence += " " + _("Least goes to {last} ({amount}).").format(last=order[-1], amount=shown[order[-1]])
    return sentence


def against_status_quo(at: str, shown: dict[str, tuple[str, str]]) -> str:
    """'In year 20: thriving 42% (status quo 38%); suffering 9% (status quo 11%).' for a projection against the status quo,
    from each series' name and its two values already written (numbers, shares or millions)."""
    parts = [_("{name} {value} (status quo {status_quo})").format(name=name, value=value, status_quo=status_quo)
             for name, (value, status_quo) in shown.items()]
    return _("{at}: {values}.").format(at=at, values="; ".join(parts))
