import numpy as np
import pytest

from portfolio_engine.record.room import agreement, clusters, room_view


def tilted(catalog, status_quo, element, extra):
    """The status quo with `extra` moved into `element` from every other element proportionally (same total)."""
    amounts = dict(status_quo.allocations)
    others = sum(v for k, v in amounts.items() if k != element)
    return {k: (v + extra if k == element else v - extra * v / others) for k, v in amounts.items()}


def test_two_camps_make_two_groups_separated_by_what_they_fund(catalog, status_quo):
    housing = {f"h{n}": tilted(catalog, status_quo, "humane_housing", 15e6 + n * 1e5) for n in range(3)}
    acute = {f"a{n}": tilted(catalog, status_quo, "acute_care", 15e6 + n * 1e5) for n in range(2)}
    view = room_view(catalog, {**housing, **acute}, status_quo.allocations, status_quo.total)
    assert [(g["label"], g["size"], sorted(g["members"])) for g in view["groups"]] == [
        ("Group A", 3, ["h0", "h1", "h2"]), ("Group B", 2, ["a0", "a1"])]
    assert set(view["separating"][:2]) == {"humane_housing", "acute_care"}
    assert sum(view["groups"][0]["mean"].values()) == pytest.approx(status_quo.total)
    rows = {e["id"]: e for e in view["elements"]}
    assert rows["humane_housing"]["agreement"] == "splits"
    assert rows["humane_housing"]["quantiles"]["max"] > rows["humane_housing"]["status_quo"] > rows["humane_housing"]["quantiles"]["min"]


def test_a_room_that_agrees_is_one_group_with_nothing_separating(catalog, status_quo):
    alike = {f"p{n}": tilted(catalog, status_quo, "humane_housing", n * 1e5) for n in range(5)}
    view = room_view(catalog, alike, status_quo.allocations, status_quo.total, residents=status_quo.allocations)
    assert [g["size"] for g in view["groups"]] == [5] and view["separating"] == []
    assert {e["agreement"] for e in view["elements"]} == {"agrees"}
    assert all(e["residents"] == pytest.approx(e["status_quo"]) for e in view["elements"])


def test_an_empty_room_and_a_single_participant(catalog, status_quo):
    assert room_view(catalog, {}, status_quo.allocations, status_quo.total)["groups"] == []
    one = room_view(catalog, {"p": status_quo.allocations}, status_quo.allocations, status_quo.total)
    assert one["groups"][0]["size"] == 1 and one["elements"][0]["agreement"] == "one portfolio"


def test_many_camps_are_capped_at_four_groups_largest_first():
    rng = np.random.default_rng(1)
    centres = np.eye(6)[:, :6] * 0.5 + 0.5 / 6
    matrix = np.vstack([centres[n % 6] + rng.normal(0, 0.001, 6) for n in range(13)])
    labels = clusters(matrix)
    assert max(labels) == 3 and labels.count(0) >= labels.count(3)


@pytest.mark.parametrize(("spread", "status_quo_share", "expected"), [
    (0.002, 0.10, "agrees"), (0.05, 0.10, "some spread"), (0.08, 0.10, "splits"), (0.002, 0.0, "agrees"), (0.008, 0.0, "splits")])
def test_agreement_is_judged_against_the_elements_own_size(spread, status_quo_share, expected):
    assert agreement(spread, status_quo_share) == expected
