"""The well-being portfolio catalog: elements in three families, with fixed ids (13 in the shipped catalog)."""

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
    definition: str = ""  # the source's one-line definition (ReThink Health's menu); empty in catalogs that give none


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
            Element(e["id"], e["family"], e["name"], e["description"], tuple(e["items"]), str(e.get("definition", "")))
            for e in raw["elements"]
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputFormatError(f"Cannot read the catalog {path}: {err}") from err
    problem = catalog_problem(elements, families)
    if problem:
        raise InputFormatError(f"Catalog {path}: {problem}")
    return Catalog(elements, families)


def catalog_problem(elements: tuple[Element, ...], families: dict[str, str]) -> str | None:
    """What breaks the catalog's invariants, or None: the model and the pages rely on every one of them."""
    ids = [e.id for e in elements]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        return f"element ids must be unique; repeated: {', '.join(repeated)}."
    if set(families) != set(FAMILIES) or any(e.family not in FAMILIES for e in elements):
        return f"families must be {', '.join(FAMILIES)}."
    empty = [f for f in FAMILIES if not any(e.family == f for e in elements)]
    if empty:
        return f"every family needs at least one element; empty: {', '.join(empty)}."
    civic = [e.id for e in elements if e.family == "civic_muscle"]
    if len(civic) != 1:
        return (f"the civic_muscle family must hold exactly one element (the dynamics model civic muscle as one stock), "
                f"found {len(civic)}: {', '.join(civic)}.")
    return None
