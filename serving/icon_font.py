"""Streamlit's icon font (Material Symbols) cut to the icons the app and Streamlit's own interface name (issue 18).

Every page loads the whole font, 0.37 MB of the 1.3 MB a resident's first load of Vote transferred, for the eight icons of
the menu. An icon is a ligature: the font draws the text `how_to_vote` as one glyph. The cut font keeps the ligatures of the
names written `:material/name:` in the app's code (app.py, pages/, ui/) and in Streamlit's JavaScript, and drops the other
4,000; it is about 10 KB. A name the cut font lacks would show as its text, so the room's copy is rebuilt whenever the set
of names changes (serving/static_assets.py keys it by them) and nginx has browsers check the font again on each load.
"""

import io
import re
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r":material/([a-z0-9_]+):")
SPELLING = "abcdefghijklmnopqrstuvwxyz0123456789_"  # the letters icon names are written with


def app_sources(root: Path = ROOT) -> list[Path]:
    """The app's files that may name an icon."""
    return [root / "app.py", *sorted((root / "pages").rglob("*.py")), *sorted((root / "ui").rglob("*.py"))]


def used(files: Iterable[Path]) -> frozenset[str]:
    """Every icon name written `:material/name:` in these files."""
    return frozenset(name for path in files for name in NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))


def _ligatures(font: TTFont):
    """The font's ligature tables (Material Symbols: one 'rlig' lookup of LigatureSubst subtables, maybe in extensions)."""
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            if hasattr(table, "ligatures"):
                yield table


def _spellings(font: TTFont):
    """(table, first glyph, ligature, the name it draws) for every icon of the font."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    for table in _ligatures(font):
        for first, ligatures in list(table.ligatures.items()):
            for ligature in ligatures:
                yield table, first, ligature, "".join(letters.get(g, "\0") for g in [first, *ligature.Component])


def spelled(font: TTFont) -> set[str]:
    """The names the font draws as icons."""
    return {name for *_, name in _spellings(font)}


def cut(path: Path, names: frozenset[str]) -> None:
    """Rewrite the WOFF2 font at `path` with only the icons `names` (and the letters they are written with)."""
    font = TTFont(path)
    dropped = [(table, first, ligature) for table, first, ligature, name in _spellings(font) if name not in names]
    for table, first, ligature in dropped:
        table.ligatures[first].remove(ligature)
        if not table.ligatures[first]:
            del table.ligatures[first]
    options = subset.Options()
    options.layout_features = ["rlig", "liga"]
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the font's names and licence notice stay
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=SPELLING)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    path.write_bytes(out.getvalue())
