"""Reading JSON a person gave us (a file, a paste, an upload), bounded and with one clear message for each way it can fail.

Limits come from `limits.py`: a document larger than MAX_JSON_BYTES or nested deeper than MAX_JSON_DEPTH is
refused before it is parsed, so no input can exhaust memory or the interpreter's stack. NaN, Infinity and
numbers too large for a float are refused too: no amount, weight or share can use them.
"""

import json
import math
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

from portfolio_engine import limits
from portfolio_engine.errors import InputFormatError

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _depth(text: str) -> int:
    """Deepest nesting of arrays and objects, by one linear scan of the brackets outside strings."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 308:  # beyond any float: no amount can be that large
        raise ValueError(f"a {len(text)}-digit number is too large")
    return int(text)


def parse_json(text: str | bytes, what: str) -> Any:
    """The parsed document; InputFormatError starting with `what` when it is too large, too deep or not JSON."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > limits.MAX_JSON_BYTES:
        raise InputFormatError(f"{what} is too large ({size:,} bytes; the limit is {limits.MAX_JSON_BYTES:,}).")
    try:
        text = text.decode("utf-8-sig") if isinstance(text, bytes) else text
    except UnicodeDecodeError:
        raise InputFormatError(f"{what} is not UTF-8 text.") from None
    if _depth(text) > limits.MAX_JSON_DEPTH:
        raise InputFormatError(f"{what} is nested too deeply (the limit is {limits.MAX_JSON_DEPTH} levels of arrays and objects).")
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_finite, parse_int=_integer)
    except (ValueError, RecursionError) as err:
        raise InputFormatError(f"{what} is not valid JSON: {err}.") from None


def read_json(path: Path) -> Any:
    """The parsed file, within the limits; InputFormatError naming the file when it is unreadable, too large or not JSON."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(limits.MAX_JSON_BYTES + 1)
    except OSError as err:
        raise InputFormatError(f"Cannot read {path}: {err.strerror}.") from err
    return parse_json(data, str(path))
