"""What the allocation studio asks of the engine: a run against the status quo, and its headline numbers."""

from dataclasses import dataclass

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

    def headline(self) -> dict[str, float]:
        """Numbers a room reads first: changes at the horizon and over the whole run (on the columns' numpy arrays: pandas'
        row and Series arithmetic cost more than the run itself on every slider move)."""
        chosen = {name: self.chosen[name].to_numpy() for name in ("year", "thriving", "suffering", "urgent_cost", "cost_of_harm",
                                                                  "unmet_need", "realized_vital_share")}
        base = {name: self.status_quo[name].to_numpy() for name in ("thriving", "suffering", "urgent_cost", "cost_of_harm")}
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
    return Comparison(projection.frame(0), projection.frame(1))


def display_unit(budget: float) -> tuple[float, str]:
    """A unit that keeps slider numbers short: millions for large budgets, thousands below."""
    if budget >= 10_000_000:
        return 1_000_000.0, "million"
    if budget >= 10_000:
        return 1_000.0, "thousand"
    return 1.0, ""

