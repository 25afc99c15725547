import json

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


def test_every_element_has_a_name_description_and_sub_items(catalog):
    for element in catalog.elements:
        assert element.name and element.description and len(element.items) >= 3


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
