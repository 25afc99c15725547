"""Languages: translation catalogs (gettext .po files read with Babel) and numbers, money and dates by locale.

A language is one file, `portfolio_engine/locale/<code>/LC_MESSAGES/messages.po` (docs/languages.md): the .po
files are read directly, so nothing is compiled. Text in code is English and marked with `_()` (or `N_()`
where it is only declared); `make i18n` extracts the marked texts into messages.pot and updates every .po.
Messages the engine raises in English are translated by `message()`: a catalog entry with {placeholders}
matches the English text and puts the same values into the translation.
"""

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "en"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def N_(text: str) -> str:
    """Mark a text for extraction where it is declared; it is translated where it is shown."""
    return text


@cache
def languages() -> dict[str, str]:
    """Language code -> its own name ('es' -> 'español'), English first, then every .po file in the locale folder."""
    codes = [DEFAULT] + sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po") if p.parent.parent.name != DEFAULT)
    return {code: Locale.parse(code).get_display_name(code) or code for code in codes}


@cache
def _catalog(language: str) -> dict[str, str]:
    """English text -> translation, without fuzzy or empty entries (those show in English)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


@cache
def _patterns(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The catalog's entries with {placeholders}, as regular expressions matching the English text, the most specific first
    (the most fixed text), so a general entry such as "{at}: {values}." never takes a message a longer one was written for."""
    found = []
    for english, translated in _catalog(language).items():
        if PLACEHOLDER.search(english):
            parts = PLACEHOLDER.split(english)  # text, name, text, name, ...
            regex = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>.+?)" for n, part in enumerate(parts))
            found.append((len("".join(parts[::2])), re.compile(f"^{regex}$", re.DOTALL), translated))
    return tuple((pattern, translated) for _, pattern, translated in sorted(found, key=lambda f: -f[0]))


def choose(wanted: Iterable[str]) -> str:
    """The first available language among the wanted ones ('es-MX' matches 'es'), else English."""
    available = languages()
    for code in wanted:
        base = str(code).strip().replace("_", "-").split("-")[0].lower()
        if base in available:
            return base
    return DEFAULT


def from_header(accept_language: str | None) -> str:
    """The browser's preferred available language from an Accept-Language header, by its q weights."""
    weighted = []
    for n, part in enumerate((accept_language or "").split(",")):
        code, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if code and weight > 0:
            weighted.append((-weight, n, code))
    return choose(code for _, _, code in sorted(weighted))


def gettext(text: str, language: str) -> str:
    """The translation of an English text, or the text itself when the language has none."""
    return _catalog(language).get(text, text)


def message(text: str, language: str) -> str:
    """An English message from the engine in the language: an exact entry, or one whose {placeholders} match."""
    exact = _catalog(language).get(text)
    if exact is not None:
        return exact
    for pattern, translated in _patterns(language):
        match = pattern.match(text)
        if match:
            return translated.format(**{k: _value(v, language) for k, v in match.groupdict().items()})
    return text


def _value(text: str, language: str) -> str:
    """A value inside an engine message, in the language: a time as the language writes it, a word (a field's name) translated."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        return when(text, language)
    return gettext(text, language)


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


@lru_cache(maxsize=8192)  # a page writes the same amounts on every run (a ballot's costs, its budget): Babel's formatting is the cost
def number(value: float, language: str, digits: int = 0) -> str:
    """A number with the language's grouping and decimal marks (12,500.5 / 12.500,5)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def millions(value: float, language: str, currency: str = "") -> str:
    """An amount in millions, as people read budgets: '12.5 million USD' / '12,5 millones USD'."""
    amount = format_decimal(value / 1e6, format="#,##0.0#", locale=_locale(language))
    return f"{amount} {gettext('million', language)}" + (f" {currency}" if currency else "")


def money(value: float, language: str, currency: str = "") -> str:
    """An amount: in millions from a million up, else whole units with grouping ('48,000 USD')."""
    if abs(value) >= 1e6:
        return millions(value, language, currency)
    return number(value, language) + (f" {currency}" if currency else "")


def share(value: float, language: str, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the language's own pattern ('25%' / '25 %'), with `digits` decimals."""
    pattern = _locale(language).percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?!.*0)", "0." + "0" * digits, pattern)  # the last integer digit takes the decimals
    return format_percent(value, format=pattern, locale=_locale(language))


def when(value: datetime | date | str, language: str) -> str:
    """A date or time written in the language ('Nov 30, 2026, 2:05 PM' / '30 nov 2026, 14:05'), in the time it was written in."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    day = format_date(value, format="medium", locale=_locale(language))
    return f"{day}, {format_time(value, format='short', locale=_locale(language))}" if isinstance(value, datetime) else day


def extract_catalog(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor for catalog.json (babel.cfg): every family and element text a resident reads on the ballot."""
    data = json.load(fileobj)
    for family in data.get("families", []):
        yield from ((0, None, family[field], []) for field in ("name", "description") if family.get(field))
    for element in data.get("elements", []):
        yield from ((0, None, element[field], []) for field in ("name", "definition", "description") if element.get(field))
        yield from ((0, None, item, []) for item in element.get("items", []))
