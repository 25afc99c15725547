"""What the allocation studio asks of the engine: a run against the status quo, and its headline numbers."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from portfolio_engine.model.dynamics import Model, Start, simulate


@dataclass(frozen=True)
class Comparison:
    """The chosen portfolio's run, the status quo's run, and their difference (chosen minus status quo)."""

    chosen: pd.DataFrame
    status_quo: pd.DataFrame

    @property
    def difference(self) -> pd.DataFrame:
        diff = self.chosen - self.status_quo
        diff["year"] = self.chosen["year"]
        return diff

    @cached_property
    def columns(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Each run's columns as numpy arrays, read once: a move's headline, milestones and chart read some thirty columns,
        and each pandas column read costs tens of microseconds (more than the run's own steps)."""
        return _columns(self.chosen), _columns(self.status_quo)

    @property
    def difference_columns(self) -> dict[str, np.ndarray]:
        """`difference` as numpy columns (chosen minus status quo; the years as they are), without pandas arithmetic."""
        chosen, base = self.columns
        return {name: values if name == "year" else values - base[name] for name, values in chosen.items()}

    def headline(self) -> dict[str, float]:
        """Numbers a room reads first: changes at the horizon and over the whole run."""
        chosen, base = self.columns
        return {
            "years": int(chosen["year"][-1]),
            "thriving": float(chosen["thriving"][-1]),
            "thriving_change": float(chosen["thriving"][-1] - base["thriving"][-1]),
            "suffering": float(chosen["suffering"][-1]),
            "suffering_change": float(chosen["suffering"][-1] - base["suffering"][-1]),
            "urgent_cost_change_total": float((chosen["urgent_cost"] - base["urgent_cost"]).sum()),
            "cost_of_harm_change_total": float((chosen["cost_of_harm"] - base["cost_of_harm"]).sum()),
            "unmet_need_total": float(chosen["unmet_need"].sum()),
            "realized_vital_share": float(chosen["realized_vital_share"][-1]),
            "chosen_vital_share": float(chosen["realized_vital_share"][0]),
        }


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """A run's columns as numpy arrays from one conversion of the frame (the years keep their integers)."""
    block = np.ascontiguousarray(frame.to_numpy(dtype=float).T)  # one row per column, each contiguous as pandas holds it
    columns = {str(name): block[n] for n, name in enumerate(frame.columns)}
    if "year" in columns:
        columns["year"] = frame["year"].to_numpy()
    return columns


def compare_with_status_quo(model: Model, amounts: np.ndarray, years: int, start: Start | None = None) -> Comparison:
    """Run the chosen amounts and the status quo in one vectorized call, from the same start."""
    projection = simulate(model, np.vstack([amounts, model.status_quo]), years, start)
    return Comparison(projection.frame(0), projection.frame(1))


def display_unit(budget: float) -> tuple[float, str]:
    """A unit that keeps slider numbers short: millions for large budgets, thousands below."""
    if budget >= 10_000_000:
        return 1_000_000.0, "million"
    if budget >= 10_000:
        return 1_000.0, "thousand"
    return 1.0, ""

