import pytest

from portfolio_engine import limits
from portfolio_engine.errors import InputFormatError, InvalidAmount
from portfolio_engine.model.batch import read_batch


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


def test_too_many_columns_or_rows_are_refused_before_parsing(catalog, monkeypatch):
    """Finding 2's shape: a header of a million columns took 13 GB in pandas; the limits are checked on the raw text."""
    with pytest.raises(InputFormatError, match="more than 500 columns"):
        read_batch(catalog, "name" + ",x" * 1_000_000 + "\n")
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    with pytest.raises(InputFormatError, match="more than 2 rows"):
        read_batch(catalog, "name,acute_care\na,1\nb,1\nc,1\nd,1\n")


def test_a_file_over_the_upload_limit_is_refused(catalog, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", 10)
    path = tmp_path / "b.csv"
    path.write_text("name,acute_care\na,1\n")
    with pytest.raises(InputFormatError, match="b.csv is too large"):
        read_batch(catalog, path)
