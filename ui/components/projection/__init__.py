"""Allocate's projection as one component the browser draws (issue 18): the headline, how sure it is, the three figures,
the chosen view's chart with its band, and the chart in words and as a table.

The browser runs the mix itself, with the board's copy of the kernel (allocation_board/frontend/model.js) on the model's
tables, as En-ROADS does: a slider's move costs the server no run and no drawing. The server sends what does not change on
a move as one string (the words, the view's chart with the status quo's lines, where the tables are), made once per model,
start, horizon, view and language for every session of the process, and the amounts it holds. The board tells the panel
where its sliders are while the server has not answered yet (frontend/projection.js). The horizon and the view are chosen
in the panel (its value), so a move does not redraw two controls either.
"""

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit.components.v1 as components

from portfolio_engine import settings
from portfolio_engine.model.dynamics import Model, Start, simulate
from portfolio_engine.model.portable import portable
from ui import charts, opening
from ui.components.light_chart import spec
from ui.i18n import _, language
from ui.model_words import headlines

KEY = "projection_panel"
HORIZONS = (10, 15, 20, 30)
VIEWS = ("People", "Difference", "Cost of harm", "Does the shift hold?")
DEFAULT = (20, "People")
FRONTEND = Path(__file__).parent / "frontend"
_panel = components.declare_component("projection", path=str(FRONTEND))
# The model's tables for the kernel's copy (allocation_board/frontend/model.js), one file per model and start, named by
# their content: Streamlit serves a component's folder, so the browser fetches them once, not with every move.
TABLES = settings.database_path().with_name("model-tables")
TABLES.mkdir(parents=True, exist_ok=True)
_tables = components.declare_component("model_tables", path=str(TABLES))
# 100 draws: against 2,000, the band's edges (10th and 90th percentiles) are off by 0.3 points at the median, 0.6 at the
# 90th percentile and 1.1 at worst (12 random mixes, every year; the band is about 6.5 points wide); 64 draws double those
# errors and 50 triple them (docs/serving.md, issue 18). In Chromium the band of 100 draws takes about 10 ms where a slider settles.
BAND_DRAWS = 100
KEEP_DAYS = 30  # tables no process has used for this long are dropped when others are written (a page open longer reloads)


def chosen(value: object) -> tuple[int, str]:
    """The horizon and view the panel sent (its value), checked: anything else is the default (the browser is not trusted)."""
    if not isinstance(value, dict):
        return DEFAULT
    years, view = value.get("years"), value.get("view")
    return (years if years in HORIZONS and not isinstance(years, bool) else DEFAULT[0], view if view in VIEWS else DEFAULT[1])


def texts() -> dict[str, str]:
    """The panel's words in the page's language; `{…}` are filled in by the panel with its live numbers."""
    return {
        "thriving_at": _("Thriving in year {year}"), "suffering_at": _("Suffering in year {year}"), "realized": _("Realized vital share"),
        "vs_status_quo": _(" vs status quo"), "chosen": _("chosen {share}"),
        "better": _("Better than the status quo for thriving in {share} of {draws} plausible sets of assumptions."),
        "only_better": _("Better than the status quo for thriving in only {share} of {draws} plausible sets of assumptions."),
        "band_note": _("The band on the Difference view shows the range."),
        "difference": _("Shaded: where 8 in 10 plausible sets of assumptions put the change (the line is the central assumptions)."),
        "cost": _("Urgent services people draw on, plus need left unmet (it costs more later). Total change over the run: "
                  "{change} {unit}; unmet need {unmet} person-years per 100 residents."),
        "shift": _("Without civic muscle, political pressure pulls the money that actually reaches vital conditions back toward the status quo."),
        "in_words": _("In year {year}: thriving {thriving} (status quo {thriving_sq}); suffering {suffering} (status quo {suffering_sq})."),
        "table": _("Show the chart as a table"), "year": _("year"), "thriving_mix": _("thriving, this mix"), "suffering_mix": _("suffering, this mix"),
        "thriving_sq": _("thriving, status quo"), "suffering_sq": _("suffering, status quo"), "cost_mix": _("cost of harm, this mix"),
        "horizon": _("Years to project"), "show": _("Show"),
        "views": {"People": _("People"), "Difference": _("Difference"), "Cost of harm": _("Cost of harm"), "Does the shift hold?": _("Does the shift hold?")},
        "summary": _("Year {year}: thriving {thriving} ({thriving_change}), suffering {suffering} ({suffering_change}) vs status quo"),
        "headlines": headlines(), "points": _("{change} pts"),
        "loading": _("Projecting this mix…"), "failed": _("The projection could not be drawn in this browser. Reload the page to try again."),
    }


def _named(model: Model, start: Start | None) -> tuple[str, str]:
    """The tables' file name (their content's hash) and text; the file, if there, is marked as used now (kept KEEP_DAYS more)."""
    text = json.dumps(portable(model, BAND_DRAWS, start=start))
    name = f"{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    with contextlib.suppress(FileNotFoundError):
        os.utime(TABLES / name)
    return name, text


def _write(name: str, text: str) -> None:
    """Write the file whole (another process may write the same one at the same moment: each writes, then renames), then drop
    the tables no process has used for KEEP_DAYS and the pieces a killed write left: each edit of the assumptions makes a file."""
    with tempfile.NamedTemporaryFile("w", dir=TABLES, suffix=".part", delete=False, encoding="utf-8") as part:
        part.write(text)
    os.replace(part.name, TABLES / name)
    unused = time.time() - KEEP_DAYS * 86_400
    for old in TABLES.iterdir():
        with contextlib.suppress(FileNotFoundError):  # another process dropped it first
            if old.name != name and old.suffix in (".json", ".part") and old.stat().st_mtime < unused:
                old.unlink()


def tables(model: Model, start: Start | None) -> str:
    """Where the model's tables are for this start, as the projection fetches them (relative to its own page): made once per
    process (ui/opening.py), and written whenever the file is missing (the first time, or after another process dropped it)."""
    name, text = opening.shared(model, ("tables", start), lambda: _named(model, start))
    if not (TABLES / name).exists():
        _write(name, text)
    return f"../{_tables.name}/{name}"


def _figure(model: Model, start: Start | None, years: int, view: str, scale: float, unit: str) -> dict:
    """The view's chart with the status quo's lines; the lines of this mix (and the band) are the browser's to fill
    (charts.live: each trace says how in its meta)."""
    base = opening.shared(model, ("status quo", years, start), lambda: simulate(model, model.status_quo, years, start).columns(0))
    if view == "Difference":
        zero = {name: np.zeros(years + 1) for name in base if name != "year"}
        edges = pd.DataFrame({"year": base["year"], **{f"{n}_change_p{q}": np.zeros(years + 1) for n in ("thriving", "suffering") for q in (10, 90)}})
        return charts.difference({"year": base["year"], **zero}, edges)
    if view == "Cost of harm":
        return charts.cost_of_harm(base, base, scale, unit)
    if view == "Does the shift hold?":
        return charts.realized(base, base)
    return charts.population(base, base)


def fixed(model: Model, tables_url: str, start: Start | None, years: int, view: str, scale: float, unit: str) -> str:
    """What the panel draws every move from, as one string (Streamlit checks each argument of a component for a data frame:
    a string costs nothing there); made once per process for each model, start, horizon, view, unit and language."""
    def make() -> str:
        figure = json.loads(spec(_figure(model, start, years, view, scale, unit)))
        return json.dumps({"tables": tables_url, "years": years, "view": view, "horizons": HORIZONS, "views": VIEWS, "scale": scale, "unit": unit,
                           "lang": language(), "texts": texts(), "figure": figure, "config": charts.CONFIG})
    return opening.shared(model, ("panel", tables_url, start, years, view, scale, unit, language()), make)


def draw(panel: str, amounts: list[float]) -> None:
    """The panel, for the amounts the server holds (currency units, catalog order; a string, which Streamlit need not check
    for a data frame as it checks a list)."""
    _panel(panel=panel, amounts=json.dumps(amounts), key=KEY, default=None)
