"""The load client's reading of Streamlit's messages: widget keys, the values a browser holds, result checks."""

import json

import pytest
from streamlit.proto.Element_pb2 import Element

from loadtest.protocol import Run, _value, widget_key
from loadtest.scenarios import Expected, check_move, joined


def element(kind: str, **fields):
    proto = getattr(Element(), kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(proto, name).extend(value)
        else:
            setattr(proto, name, value)
    return proto


def test_widget_key_is_the_user_key_streamlit_folds_into_the_id():
    assert widget_key("$$ID-c1dcf9c18c5d053287a6121f41ae2806-amount:basic_needs") == "amount:basic_needs"
    assert widget_key("$$ID-44d9df951e284743c84a85278c8941d3-None") == "None"


def test_a_browser_keeps_a_widgets_default_until_the_server_sets_a_value():
    assert _value("slider", element("slider", default=[6.0])) == ("double_array_value", [6.0])
    assert _value("slider", element("slider", default=[6.0], value=[7.5], set_value=True)) == ("double_array_value", [7.5])
    assert _value("checkbox", element("checkbox", default=True)) == ("bool_value", True)
    assert _value("text_input", element("text_input")) == ("string_value", "")
    assert _value("radio", element("radio", options=["a", "b"], default=1)) == ("string_value", "b")
    assert _value("button", element("button", label="Go")) is None  # a trigger is sent only when clicked


def move_run(query: str, projected: list[float]) -> Run:
    panel = element("component_instance", id="$$ID-abc-projection_panel", json_args=json.dumps({"panel": "{}", "amounts": json.dumps(projected)}))
    return Run(elements=[("component_instance", panel, "")], query=query)


def test_a_result_for_other_amounts_in_the_address_or_the_projection_counts_as_crossed():
    engine = Expected()
    ids = engine.catalog.ids
    expected = engine.after_move(dict(engine.status_quo.allocations), "basic_needs", 9.0)
    exact = "&".join(f"{i}={v:.2f}" for i, v in expected.items())
    assert check_move(move_run(exact, [expected[i] for i in ids]), expected, ids) is None
    other = engine.after_move(dict(engine.status_quo.allocations), "basic_needs", 9.5)  # someone else's move
    crossed = "&".join(f"{i}={v:.2f}" for i, v in other.items())
    assert "differ" in check_move(move_run(crossed, [expected[i] for i in ids]), expected, ids)
    assert "projected amounts" in check_move(move_run(exact, [other[i] for i in ids]), expected, ids)
    assert "no projection" in check_move(Run(query=exact), expected, ids)


def test_keep_the_total_expectation_matches_the_engine_rebalance():
    engine = Expected()
    after = engine.after_move(dict(engine.status_quo.allocations), "acute_care", 10.0)
    assert after["acute_care"] == 10_000_000
    assert sum(after.values()) == pytest.approx(engine.status_quo.budget)


def test_a_join_that_did_not_take_is_told_apart_from_one_that_did():
    """Under load a join can be refused (a busy database, a throttle); the load client says so at the join, not later as
    'No widget saving' (issue 18: 7 such errors in an evening run)."""
    took = Run(elements=[("markdown", element("markdown", body="Your rejoin code: **`K7PQ2M`**"), "")])
    refused = Run(elements=[("alert", element("alert", body="Too many wrong attempts: please wait 2 seconds and try again."), "")])
    assert joined(took) and not joined(refused)
