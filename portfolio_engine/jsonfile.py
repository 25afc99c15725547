"""Reading a JSON file a person gave us, with one clear message for each way it can fail."""

import json
from pathlib import Path
from typing import Any

from .errors import InputFormatError


def read_json(path: Path) -> Any:
    """The parsed file; InputFormatError naming the file when it is unreadable or not JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputFormatError(f"Cannot read {path}: {err.strerror}.") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise InputFormatError(f"{path} is not valid JSON: {err}.") from err
