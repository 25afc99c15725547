"""Shared ends: parsed with clear refusals, recorded and revised with a reason, and turned into the optimizer's objective."""

import json

import pytest

from portfolio_engine import storage
from portfolio_engine.cli.main import main
from portfolio_engine.errors import InputFormatError, NotAuthorized
from portfolio_engine.optimizer.constraints import OBJECTIVE_KINDS, problem_from_dict
from portfolio_engine.record import audit
from portfolio_engine.record.ends import ENDS, Ends, current_ends, ends_history, lens, objective, parse_ends, set_ends


def test_every_end_is_an_objective_the_optimizer_knows():
    assert set(ENDS) == set(OBJECTIVE_KINDS)


def test_ends_parse_drop_zero_weights_and_read_in_plain_words():
    ends = parse_ends({"years": 15, "weights": {"suffering_years": 2, "thriving_at_year": 1, "urgent_cost": 0}})
    assert ends == Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 15)
    assert ends.sentence() == "Less suffering (weight 2), more people thriving (weight 1), over 15 years"


@pytest.mark.parametrize("raw, message", [
    ({"weights": {"happiness": 1}}, "Unknown end 'happiness'. Ends: thriving_at_year"),
    ({"weights": {"suffering_years": -1}}, "Less suffering: the weight must be 0 or a number"),
    ({"weights": {"suffering_years": 0}}, "At least one end needs a weight above 0"),
    ({"years": 0, "weights": {"suffering_years": 1}}, "The horizon must be a whole number of years from 1 to 200"),
    ({"suffering_years": 1}, "Ends are written"),
])
def test_bad_ends_are_refused_in_plain_words(raw, message):
    with pytest.raises(InputFormatError, match=message):
        parse_ends(raw)


def test_the_first_ends_need_no_reason_a_change_is_a_revision_with_one(workshop):
    workshop_id = workshop["workshop"].id
    assert current_ends(workshop_id) is None
    set_ends(workshop_id, Ends({"thriving_at_year": 1.0}), None, workshop["passcode"])
    with pytest.raises(InputFormatError, match="changing them is a revision and needs a reason"):
        set_ends(workshop_id, Ends({"suffering_years": 1.0}), None, workshop["passcode"])
    set_ends(workshop_id, Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 10), "The council asked for less suffering first",
             workshop["passcode"])
    assert current_ends(workshop_id) == Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 10)
    assert [h["reason"] for h in ends_history(workshop_id)] == [None, "The council asked for less suffering first"]
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok
        assert [e["action"] for e in storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)][-2:] == ["ends.set", "ends.revise"]


def test_only_the_facilitator_records_ends(workshop):
    with pytest.raises(NotAuthorized):
        set_ends(workshop["workshop"].id, Ends({"thriving_at_year": 1.0}), None, "not-the-passcode")


def test_the_ends_become_an_objective_the_optimizer_accepts(status_quo):
    ends = Ends({"suffering_years": 2.0, "closeness_to_vote": 1.0, "equity": 1.0}, 12)
    goal, left_out = objective(ends)
    assert goal == {"terms": [{"kind": "suffering_years", "years": 12, "weight": 2.0}]}
    assert left_out == ["Closeness to the residents' vote", "Closing gaps between neighborhoods"]
    goal, left_out = objective(ends, vote=status_quo.allocations)
    problem = problem_from_dict({"budget": 100e6, "objective": goal})
    assert [(t.kind, t.years, t.weight) for t in problem.terms] == [("suffering_years", 12, 2.0), ("closeness_to_vote", 12, 1.0)]


def test_the_lens_reads_each_portfolio_against_the_status_quo_on_each_end(catalog, status_quo):
    ends = Ends({"suffering_years": 2.0, "urgent_cost": 1.0}, 10)
    rows = lens(catalog, ends, status_quo, {"Same": status_quo.allocations, "Housing first": dict(status_quo.allocations, acute_care=12e6,
                                                                                                 humane_housing=14e6)})
    assert [(r["end"], r["portfolio"]) for r in rows] == [("Less suffering", "Same"), ("Less suffering", "Housing first"),
                                                         ("Lower cost of harm", "Same"), ("Lower cost of harm", "Housing first")]
    assert rows[0]["verdict"] == "about the same as the status quo" and rows[0]["value"].endswith("population-years suffering")
    assert rows[1]["verdict"] in ("better than the status quo", "worse than the status quo") and rows[3]["value"].endswith("million")


def _closed_vote(catalog, workshop, ballots, close=True):
    """A split vote of the workshop over elements with the given ballots, closed."""
    from portfolio_engine.voting import votes

    vote = votes.create_vote(catalog, "Our priorities", "split", "mean", 1_000_000, workshop["workshop"].id, workshop["passcode"])
    codes = votes.generate_codes(vote.id, len(ballots), workshop["passcode"])
    votes.open_vote(vote.id, workshop["passcode"])
    for code, ballot in zip(codes, ballots, strict=True):
        votes.cast(catalog, vote.id, code, {"allocations": ballot})
    if close:
        votes.close_vote(vote.id, workshop["passcode"])
    return votes.get_vote(vote.id)


def test_the_ends_are_proposed_from_a_closed_resident_vote_with_its_fingerprint_as_reason(catalog, workshop, capsys, tmp_path):
    from portfolio_engine.record.ends import ends_from_vote

    vote = _closed_vote(catalog, workshop, [{"humane_housing": 40, "lifelong_learning": 10, "acute_care": 30, "belonging_civic_muscle": 20},
                                            {"humane_housing": 50, "acute_care": 30, "belonging_civic_muscle": 20}])
    ends, reason = ends_from_vote(catalog, workshop["workshop"].id, vote.id)
    assert ends == Ends({"thriving_at_year": 5.0, "suffering_years": 3.0, "equity": 2.0}, 20)
    assert reason.startswith("Proposed from the residents' vote 'Our priorities' (2 ballots, counted with mean, rules fingerprint "
                             f"{vote.rules_hash[:12]}): ")
    (tmp_path / "pass.txt").write_text(workshop["passcode"] + "\n")
    args = ["workshop", "ends", "set", "--workshop", workshop["workshop"].id, "--from-vote", vote.id, "--passcode-file", str(tmp_path / "pass.txt")]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == reason == ends_history(workshop["workshop"].id)[-1]["reason"]
    assert current_ends(workshop["workshop"].id) == ends


def test_only_a_closed_split_vote_of_the_workshop_proposes_ends(catalog, workshop, capsys, tmp_path):
    from portfolio_engine.record.ends import ends_from_vote

    still_open = _closed_vote(catalog, workshop, [{"acute_care": 100}], close=False)
    with pytest.raises(InputFormatError, match=f"Vote {still_open.id} \\(Our priorities\\) is still open: close it first"):
        ends_from_vote(catalog, workshop["workshop"].id, still_open.id)
    (tmp_path / "pass.txt").write_text(workshop["passcode"] + "\n")
    assert main(["workshop", "ends", "set", "--workshop", workshop["workshop"].id, "--from-vote", still_open.id, "--passcode-file",
                 str(tmp_path / "pass.txt")]) == 2
    assert "is still open: close it first" in capsys.readouterr().err and current_ends(workshop["workshop"].id) is None
    with pytest.raises(InputFormatError, match="is not one of this workshop's votes"):
        ends_from_vote(catalog, "w-elsewhere", _closed_vote(catalog, workshop, [{"acute_care": 100}]).id)
