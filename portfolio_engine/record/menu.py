"""A workshop's local menu: its own words for the elements, their definitions and items, its local programs, its word for well-being.

ReThink Health calls its list "an initial menu of options"; NLC asks each place to choose its own word for well-being. The
shipped catalog stays the default: a workshop's menu renames elements, rewrites their definitions and items, and lists local
programs (name, cost, neighborhood) under an element, where they roll up to it for the model. The model keeps working on the
catalog's ids; `localized` gives the catalog with the workshop's labels, for every page, ballot, report and export. An element's
wording can be given per language too ("translations": {"es": {"name", "definition", "items"}}): a page in that language shows
it, else the menu's own wording, else the catalog's text in the page's language. Each change is a new audited version with its
reason (after the first), and the versions are kept.
"""

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from portfolio_engine import i18n, storage
from portfolio_engine.errors import InputFormatError, NotAllowed
from portfolio_engine.limits import MAX_AMOUNT
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import intact_workshop
from portfolio_engine.record.workshops import authorize, text
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import new_id

WORD = "well-being"
ELEMENT_KEYS = {"name", "definition", "items"}
ITEM_KEYS = {"element", "name", "cost", "neighborhood"}
MAX_ITEMS = 200


@dataclass(frozen=True)
class LineItem:
    """A local program under an element: it rolls up to the element for the model."""

    element: str
    name: str
    cost: float
    neighborhood: str = ""


@dataclass(frozen=True)
class Menu:
    """The workshop's word for well-being, its wording per element ({id: {name, definition, items}}) and its local programs."""

    word: str = WORD
    elements: dict[str, dict[str, Any]] = field(default_factory=dict)
    line_items: tuple[LineItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "elements": self.elements, "line_items": [vars(i) for i in self.line_items]}


def _fail(where: str, problem: str) -> InputFormatError:
    return InputFormatError(f"{where}: {problem}. Nothing was saved.")


def _element(catalog: Catalog, element_id: str, raw: Any) -> dict[str, Any]:
    """An element's own wording, and its wording per language under "translations" (each checked like the wording)."""
    catalog.index(element_id)
    translations = raw.get("translations") if isinstance(raw, dict) else None
    own = {k: v for k, v in raw.items() if k != "translations"} if isinstance(raw, dict) else raw
    found = _wording(f"Element {element_id}", own) if own or translations is None else {}
    if translations is not None:
        if not isinstance(translations, dict) or not translations:
            raise _fail(f"Element {element_id}", 'write its translations as {"es": {"name": ..., "definition": ..., "items": [...]}}')
        for language in translations:
            if language not in i18n.languages():
                raise _fail(f"Element {element_id}", f"unknown language '{str(language)[:20]}' (languages: {', '.join(i18n.languages())})")
        found["translations"] = {lang: _wording(f"Element {element_id} ({lang})", wording) for lang, wording in translations.items()}
    return found


def _wording(where: str, raw: Any) -> dict[str, Any]:
    """{"name", "definition", "items"} (any of the three), each text checked."""
    if not isinstance(raw, dict) or not raw or set(raw) - ELEMENT_KEYS:
        raise _fail(where, 'write it as {"name": ..., "definition": ..., "items": [...]} (any of the three)')
    found: dict[str, Any] = {}
    if "name" in raw:
        found["name"] = text(raw["name"], "name") if isinstance(raw["name"], str) else _bad(where, "the name must be text")
    if "definition" in raw:
        found["definition"] = text(raw["definition"], "note") if isinstance(raw["definition"], str) else _bad(where, "the definition must be text")
    if "items" in raw:
        if not isinstance(raw["items"], list) or not all(isinstance(i, str) and i.strip() for i in raw["items"]) or len(raw["items"]) > MAX_ITEMS:
            raise _fail(where, f"the items must be a list of up to {MAX_ITEMS} texts")
        found["items"] = [text(i, "note") for i in raw["items"]]
    return found


def _bad(where: str, problem: str) -> Any:
    raise _fail(where, problem)


def _line_item(catalog: Catalog, number: int, raw: Any) -> LineItem:
    where = f"Line item {number}"
    if not isinstance(raw, dict) or not {"element", "name", "cost"} <= set(raw) or set(raw) - ITEM_KEYS:
        raise _fail(where, 'write it as {"element": id, "name": ..., "cost": amount, "neighborhood": optional}')
    if raw["element"] not in catalog.ids:
        raise _fail(f"{where} ({raw.get('name')})", f"unknown element '{str(raw['element'])[:60]}'")
    cost = raw["cost"]
    if isinstance(cost, bool) or not isinstance(cost, int | float) or not 0 <= cost <= MAX_AMOUNT:
        raise _fail(f"{where} ({raw.get('name')})", f"the cost must be a number of 0 or more, got {cost!r}")
    neighborhood = raw.get("neighborhood") or ""
    return LineItem(raw["element"], text(raw["name"], "name") if isinstance(raw["name"], str) else _bad(where, "the name must be text"),
                    float(cost), text(neighborhood, "name", required=False) if isinstance(neighborhood, str) else _bad(where, "the neighborhood must be text"))


def _names_apart(catalog: Catalog, language: str | None) -> None:
    """Refuse two elements a reader could not tell apart (the same name, ignoring case and spaces), in the menu's words or a language's."""
    seen: dict[str, str] = {}
    for element in catalog.elements:
        key = " ".join(element.name.casefold().split())
        if key in seen:
            where = f"Element {element.id}" + (f" ({language})" if language else "")
            raise _fail(where, f"its name '{element.name}' is the same as {seen[key]}'s: each element needs its own name")
        seen[key] = element.id


def parse_menu(catalog: Catalog, raw: Any, status_quo: Portfolio) -> Menu:
    """Check a menu document; two elements named alike, or local programs costing more than their element, are refused by name."""
    if not isinstance(raw, dict) or set(raw) - {"word", "elements", "line_items"}:
        raise InputFormatError('A menu is written {"word": ..., "elements": {id: {"name", "definition", "items"}}, "line_items": [...]}. '
                               "Nothing was saved.")
    word = raw.get("word", WORD)
    word = text(word, "name") if isinstance(word, str) else _bad("The word for well-being", "it must be text")
    elements_raw = raw.get("elements") or {}
    if not isinstance(elements_raw, dict):
        raise InputFormatError("The menu's 'elements' must be an object of element id: wording. Nothing was saved.")
    elements = {e: _element(catalog, e, v) for e, v in elements_raw.items()}
    items_raw = raw.get("line_items") or []
    if not isinstance(items_raw, list) or len(items_raw) > MAX_ITEMS:
        raise InputFormatError(f"The menu's 'line_items' must be a list of up to {MAX_ITEMS} programs. Nothing was saved.")
    line_items = tuple(_line_item(catalog, n, v) for n, v in enumerate(items_raw, start=1))
    menu = Menu(word, elements, line_items)
    for language in [None, *sorted({lang for e in elements.values() for lang in e.get("translations", {})})]:
        _names_apart(localized(catalog, menu, language), language)
    for element_id in catalog.ids:
        inside = [i for i in line_items if i.element == element_id]
        budget = status_quo.allocations.get(element_id, 0.0)
        if sum(i.cost for i in inside) > budget + 0.005:
            number = line_items.index(inside[-1]) + 1
            raise _fail(f"Line item {number} ({inside[-1].name})", f"the programs under {element_id} cost {sum(i.cost for i in inside):,.0f}, "
                                                                   f"more than the element's {budget:,.0f} today")
    return menu


def localized(catalog: Catalog, menu: Menu | None, language: str | None = None) -> Catalog:
    """The catalog with the workshop's labels: same ids, families and order; local programs listed among the items.

    With a `language`, each text is the menu's wording in that language, else the menu's own wording, else the catalog's text
    translated (i18n); without one, the menu's own wording over the catalog's English."""
    if menu is None and language in (None, i18n.DEFAULT):
        return catalog
    def shipped(words: str) -> str:
        return i18n.gettext(words, language) if language else words

    elements = []
    for element in catalog.elements:
        given = menu.elements.get(element.id, {}) if menu else {}
        own = {**given, **given.get("translations", {}).get(language, {})}
        programs = tuple(f"{i.name} ({i.neighborhood})" if i.neighborhood else i.name for i in menu.line_items if i.element == element.id) if menu else ()
        elements.append(replace(element, name=own.get("name", shipped(element.name)), definition=own.get("definition", shipped(element.definition)),
                                description=shipped(element.description), items=tuple(own.get("items", map(shipped, element.items))) + programs))
    return Catalog(tuple(elements), {family: shipped(name) for family, name in catalog.family_names.items()})


def set_menu(catalog: Catalog, workshop_id: str, raw: Any, reason: str | None, passcode: str | None, path: Path | None = None, *,
             grant: Grant | None = None) -> Menu:
    """Save the workshop's menu (facilitator only): a new audited version; a change after the first needs its reason."""
    authorize(workshop_id, passcode, grant, path)
    reason = text(reason, "reason", required=False) or None
    with storage.writing(path) as db:
        workshop = intact_workshop(db, workshop_id)
        if workshop.state == "archived":
            raise NotAllowed("The workshop is archived: its menu can no longer change.")
        menu = parse_menu(catalog, raw, workshop.status_quo_portfolio(catalog))
        earlier = storage.select(db, "menus", workshop_id=workshop_id)
        if earlier and not reason:
            raise InputFormatError("The workshop already has a menu: changing it needs a reason. Nothing was saved.")
        row: dict[str, Any] = {"id": new_id("m"), "workshop_id": workshop_id, "word": menu.word, "elements": audit.canonical(menu.elements),
                               "line_items": audit.canonical([vars(i) for i in menu.line_items]), "reason": reason, "created_at": audit.now()}
        storage.insert(db, "menus", row)
        audit.append(db, workshop_id, "facilitator", "menu.revise" if earlier else "menu.set", "menu", row["id"], None, row)
    return menu


def current_menu(workshop_id: str, path: Path | None = None) -> Menu | None:
    """The workshop's latest menu, or None: the shipped catalog's words."""
    with storage.reading(path) as db:
        return menu_in(db, workshop_id)


def workshop_catalog(catalog: Catalog, workshop_id: str, path: Path | None = None, language: str | None = None) -> Catalog:
    """The catalog in the workshop's words (the shipped one when it has no menu), in `language` when given."""
    return localized(catalog, current_menu(workshop_id, path), language)


def menu_in(db: storage.Handle, workshop_id: str) -> Menu | None:
    """current_menu through the caller's handle (the report reads one snapshot)."""
    rows = storage.select(db, "menus", workshop_id=workshop_id)
    return _menu(rows[-1]) if rows else None


def latest_menu(rows: list[dict]) -> Menu | None:
    """The menu of an export's "menus" rows (the latest), or None."""
    return _menu(rows[-1]) if rows else None


def _menu(row: dict) -> Menu:
    return Menu(row["word"], json.loads(row["elements"]), tuple(LineItem(**i) for i in json.loads(row["line_items"])))
