"""`simulate`'s options beyond one central run: a harm shock, targeting to places, and assumption draws."""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from portfolio_engine.errors import PortfolioError, UsageError
from portfolio_engine.model.dynamics import Model, Shock, Start
from portfolio_engine.model.targeting import default_targeting, read_targeting
from portfolio_engine.model.uncertainty import MAX_DRAWS, SEED, bands, check_draws


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options `simulate` gains for places, shocks and uncertainty."""
    p.add_argument("--targeting", type=Path, help="JSON: the share of each element's money per community (needs --start; docs/model.md)")
    p.add_argument("--shock", type=parse_shock, help="harm shock FACTOR:FROM:TO, e.g. 2:1:3 doubles the fall rate from year 1 to 3")
    p.add_argument("--draws", type=draw_count, help=f"assumption draws (1 to {MAX_DRAWS:,}): per-year p10/p50/p90 and the share better")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the draws (default: a fixed seed, so runs repeat)")


def draw_count(value: str) -> int:
    try:
        return check_draws(int(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--draws '{value}' is not a whole number") from None
    except PortfolioError as err:  # the engine's message names the field and its bounds
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_shock(value: str) -> Shock:
    """FACTOR:FROM:TO, with FACTOR above 0 and FROM before TO."""
    try:
        factor, start, end = (float(part) for part in value.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shock '{value}' must be FACTOR:FROM:TO, e.g. 2:1:3") from None
    if not (np.isfinite([factor, start, end]).all() and factor > 0 and 0 <= start < end):
        raise argparse.ArgumentTypeError(f"--shock '{value}': the factor must be above 0 and 0 <= FROM < TO")
    return Shock(factor, start, end)


def targeting_for(args: argparse.Namespace, model: Model, start: Start | None) -> np.ndarray | None:
    """The chosen portfolio's targeting and the status quo's default, stacked (or None without --targeting)."""
    if args.targeting is None:
        return None
    if start is None:
        raise UsageError("--targeting needs --start COMMUNITIES: money goes to the communities that file names")
    chosen = read_targeting(args.targeting, model.catalog, start)
    return np.stack([chosen, default_targeting(model.catalog, start)])


def with_draws(args: argparse.Namespace, model: Model, amounts: np.ndarray, start: Start | None, targeting: np.ndarray | None) -> str:
    """Per-year percentiles across draws, per community, as CSV or JSON (with the share of draws better)."""
    if args.shock is not None:
        raise UsageError("--draws and --shock cannot be combined yet: run the shock with the central assumptions")
    names = start.names if start is not None else ("community",)
    found = bands(model, amounts, args.years, args.draws, args.seed, start, None if targeting is None else targeting[0])
    results = dict(zip(names, found, strict=True))
    if args.format == "csv":
        frames = [r.table.assign(community=name) for name, r in results.items()]
        frame = pd.concat(frames).drop(columns=[] if start is not None else ["community"])
        return frame.to_csv(index=False, float_format="%.10g").rstrip("\n")
    summary = {name: {"share_better": r.share_better, "rows": r.table.to_dict("records")} for name, r in results.items()}
    place = {"communities": summary} if start is not None else summary["community"]
    return json.dumps({"draws": args.draws, "seed": args.seed, **place}, indent=2)
