"""Engine messages in the reader's language (i18n.py): the entry written for a message wins over a general one that also matches."""

from portfolio_engine import i18n


def test_a_message_takes_its_own_entry_not_a_general_one_that_also_matches():
    english = "Row 4 (County hospital, Humane housing): County hospital's mandate does not allow it to fund Humane housing. Nothing was saved."
    spanish = i18n.message(english, "es")
    assert "Nothing was saved" not in spanish and "County hospital" in spanish, spanish  # before: '{at}: {values}.' took it, in English


def test_a_message_with_no_entry_stays_as_written():
    assert i18n.message("A sentence no catalog has.", "es") == "A sentence no catalog has."
