import pytest

from portfolio_engine.record.times import readable


@pytest.mark.parametrize(("stamp", "expected"), [
    ("2026-11-30T00:29:23.123456+00:00", "30 Nov 2026, 00:29 UTC"),
    ("2026-07-04T14:05:00+02:00", "4 Jul 2026, 12:05 UTC"),
    ("2026-07-04T14:05:00", "4 Jul 2026, 14:05 UTC"),
    ("", ""), (None, ""), ("soon", "soon"),
])
def test_times_read_as_day_month_year_and_utc(stamp, expected):
    assert readable(stamp) == expected
