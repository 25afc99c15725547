"""The load test end to end, small: participants and residents against one process and against a room."""

import argparse

import pytest

from loadtest.__main__ import arguments, main, measure, table
from tests import postgres


def small(**changes) -> argparse.Namespace:
    values = {"users": 3, "proposers": 2, "seconds": 3.0, "ramp": 1.0, "think": (0.3, 0.6), "residents": 4, "window": 2.0,
              "resident_think": (0.05, 0.1), "workers": 2, "together": False, "database_url": None}
    return argparse.Namespace(**{**values, **changes})


def assert_clean(result: dict, residents: int) -> None:
    room, vote = result["room"], result["vote"]
    assert room["moves"]["count"] >= room["users"]  # every participant moved at least once
    assert room["moves"]["errors"] == room["moves"]["crossed"] == room["page_loads"]["errors"] == 0
    assert room["server_cpu_cores"] > 0 and room["reruns_per_second"] > 0
    proposals = room["proposals"]
    assert proposals["confirmed"] == proposals["stored"] == 2 and proposals["stored_more_than_once"] == proposals["errors"] == 0
    assert vote["submissions"]["count"] == vote["stored"] == vote["receipts_counted"] == residents
    assert vote["stored_more_than_once"] == 0 and vote["submissions"]["errors"] == 0


def test_one_process_answers_every_move_and_stores_every_ballot_once(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "unused.db"))  # measure() points it at its own database
    result = measure("single", small())
    assert result["processes"] == 1
    assert_clean(result, 4)
    assert "| slider to result p95 |" in table([result], 1.0)


def test_a_room_behind_nginx_answers_every_move_and_stores_every_ballot_once(nginx, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "unused.db"))
    result = measure("room", small(users=4))
    assert result["processes"] == 2
    assert_clean(result, 4)


def test_residents_can_vote_while_the_room_moves_its_sliders(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "unused.db"))
    result = measure("single", small(together=True, window=1.0))
    assert_clean(result, 4)


def test_the_evening_scenarios_arrive_in_10_seconds_and_vote_during_the_room_phase():
    args, _ = arguments(["--scenario", "evening"])
    assert (args.users, args.ramp, args.residents, args.together) == (150, 10.0, 150, True)
    args, _ = arguments(["--scenario", "evening-300", "--seconds", "30"])
    assert (args.users, args.residents, args.seconds, args.together) == (300, 300, 30.0, True)
    args, _ = arguments(["--scenario", "evening", "--users", "20"])
    assert args.users == 20, "an option given on the command line wins over the scenario"
    args, _ = arguments([])
    assert (args.users, args.ramp, args.residents, args.window, args.together) == (150, 30.0, 300, 300.0, False)


def test_the_load_test_refuses_unbounded_runs(capsys):
    with pytest.raises(SystemExit):
        main(["--users", "100000"])
    assert "users must be between 0 and 1000" in capsys.readouterr().err


def test_two_app_hosts_sharing_postgresql_store_every_ballot_of_a_city_evening_once(nginx, postgres_cluster, monkeypatch, tmp_path):
    """The city evening's residents through the Vote page on two hosts (127.0.0.2 and .3) behind nginx, one PostgreSQL server."""
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "unused.db"))
    urls = postgres.schema_url(postgres_cluster)
    try:
        args, _ = arguments(["--scenario", "city-evening"])
        assert (args.users, args.residents, args.window) == (0, 300, 60.0)
        result = measure("hosts", small(users=0, residents=4, database_url=next(urls)))
    finally:
        next(urls, None)
    vote = result["vote"]
    assert result["processes"] == 2 and "room" not in result
    assert vote["submissions"]["count"] == vote["stored"] == vote["receipts_counted"] == 4 and vote["stored_more_than_once"] == 0
    assert vote["server_cpu_per_ballot"] > 0 and "| server CPU per ballot (page, code, ticks, submit) |" in table([result], 1.0)


def test_the_hosts_mode_needs_the_server_they_share(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "unused.db"))
    with pytest.raises(SystemExit, match="needs --database-url"):
        measure("hosts", small())
