"""The kinds of community data file the engine imports, in one registry read by the command line's choices and the Data page.

Adding a kind is one entry here and its import function; every kind is imported all or nothing with the caller's grant.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from portfolio_engine.community.chdb import import_chdb
from portfolio_engine.community.indicators import Summary, Upload, import_long
from portfolio_engine.community.survey import import_survey
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.security.access import Grant


@dataclass(frozen=True)
class ImportOptions:
    """What some kinds need beyond the file: a survey's period and place, a dashboard's metric map (None: the shipped one)."""

    period: str | None = None
    geo_id: str = "city"
    geo_name: str = "Whole city"
    metric_map: pd.DataFrame | None = None


Importer = Callable[[Catalog, Path | Upload, Grant, ImportOptions], Summary]


@dataclass(frozen=True)
class ImportKind:
    """One kind of file: its name on the command line, its words on the Data page, and how it is imported."""

    name: str
    words: str
    run: Importer


def _survey(catalog: Catalog, source: Path | Upload, grant: Grant, options: ImportOptions) -> Summary:
    return import_survey(catalog, source, options.period or str(date.today().year), options.geo_id, options.geo_name, grant=grant)


IMPORT_KINDS: dict[str, ImportKind] = {kind.name: kind for kind in (
    ImportKind("long", "Long-format indicator CSV", lambda catalog, source, grant, options: import_long(catalog, source, grant=grant)),
    ImportKind("chdb", "City Health Dashboard download",
               lambda catalog, source, grant, options: import_chdb(catalog, source, metric_map=options.metric_map, grant=grant)),
    ImportKind("survey", "Resident survey (Cantril ladder)", _survey),
)}
