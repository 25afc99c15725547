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
        """Numbers a room reads first: changes at the horizon and over the whole run."""
        last = self.chosen.iloc[-1]
        base = self.status_quo.iloc[-1]
        return {
            "years": int(last["year"]),
            "thriving": float(last["thriving"]),
            "thriving_change": float(last["thriving"] - base["thriving"]),
            "suffering": float(last["suffering"]),
            "suffering_change": float(last["suffering"] - base["suffering"]),
            "urgent_cost_change_total": float((self.chosen["urgent_cost"] - self.status_quo["urgent_cost"]).sum()),
            "cost_of_harm_change_total": float((self.chosen["cost_of_harm"] - self.status_quo["cost_of_harm"]).sum()),
            "unmet_need_total": float(self.chosen["unmet_need"].sum()),
            "realized_vital_share": float(last["realized_vital_share"]),
            "chosen_vital_share": float(self.chosen["realized_vital_share"].iloc[0]),
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

