"""A workshop's local menu: its words for the elements, its programs, its word for well-being; refusals name the row; audited, exported."""

import json

import pytest

from portfolio_engine import storage
from portfolio_engine.cli.main import main
from portfolio_engine.errors import InputFormatError, UnknownElement
from portfolio_engine.record import audit, exports
from portfolio_engine.record.menu import current_menu, localized, parse_menu, set_menu, workshop_catalog
from portfolio_engine.security.access import OPERATOR

MENU = {"word": "flourishing",
        "elements": {"addiction_recovery": {"name": "Recovery and mental health", "definition": "Care for minds and for recovery."},
                     "humane_housing": {"items": ["tenant protection", "repair grants"]}},
        "line_items": [{"element": "humane_housing", "name": "Eastside repair fund", "cost": 2_000_000, "neighborhood": "Eastside"},
                       {"element": "belonging_civic_muscle", "name": "Block parties", "cost": 50_000}]}


def test_the_catalog_speaks_the_workshops_words_and_keeps_its_ids(catalog, status_quo):
    local = localized(catalog, parse_menu(catalog, MENU, status_quo))
    assert local.ids == catalog.ids
    recovery = local.elements[local.index("addiction_recovery")]
    assert (recovery.name, recovery.definition, recovery.items) == ("Recovery and mental health", "Care for minds and for recovery.",
                                                                    catalog.elements[catalog.index("addiction_recovery")].items)
    assert local.elements[local.index("humane_housing")].items == ("tenant protection", "repair grants", "Eastside repair fund (Eastside)")
    assert local.elements[local.index("acute_care")] == catalog.elements[catalog.index("acute_care")]


@pytest.mark.parametrize("edit, error, message", [
    (lambda m: m["elements"].update(acute_care={"name": "recovery and  Mental health"}), InputFormatError,
     r"Element (acute_care|addiction_recovery): its name '.*' is the same as (acute_care|addiction_recovery)'s"),
    (lambda m: m["line_items"].append({"element": "homeless_services", "name": "Big shelter", "cost": 9_000_000}), InputFormatError,
     r"Line item 3 \(Big shelter\): the programs under homeless_services cost 9,000,000, more than the element's 6,000,000 today"),
    (lambda m: m["line_items"].append({"element": "parks", "name": "Pocket park", "cost": 1}), InputFormatError,
     r"Line item 3 \(Pocket park\): unknown element 'parks'"),
    (lambda m: m["line_items"].append({"element": "acute_care", "name": "Clinic", "cost": -1}), InputFormatError,
     r"Line item 3 \(Clinic\): the cost must be a number of 0 or more"),
    (lambda m: m["elements"].update(parks={"name": "Parks"}), UnknownElement, "Unknown element 'parks'"),
])
def test_a_bad_menu_is_refused_naming_the_row(catalog, status_quo, edit, error, message):
    menu = json.loads(json.dumps(MENU))
    edit(menu)
    with pytest.raises(error, match=message):
        parse_menu(catalog, menu, status_quo)


def test_the_menu_is_saved_audited_revised_with_a_reason_and_exported(catalog, workshop):
    workshop_id = workshop["workshop"].id
    set_menu(catalog, workshop_id, MENU, None, workshop["passcode"])
    assert current_menu(workshop_id).word == "flourishing"
    with pytest.raises(InputFormatError, match="changing it needs a reason"):
        set_menu(catalog, workshop_id, {**MENU, "word": "thriving together"}, None, workshop["passcode"])
    set_menu(catalog, workshop_id, {**MENU, "word": "thriving together"}, "The residents chose it", workshop["passcode"])
    assert workshop_catalog(catalog, workshop_id).elements[catalog.index("addiction_recovery")].name == "Recovery and mental health"
    copy = exports.import_document(json.loads(exports.export_json(workshop_id)), "new-passcode-1", grant=OPERATOR)
    assert current_menu(copy) == current_menu(workshop_id)
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok and audit.verify(db, copy).ok


def test_menu_set_and_show_on_the_command_line(capsys, tmp_path, workshop):
    (tmp_path / "pass.txt").write_text(workshop["passcode"] + "\n")
    (tmp_path / "menu.json").write_text(json.dumps(MENU))
    args = ["workshop", "menu", "set", "--workshop", workshop["workshop"].id, "--file", str(tmp_path / "menu.json"),
            "--passcode-file", str(tmp_path / "pass.txt")]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["workshop", "menu", "show", "--workshop", workshop["workshop"].id]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["word"] == "flourishing" and shown["elements"][7]["name"] == "Recovery and mental health"
    (tmp_path / "menu.json").write_text(json.dumps({**MENU, "word": "x"}))
    assert main(args) == 2 and "needs a reason" in capsys.readouterr().err


SPANISH = {"elements": {"addiction_recovery": {"name": "Recovery and mental health",
                                               "translations": {"es": {"name": "Recuperación y salud mental", "definition": "Cuidado de la mente."}}},
                        "humane_housing": {"translations": {"es": {"items": ["protección de inquilinos"]}}}}}


def test_a_menu_speaks_each_language_and_falls_back_to_its_own_words_then_the_catalogs(catalog, status_quo):
    menu = parse_menu(catalog, SPANISH, status_quo)
    spanish, english = localized(catalog, menu, "es"), localized(catalog, menu, "en")
    recovery, housing, acute = (spanish.elements[catalog.index(i)] for i in ("addiction_recovery", "humane_housing", "acute_care"))
    assert (recovery.name, recovery.definition) == ("Recuperación y salud mental", "Cuidado de la mente.")
    assert housing.items == ("protección de inquilinos",) and housing.name == "Vivienda digna"  # the catalog's Spanish where the menu is silent
    assert acute.name == "Atención médica urgente" and spanish.family_names != catalog.family_names
    assert english.elements[catalog.index("addiction_recovery")].name == "Recovery and mental health"  # no English given: the menu's own words
    assert english.elements[catalog.index("humane_housing")].items == catalog.elements[catalog.index("humane_housing")].items
    assert localized(catalog, None, "en") is catalog and localized(catalog, None, "es").elements[catalog.index("acute_care")].name == acute.name


@pytest.mark.parametrize("translations, message", [
    ({"xx": {"name": "Zzz"}}, r"Element acute_care: unknown language 'xx' \(languages: en, es\)"),
    ({"es": {"name": "Vivienda digna"}}, r"Element acute_care \(es\): its name 'Vivienda digna' is the same as humane_housing's"),
    ({"es": {"nombre": "Urgencias"}}, r"Element acute_care \(es\): write it as"),
    ({"es": {"name": 7}}, r"Element acute_care \(es\): the name must be text"),
])
def test_a_bad_translation_is_refused_naming_the_element_and_the_language(catalog, status_quo, translations, message):
    with pytest.raises(InputFormatError, match=message):
        parse_menu(catalog, {"elements": {"acute_care": {"translations": translations}}}, status_quo)


def test_translations_are_saved_audited_and_exported(catalog, workshop):
    workshop_id = workshop["workshop"].id
    set_menu(catalog, workshop_id, SPANISH, None, workshop["passcode"])
    assert workshop_catalog(catalog, workshop_id, language="es").elements[catalog.index("addiction_recovery")].name == "Recuperación y salud mental"
    copy = exports.import_document(json.loads(exports.export_json(workshop_id)), "new-passcode-1", grant=OPERATOR)
    assert current_menu(copy) == current_menu(workshop_id)
    with storage.reading() as db:
        assert audit.verify(db, copy).ok


def test_the_report_and_the_csv_speak_the_workshops_words_with_ids_beside_in_machine_files(catalog, workshop):
    from portfolio_engine.services import reports

    workshop_id = workshop["workshop"].id
    set_menu(catalog, workshop_id, MENU, None, workshop["passcode"])
    with storage.reading() as db:
        page, table = reports.workshop_report(db, catalog, workshop_id), reports.proposals_table(db, catalog, workshop_id)
    assert "<h2>What each element covers</h2>" in page and "<td class='text'>Recovery and mental health</td>" in page
    assert "Care for minds and for recovery." in page and "Eastside repair fund (Eastside)" in page
    assert "Recovery and mental health (addiction_recovery)" in table.splitlines()[0]


def test_menu_show_in_a_language_on_the_command_line(capsys, tmp_path, workshop):
    (tmp_path / "pass.txt").write_text(workshop["passcode"] + "\n")
    (tmp_path / "menu.json").write_text(json.dumps(SPANISH))
    assert main(["workshop", "menu", "set", "--workshop", workshop["workshop"].id, "--file", str(tmp_path / "menu.json"),
                 "--passcode-file", str(tmp_path / "pass.txt")]) == 0
    capsys.readouterr()
    assert main(["workshop", "menu", "show", "--workshop", workshop["workshop"].id, "--language", "es"]) == 0
    names = {e["id"]: e["name"] for e in json.loads(capsys.readouterr().out)["elements"]}
    assert names["addiction_recovery"] == "Recuperación y salud mental" and names["acute_care"] == "Atención médica urgente"
    assert main(["workshop", "menu", "show", "--workshop", workshop["workshop"].id, "--language", "xx"]) == 2
