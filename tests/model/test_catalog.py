import json
from pathlib import Path

import pytest

from portfolio_engine.errors import InputFormatError, UnknownElement
from portfolio_engine.model.catalog import load_catalog

FIXED_IDS = {
    "vital_conditions": ["basic_needs", "lifelong_learning", "meaningful_work", "humane_housing",
                         "stable_environment", "reliable_transportation"],
    "urgent_services": ["acute_care", "addiction_recovery", "public_safety", "homeless_services",
                        "environmental_cleanup", "income_food_assistance"],
    "civic_muscle": ["belonging_civic_muscle"],
}


def test_catalog_has_the_thirteen_fixed_ids_in_their_families(catalog):
    for family, ids in FIXED_IDS.items():
        assert list(catalog.in_family(family)) == ids
    assert len(catalog.ids) == 13


def test_every_element_has_a_name_definition_description_and_items(catalog):
    for element in catalog.elements:
        assert element.name and element.definition and element.description and element.items


def _element(catalog, element_id):
    return catalog.elements[catalog.index(element_id)]


def test_recovery_covers_mental_health_as_the_source_says(catalog):
    recovery = _element(catalog, "addiction_recovery")
    assert recovery.name == "Addiction and recovery services"
    assert recovery.definition == "Services to address mental health and recovery needs."
    assert recovery.items == ("behavioral health care", "substance abuse treatment and support",
                              "inpatient and outpatient services for substance abuse and mental illness")


def test_belonging_and_civic_muscle_lists_all_eleven_source_items(catalog):
    civic = _element(catalog, "belonging_civic_muscle")
    assert len(civic.items) == 11
    for item in ("freedom from stigma, discrimination, oppression", "support for civil rights, human rights", "collective efficacy",
                 "civic science", "arts, culture, and spiritual life", "communications, information technology, and social networking",
                 "politics and partisan discourse"):
        assert item in civic.items


@pytest.mark.parametrize("element_id, item", [
    ("basic_needs", "routine health care (physical and mental)"),
    ("basic_needs", "freedom from crime, injury, violence, traumatic stress, and addiction"),
    ("meaningful_work", "job training/retraining"),
    ("meaningful_work", "savings and limited debt"),
    ("humane_housing", "diverse neighborhood (without gentrification, segregation, concentrated poverty)"),
    ("public_safety", "first response teams, e.g. 911 dispatch, suicide hotlines, poison control"),
    ("acute_care", "trauma-informed care"),
    ("income_food_assistance", "childcare assistance"),
    ("income_food_assistance", "federally supported programs for disadvantaged families (TANF, SNAP, WIC)"),
    ("income_food_assistance", "energy assistance"),
    ("reliable_transportation", "efficient energy use"),
])
def test_the_source_items_the_catalog_had_lost_are_back(catalog, element_id, item):
    assert item in _element(catalog, element_id).items


def test_a_catalog_without_definitions_still_loads():
    small = load_catalog(Path(__file__).parents[1] / "data" / "small_catalog" / "catalog.json")
    assert all(e.definition == "" for e in small.elements)


def test_humane_housing_lists_the_menu_items(catalog):
    housing = catalog.elements[catalog.index("humane_housing")]
    assert "adequate space per person" in housing.items
    assert "affordable costs" in housing.items


def test_unknown_id_names_the_valid_ones(catalog):
    with pytest.raises(UnknownElement, match="Unknown element 'parks'. Valid ids: basic_needs"):
        catalog.index("parks")


def test_malformed_catalog_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "catalog.json"
    bad.write_text(json.dumps({"families": [], "elements": [{"id": "x"}]}))
    with pytest.raises(InputFormatError, match="Cannot read the catalog"):
        load_catalog(bad)
