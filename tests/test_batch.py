import pytest

from portfolio_engine.batch import read_batch
from portfolio_engine.errors import InputFormatError, InvalidAmount


def test_missing_columns_count_as_zero_and_names_keep_order(catalog):
    names, matrix = read_batch(catalog, "name,acute_care\nb,5\na,7\n")
    assert names == ["b", "a"]
    assert matrix[1, catalog.index("acute_care")] == 7 and matrix[:, 0].sum() == 0


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("acute_care\n5\n", InputFormatError, "needs a 'name' column"),
        ("name,acute_care\n", InputFormatError, "no portfolio rows"),
        ("name,acute_care\nx,-3\n", InvalidAmount, "Line 2, column 'acute_care': -3 is negative"),
        ("name,acute_care\nx,1\ny,nan\n", InvalidAmount, "Line 3, column 'acute_care': 'nan' is not a finite number"),
        ("", InputFormatError, "not a readable CSV"),
    ],
)
def test_bad_batches_name_the_line_and_column(catalog, text, error, message):
    with pytest.raises(error, match=message):
        read_batch(catalog, text)
