"""The well-being portfolio catalog: 13 elements in three families, with fixed ids."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portfolio_engine.errors import InputFormatError, UnknownElement
from portfolio_engine.settings import CATALOG_FILE

FAMILIES = ("vital_conditions", "urgent_services", "civic_muscle")


@dataclass(frozen=True)
class Element:
    """One portfolio element: what money can be put into."""

    id: str
    family: str
    name: str
    description: str
    items: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Catalog:
    """Elements in their fixed order, plus the family names (hashed by identity: loaded once)."""

    elements: tuple[Element, ...]
    family_names: dict[str, str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.elements)

    def index(self, element_id: str) -> int:
        """Position of an element; raises UnknownElement with the valid ids."""
        try:
            return self.ids.index(element_id)
        except ValueError:
            raise UnknownElement(
                f"Unknown element '{element_id}'. Valid ids: {', '.join(self.ids)}."
            ) from None

    def in_family(self, family: str) -> tuple[str, ...]:
        return tuple(e.id for e in self.elements if e.family == family)


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read and check the catalog file (cached: it never changes while running)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        families = {f["id"]: f["name"] for f in raw["families"]}
        elements = tuple(
            Element(e["id"], e["family"], e["name"], e["description"], tuple(e["items"]))
            for e in raw["elements"]
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputFormatError(f"Cannot read the catalog {path}: {err}") from err
    bad = [e.id for e in elements if e.family not in FAMILIES]
    if bad or set(families) != set(FAMILIES):
        raise InputFormatError(f"Catalog {path}: families must be {', '.join(FAMILIES)}.")
    return Catalog(elements, families)
