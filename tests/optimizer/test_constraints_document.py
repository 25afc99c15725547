"""One constraints document behind Optimize's tables and JSON view (issue 16, fix 8), and what binds in a participant's order."""

import pandas as pd

from portfolio_engine.optimizer.binding_words import binding_lines
from portfolio_engine.optimizer.constraints import (
    ELEMENT_COLUMNS,
    FAMILY_COLUMNS,
    document_from_tables,
    merged_document,
    objective_rows,
    table_rows,
)
from portfolio_engine.optimizer.optimize import Binding

PASTED = {"budget": 100e6, "objective": {"terms": [{"kind": "urgent_cost", "years": 12, "weight": 2.0}]}, "max_change": 0.4,
          "floors": {"acute_care": 20_300_000.0}, "ceilings": {"acute_care": 40e6}, "locks": {"humane_housing": 9e6},
          "family_ceilings": {"urgent_services": 60e6}, "draws": 50, "label": "Hospital's ask",
          "owners": {"floors.acute_care": "County hospital", "ceilings.acute_care": "Mayor", "max_change": "Council"}}


def tables(catalog, document):
    objectives = pd.DataFrame(objective_rows(catalog, document, ["thriving_at_year", "urgent_cost"]))
    return (objectives, pd.DataFrame(table_rows(document, catalog.ids, ELEMENT_COLUMNS, 1e6)),
            pd.DataFrame(table_rows(document, list(catalog.family_names), FAMILY_COLUMNS, 1e6)))


def test_a_document_shown_in_the_tables_comes_back_whole(catalog, status_quo):
    objectives, elements, families = tables(catalog, PASTED)
    assert objectives.set_index("kind").loc["urgent_cost", ["use", "years", "weight"]].tolist() == [True, 12, 2.0]
    row = elements.set_index("id").loc["acute_care"]
    assert (row["floor"], row["ceiling"], row["owner"]) == (20.3, 40.0, "County hospital and Mayor")
    back = merged_document(PASTED, document_from_tables(status_quo, objectives, elements, families, 1e6, 0.4))
    assert {k: back[k] for k in ("floors", "ceilings", "locks", "family_ceilings", "max_change", "draws", "label")} == \
        {k: PASTED[k] for k in ("floors", "ceilings", "locks", "family_ceilings", "max_change", "draws", "label")}
    assert back["owners"] == {"floors.acute_care": "County hospital and Mayor", "ceilings.acute_care": "County hospital and Mayor",
                              "max_change": "Council"}
    assert back["objective"]["terms"] == PASTED["objective"]["terms"] and back["budget"] == 100e6


def test_a_limit_cleared_in_the_table_leaves_the_document_with_its_owner(catalog, status_quo):
    objectives, elements, families = tables(catalog, PASTED)
    elements.loc[elements["id"] == "acute_care", ["floor", "ceiling"]] = [None, None]
    back = merged_document(PASTED, document_from_tables(status_quo, objectives, elements, families, 1e6, 0.4))
    assert "floors" not in back and "ceilings" not in back
    assert back["owners"] == {"max_change": "Council"}


def binding(constraint, owner=None, price=0.01):
    return Binding(constraint, owner, 10e6, price)


def test_the_readers_constraints_come_first_and_the_limit_on_change_is_one_line(catalog):
    names = {e.id: e.name for e in catalog.elements}
    found = (binding("max_change.basic_needs", price=0.02), binding("floors.public_safety", "Police union"),
             binding("max_change.acute_care", price=-0.05), binding("ceilings.acute_care", "Tenants union"),
             binding("max_change.humane_housing"))
    lines = binding_lines(found, names, 1.0, own={"Tenants union"}, max_change=0.25)
    assert lines[0].startswith("Binding: the Tenants union's ceiling on Acute care")
    assert lines[1].startswith("Binding: the Police union's floor on Criminal justice")
    assert len(lines) == 3 and lines[2] == ("Binding: the 25% limit on change from the status quo holds 3 elements at its edge "
                                            "(Basic needs for health and safety, Acute care, Humane housing); relaxing it by 1 million would do most for "
                                            "Acute care: lower the objective by 5.00%.")


def test_what_holds_the_proposal_back_reads_in_the_participants_language(catalog):
    """Whole phrases are translated (each language keeps its own word order) and numbers follow the language: its decimal
    mark, and its percent sign (a space before it in Spanish)."""
    names = {e.id: e.name for e in catalog.elements}
    found = (binding("ceilings.acute_care", "Tenants union"), binding("floors.public_safety"), binding("max_change.basic_needs", price=0.02),
             binding("max_change.humane_housing", price=-0.05))
    lines = binding_lines(found, names, 1.0, own={"Tenants union"}, max_change=0.25, language="es")
    assert lines[0] == "Limita: el tope de Tenants union para Acute care (10,0 millones); relajarlo en 1 millón subiría el objetivo un 1,00\u00a0%."
    assert lines[1].startswith("Limita: el mínimo para Criminal justice")
    assert lines[2] == ("Limita: el límite de cambio de 25\u00a0% respecto de la situación actual mantiene 2 elementos en su borde "
                        "(Basic needs for health and safety, Humane housing); relajarlo en 1 millón serviría más en Humane housing: "
                        "bajaría el objetivo un 5,00\u00a0%.")
