"""The starts Allocate derives from the city's imported data, derived once per process for each state of the data and then
shared (read-only): a room of 300 opening Allocate used to read and group every stored value 300 times, about half of
what opening the page cost."""

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from portfolio_engine import storage
from portfolio_engine.community.indicators import data_version, values
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.communities import SHARE_IDS, city_start, communities_from_values, start_from_dict
from portfolio_engine.model.dynamics import Start


def _shared(start: Start | None) -> Start | None:
    """Every array read-only: the same start serves every session, so a change in place would reach them all (it fails instead)."""
    if start is not None:
        for field in dataclasses.fields(start):
            value = getattr(start, field.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
    return start


@st.cache_resource(max_entries=16, show_spinner=False)
def _survey(location: str, version: tuple[int, str]) -> Start | None:
    """The city's latest survey as a start (keyed by where the database is and the state of its data)."""
    try:
        return _shared(city_start(pd.concat([values(share) for share in SHARE_IDS])))
    except PortfolioError:
        return None


@st.cache_resource(max_entries=16, show_spinner=False)
def _places(location: str, version: tuple[int, str], vital: frozenset[str]) -> Start | None:
    """The neighborhoods the data describe, each starting where its survey puts it."""
    try:
        return _shared(start_from_dict(communities_from_values(values(), set(vital))))
    except PortfolioError:
        return None


def survey_start() -> Start | None:
    """The start from the city's survey, None when the data hold none."""
    return _survey(str(storage.location()), data_version())


def places_start(vital: set[str]) -> Start | None:
    """The neighborhoods with data as a start, None when the data describe none."""
    return _places(str(storage.location()), data_version(), frozenset(vital))
