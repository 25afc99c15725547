import math

import pandas as pd
import pytest

from portfolio_engine.community.indicators import values
from portfolio_engine.community.survey import classify, import_survey, wilson
from portfolio_engine.errors import InputFormatError
from portfolio_engine.security.access import OPERATOR


@pytest.mark.parametrize(("today", "future", "status"), [
    (7, 8, "thriving"), (10, 10, "thriving"), (7, 7, "struggling"), (6, 9, "struggling"),
    (4, 4, "suffering"), (0, 3, "suffering"), (4, 5, "struggling"), (5, 4, "struggling"),
])
def test_gallup_thresholds(today, future, status):
    assert classify(pd.Series([today]), pd.Series([future]))[0] == status


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson(8, 10)  # a standard worked example: 0.8 of 10
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_survey_import_gives_shares_by_place_and_group_and_extra_items(catalog, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("respondent_id,ladder_today,ladder_future,neighborhood,group,proud\n"
                    "1,8,9,Eastside,young,9\n2,3,2,Eastside,old,3\n3,6,7,Harbor,young,\n4,7,8,Harbor,old,7\n")
    summary = import_survey(catalog, path, "2024", "riverside", "Riverside", grant=OPERATOR)
    assert summary.changed and summary.missing == 0
    shares = values("thriving_share").set_index(["geo_id", "group_name"])
    assert shares.loc[("riverside", "total"), "value"] == 0.5
    assert shares.loc[("eastside", "total"), "numerator"] == 1 and shares.loc[("eastside", "total"), "denominator"] == 2
    assert shares.loc[("riverside", "young"), "value"] == 0.5
    assert set(values("suffering_share")["measure_type"]) == {"subjective"}
    proud = values("proud_share_7plus").set_index(["geo_id", "group_name"])
    assert proud.loc[("riverside", "total"), "value"] == 2 / 3


@pytest.mark.parametrize(("body", "message"), [
    ("respondent_id,ladder_today\n1,5\n", "lacks column\\(s\\) ladder_future"),
    ("respondent_id,ladder_today,ladder_future\n1,5,11\n", "Line 2, column 'ladder_future': got '11', expected a whole number from 0 to 10"),
    ("respondent_id,ladder_today,ladder_future\n1,5,6\n2,,6\n", "Line 3, column 'ladder_today': got ''"),
    ("respondent_id,ladder_today,ladder_future\n1,5,6\n1,7,8\n", "Line 3: respondent_id '1' appears twice"),
])
def test_bad_surveys_are_refused(catalog, tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(InputFormatError, match=message):
        import_survey(catalog, path, "2024", grant=OPERATOR)
