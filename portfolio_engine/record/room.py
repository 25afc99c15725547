"""Where the room is: every participant's current sliders per element, where the room agrees and splits, and its opinion groups.

Everything is in shares of each portfolio's own total (a participant who has not shared out the whole budget is
compared by emphasis, not by size). Opinion groups are participants whose shares are alike: average-linkage
clustering of the share vectors (scipy), cut where portfolios differ by more than SPLIT_POINTS percentage points,
at most MAX_GROUPS groups. The same function reads residents' split ballots (Results).
"""

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from portfolio_engine.model.catalog import Catalog

SPLIT_POINTS = 8.0  # euclidean distance, in percentage points of the shares, beyond which two portfolios are in different groups
MAX_GROUPS = 4
AGREES = 0.25  # the middle half of the room within a quarter of the element's status-quo share (at least 1 point): agreement
SPLITS = 0.75  # ... spread over three quarters of it or more: a split
SEPARATING = 3  # how many elements to name as separating the groups
QUANTILES = {"min": 0.0, "q25": 0.25, "median": 0.5, "q75": 0.75, "max": 1.0}


def shares(catalog: Catalog, amounts: Mapping[str, float]) -> np.ndarray:
    """A portfolio's shares of its own total, in catalog order (zeros for an empty one)."""
    row = np.array([float(amounts.get(i, 0.0)) for i in catalog.ids])
    total = row.sum()
    return row / total if total > 0 else row


def agreement(spread: float, status_quo_share: float) -> str:
    """'agrees', 'some spread' or 'splits': the middle half's spread against the element's status-quo share (shares, 0-1)."""
    scale = max(status_quo_share, 0.01)
    if spread <= AGREES * scale:
        return "agrees"
    return "splits" if spread >= SPLITS * scale else "some spread"


def element_rows(catalog: Catalog, matrix: np.ndarray, status_quo: np.ndarray, residents: np.ndarray | None) -> list[dict]:
    """Per element: each portfolio's share, the quantiles, the status quo's and residents' shares, the spread and the room's agreement."""
    found = []
    for n, element in enumerate(catalog.elements):
        column = matrix[:, n]
        quantiles = {name: float(np.quantile(column, q)) for name, q in QUANTILES.items()}
        spread = quantiles["q75"] - quantiles["q25"]
        found.append({"id": element.id, "name": element.name, "family": element.family, "shares": [float(v) for v in column],
                      "quantiles": quantiles, "spread": spread, "status_quo": float(status_quo[n]),
                      "residents": None if residents is None else float(residents[n]),
                      "agreement": agreement(spread, float(status_quo[n])) if len(column) > 1 else "one portfolio"})
    return found


def clusters(matrix: np.ndarray) -> list[int]:
    """A group number (0 = the largest group) for each row: rows whose shares differ by less than SPLIT_POINTS points belong together."""
    if len(matrix) < 3:
        return [0] * len(matrix)
    tree = linkage(matrix * 100, method="average", metric="euclidean")
    labels = fcluster(tree, t=SPLIT_POINTS, criterion="distance")
    if labels.max() > MAX_GROUPS:
        labels = fcluster(tree, t=MAX_GROUPS, criterion="maxclust")
    order = sorted(set(labels), key=lambda label: (-int(np.sum(labels == label)), int(np.argmax(labels == label))))
    rank = {label: n for n, label in enumerate(order)}
    return [rank[label] for label in labels]


def groups(catalog: Catalog, matrix: np.ndarray, keys: Sequence[str], budget: float) -> tuple[list[dict], list[str]]:
    """The opinion groups (size, members, mean shares and the mean portfolio scaled to the budget) and the elements that separate them most."""
    labels = clusters(matrix)
    found = []
    for number in sorted(set(labels)):
        rows = [n for n, label in enumerate(labels) if label == number]
        mean = matrix[rows].mean(axis=0)
        found.append({"label": f"Group {chr(ord('A') + number)}", "size": len(rows), "members": [keys[n] for n in rows],
                      "mean_shares": dict(zip(catalog.ids, (float(v) for v in mean), strict=True)),
                      "mean": dict(zip(catalog.ids, (float(v * budget) for v in mean), strict=True))})
    return found, separating(catalog, found)


def separating(catalog: Catalog, found: list[dict]) -> list[str]:
    """The elements whose group means lie furthest apart (at least one point), widest first; none for a single group."""
    if len(found) < 2:
        return []
    ranges = {i: max(g["mean_shares"][i] for g in found) - min(g["mean_shares"][i] for g in found) for i in catalog.ids}
    return [i for i in sorted(ranges, key=lambda i: -ranges[i]) if ranges[i] >= 0.01][:SEPARATING]


def room_view(catalog: Catalog, portfolios: Mapping[str, Mapping[str, float]], status_quo: Mapping[str, float], budget: float,
              residents: Mapping[str, float] | None = None) -> dict:
    """Where the room is, from each participant's (or ballot's) amounts keyed by participant (or ballot) id."""
    keys = list(portfolios)
    sq = shares(catalog, status_quo)
    resident_shares = shares(catalog, residents) if residents else None
    if not keys:
        return {"participants": 0, "elements": [], "groups": [], "separating": []}
    matrix = np.vstack([shares(catalog, portfolios[k]) for k in keys])
    found, apart = groups(catalog, matrix, keys, budget)
    return {"participants": len(keys), "keys": keys, "elements": element_rows(catalog, matrix, sq, resident_shares),
            "groups": found, "separating": apart}


def opinion_groups(categories: Sequence[str], matrix: np.ndarray, budget: float) -> dict:
    """Anonymous opinion groups among rows of amounts over `categories` (residents' split ballots): each group's size, mean shares
    and mean amounts at `budget`, and the categories that separate the groups most. No row is named: only sizes and means."""
    if len(matrix) == 0:
        return {"ballots": 0, "groups": [], "separating": []}
    totals = matrix.sum(axis=1, keepdims=True)
    matrix = np.divide(matrix, totals, out=np.zeros_like(matrix, dtype=float), where=totals > 0)
    labels = clusters(matrix)
    found: list[dict] = []
    for number in sorted(set(labels)):
        mean = matrix[[n for n, label in enumerate(labels) if label == number]].mean(axis=0)
        found.append({"label": f"Group {chr(ord('A') + number)}", "size": labels.count(number),
                      "mean_shares": dict(zip(categories, (float(v) for v in mean), strict=True)),
                      "mean": dict(zip(categories, (float(v * budget) for v in mean), strict=True))})
    ranges = {c: max(g["mean_shares"][c] for g in found) - min(g["mean_shares"][c] for g in found) for c in categories}
    apart = [c for c in sorted(ranges, key=lambda c: -ranges[c]) if ranges[c] >= 0.01][:SEPARATING] if len(found) > 1 else []
    return {"ballots": len(matrix), "groups": found, "separating": apart}
