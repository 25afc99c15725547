"""Allocate's neighborhoods: where each element's money goes, and what the mix does in each place that has data."""

import numpy as np
import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.dynamics import Model, Start, simulate
from portfolio_engine.model.targeting import default_targeting, targeting_from_dict
from ui import city_data
from ui.i18n import _, message, number, share, signed
from ui.text import plain

LOADED = "allocate:places"


def _start(catalog: Catalog) -> Start | None:
    """The neighborhoods your data describe (read once per session, never on a slider's move)."""
    state = st.session_state
    if LOADED not in state:
        state[LOADED] = city_data.places_start(set(catalog.in_family("vital_conditions")))
    return state[LOADED]


def _targeting(catalog: Catalog, start: Start, names: dict[str, str]) -> np.ndarray | None:
    """The share of each element's money per neighborhood, in percent, edited in a table (default: by population)."""
    default = pd.DataFrame(default_targeting(catalog, start).T * 100, columns=list(start.names))
    default.insert(0, "element", [names[i] for i in catalog.ids])
    config = {"element": st.column_config.TextColumn(_("Element"), disabled=True)}
    config |= {n: st.column_config.NumberColumn(f"{n} (%)", min_value=0.0, max_value=100.0, format="%.1f") for n in start.names}
    table = st.data_editor(default, column_config=config, hide_index=True, key="places_editor", width="stretch")
    shares = {element: {n: float(row[n]) / 100 for n in start.names} for element, (_, row) in zip(catalog.ids, table.iterrows(), strict=True)}
    try:
        return targeting_from_dict({"targeting": shares}, catalog, start, "Where the money goes")
    except PortfolioError as err:
        st.error(plain(_("{problem} Each element's row must add up to 100%.").format(problem=message(str(err)))))
        return None


def neighborhoods(catalog: Catalog, model: Model, amounts: list[float], horizon: int, names: dict[str, str]) -> None:
    """Behind a toggle: direct money to places and read, place by place, this mix against the status quo."""
    start = _start(catalog)
    if start is None or not st.toggle(_("Neighborhoods: where the money goes"), key="show_places",
                                      help=_("Uses the neighborhoods in your imported data. Each place starts where its survey puts it "
                                             "and stays there under the status quo: gaps do not close by themselves.")):
        return
    st.caption(_("Share of each element's money that reaches each neighborhood. Even shares spend the same per person everywhere."))
    targeting = _targeting(catalog, start, names)
    if targeting is None:
        return
    runs = simulate(model, np.vstack([amounts, model.status_quo]), horizon, start,
                    targeting=np.stack([targeting, default_targeting(catalog, start)])).outputs["thriving"]
    today, chosen, base = runs[1, :, 0], runs[0, :, horizon], runs[1, :, horizon]
    st.dataframe(pd.DataFrame({
        _("Neighborhood"): start.names,
        _("Thriving today"): [share(v, 1) for v in today],
        _("Year {year}, this mix").format(year=horizon): [share(v, 1) for v in chosen],
        _("Year {year}, status quo").format(year=horizon): [share(v, 1) for v in base],
        _("Change"): [_("{change} pts").format(change=signed((a - b) * 100, 1)) for a, b in zip(chosen, base, strict=True)],
    }), hide_index=True, width="stretch")
    st.caption(_("Gap in thriving between neighborhoods: {today} points today; in year {year}, {chosen} with this mix and {base} with the "
                 "status quo. City average (each neighborhood counted by its people): {average} with this mix, {average_base} with the status "
                 "quo.").format(today=number(np.ptp(today) * 100, 1), year=horizon, chosen=number(np.ptp(chosen) * 100, 1),
                                base=number(np.ptp(base) * 100, 1), average=share(float(chosen @ start.population_shares), 1),
                                average_base=share(float(base @ start.population_shares), 1)))
