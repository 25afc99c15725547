"""Engine messages in the reader's language (i18n.py): the entry written for a message wins over a general one that also matches."""

from portfolio_engine import i18n


def test_a_message_takes_its_own_entry_not_a_general_one_that_also_matches():
    english = "Row 4 (County hospital, Humane housing): County hospital's mandate does not allow it to fund Humane housing. Nothing was saved."
    spanish = i18n.message(english, "es")
    assert "Nothing was saved" not in spanish and "County hospital" in spanish, spanish  # before: '{at}: {values}.' took it, in English


def test_a_message_with_no_entry_stays_as_written():
    assert i18n.message("A sentence no catalog has.", "es") == "A sentence no catalog has."


def test_shares_follow_the_languages_own_percent_pattern():
    """Spanish puts a (no-break) space before the percent sign, English none; decimals go where each language puts them."""
    assert [i18n.share(0.25, "en"), i18n.share(0.0123, "en", 2), i18n.share(-0.05, "en", 2)] == ["25%", "1.23%", "-5.00%"]
    assert [i18n.share(0.25, "es"), i18n.share(0.0123, "es", 2), i18n.share(12.5, "es", 1)] == ["25\u00a0%", "1,23\u00a0%", "1.250,0\u00a0%"]
