"""Plain words (issue 17 item 3): the text of the Vote and Results pages reads at about grade 8, in English and in Spanish.

English: Flesch-Kincaid grade level at most 8.5. Spanish: Szigriszt-Pazos perspicuity at least 60 ('normal' or easier on
the INFLESZ scale, about what grade 8 reads). Syllables come from pyphen's hyphenation dictionaries, offline (textstat
downloads a pronouncing dictionary at run time, which a room without internet cannot do); headings, labels and list
items count as sentences, as a reader meets them.
"""

import re

import pyphen
import pytest

from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

VOTE, RESULTS = "../../pages/vote.py", "../../pages/results.py"
PASS = "vote-passcode"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)|\n")


def _page_text(at) -> str:
    """What a resident reads: headings, paragraphs, captions, notices, labels and help, without markdown marks."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning") for e in getattr(at, kind)]
    parts += [w.label for kind in ("button", "text_input", "number_input", "checkbox", "text_area", "toggle") for w in getattr(at, kind)]
    parts += [w.help for w in at.checkbox if w.help] + [e.label for e in at.expander]
    return re.sub(r"[*`#\\]|^- ", "", "\n".join(parts), flags=re.MULTILINE)


def measure(text: str, language: str) -> dict[str, float]:
    """Words per sentence and syllables per word, then the grade (English) or perspicuity (Spanish)."""
    hyphenation = pyphen.Pyphen(lang=language)
    sentences = [s for s in SENTENCE_END.split(text) if WORD.search(s)]
    words = WORD.findall(text)
    syllables = sum(len(hyphenation.positions(w)) + 1 for w in words)
    per_sentence, per_word = len(words) / len(sentences), syllables / len(words)
    return {"words": len(words), "grade": 0.39 * per_sentence + 11.8 * per_word - 15.59, "perspicuity": 206.835 - 62.3 * per_word - per_sentence}


def test_the_measure_tells_plain_from_dense_words():
    plain = "Give your points. Check your vote. Then send it. We count every vote."
    dense = ("Notwithstanding the aforementioned considerations, the methodology incorporates proportionality guarantees "
             "characterizing institutional redistribution mechanisms comprehensively.")
    assert measure(plain, "en")["grade"] < 4 < 14 < measure(dense, "en")["grade"]
    assert measure("Dé sus puntos. Revise su voto. Luego envíelo.", "es")["perspicuity"] > 80
    assert measure("Independientemente de las consideraciones metodológicas, la proporcionalidad institucional caracteriza la redistribución.",
                   "es")["perspicuity"] < 40


@pytest.fixture
def counted_vote(catalog):
    vote = votes.create_vote(catalog, "Our priorities", "split", "independent-markets", 1_000_000, passcode=PASS, split_over="elements",
                             grant=OPERATOR, live_results=True)
    codes = votes.generate_codes(vote.id, 2, PASS)
    votes.open_vote(vote.id, PASS)
    votes.cast(catalog, vote.id, codes[0], {"allocations": {"acute_care": 60, "humane_housing": 40}})
    return vote


@pytest.mark.parametrize("page", [VOTE, RESULTS])
def test_resident_pages_read_at_about_grade_8(page, counted_vote, open_page):
    english = measure(_page_text(open_page(page, vote=counted_vote.id, lang="en")), "en")
    spanish = measure(_page_text(open_page(page, vote=counted_vote.id, lang="es")), "es")
    assert english["words"] > 150 and english["grade"] <= 8.5, english
    assert spanish["words"] > 150 and spanish["perspicuity"] >= 60, spanish
