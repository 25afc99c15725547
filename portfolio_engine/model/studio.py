"""What the allocation studio asks of the engine: a run against the status quo, and its headline numbers."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from portfolio_engine.model.dynamics import Model, Start, simulate


@dataclass(frozen=True)
class Comparison:
    """The chosen portfolio's run, the status quo's run, and their difference (chosen minus status quo).

    Held as numpy columns (`Projection.columns`): a move's headline, milestones and chart read some thirty columns, and
    each pandas column read costs tens of microseconds (more than the run's own steps). The tables are made on demand."""

    columns: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]  # the chosen run's, the status quo's

    @cached_property
    def chosen(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns[0])

    @cached_property
    def status_quo(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns[1])

    @property
    def difference(self) -> pd.DataFrame:
        diff = self.chosen - self.status_quo
        diff["year"] = self.chosen["year"]
        return diff

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


def compare_with_status_quo(model: Model, amounts: np.ndarray, years: int, start: Start | None = None) -> Comparison:
    """Run the chosen amounts and the status quo in one vectorized call, from the same start."""
    projection = simulate(model, np.vstack([amounts, model.status_quo]), years, start)
    return Comparison((projection.columns(0), projection.columns(1)))


def display_unit(budget: float) -> tuple[float, str]:
    """A unit that keeps slider numbers short: millions for large budgets, thousands below."""
    if budget >= 10_000_000:
        return 1_000_000.0, "million"
    if budget >= 10_000:
        return 1_000.0, "thousand"
    return 1.0, ""

