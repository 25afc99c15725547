"""ui/menu.py through AppTest: the facilitator renames an element and adds a local program; two elements named alike are refused."""

from streamlit.testing.v1 import AppTest

from portfolio_engine.record.menu import current_menu, workshop_catalog
from portfolio_engine.record.workshops import authenticate


def _script():
    from portfolio_engine.model.catalog import load_catalog
    from ui import identity
    from ui.menu import facilitate_section

    facilitate_section(load_catalog(), identity.facilitated(), identity.grant())


def _page(workshop) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.session_state["menu_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_facilitator_sets_the_word_and_a_local_program(catalog, workshop):
    at = _page(workshop)
    at.text_input(key="menu_word").input("flourishing")
    at.text_area(key="menu_programs").input('[{"element": "humane_housing", "name": "Eastside repair fund", "cost": 2000000, "neighborhood": "Eastside"}]')
    at.button(key="save_menu").click().run()
    assert [s.value for s in at.success] == ["Menu saved."], [e.value for e in at.error]
    assert current_menu(workshop["workshop"].id).word == "flourishing" and current_menu(workshop["workshop"].id).elements == {}
    housing = workshop_catalog(catalog, workshop["workshop"].id).elements[catalog.index("humane_housing")]
    assert housing.items[-1] == "Eastside repair fund (Eastside)"


def test_programs_costing_more_than_their_element_are_refused_on_the_page(catalog, workshop):
    at = _page(workshop)
    at.text_area(key="menu_programs").input('[{"element": "homeless_services", "name": "Big shelter", "cost": 9000000}]')
    at.button(key="save_menu").click().run()
    assert "more than the element" in at.error[0].value and current_menu(workshop["workshop"].id) is None


def test_pages_get_the_catalog_in_the_workshops_words(catalog, workshop):
    from ui.menu import catalog_for

    assert catalog_for(catalog, None) is catalog and catalog_for(catalog, workshop["workshop"]) is catalog  # no menu yet
    at = _page(workshop)
    at.text_input(key="menu_word").input("flourishing")
    at.button(key="save_menu").click().run()
    local = catalog_for(catalog, workshop["workshop"])
    assert local is not catalog and local.ids == catalog.ids


def test_the_facilitator_gives_the_menu_in_spanish_and_a_spanish_page_shows_it(catalog, workshop):
    from ui.menu import catalog_for

    at = _page(workshop)
    at.text_area(key="menu_translations").input('{"humane_housing": {"es": {"name": "Vivienda para todos", "definition": "Un techo seguro."}}}')
    at.button(key="save_menu").click().run()
    assert [s.value for s in at.success] == ["Menu saved."], [e.value for e in at.error]
    housing = catalog.index("humane_housing")
    assert catalog_for(catalog, workshop["workshop"], "es").elements[housing].name == "Vivienda para todos"
    assert catalog_for(catalog, workshop["workshop"], "en").elements[housing].name == "Humane housing"
    at.run()  # the reason field opens once a menu exists
    at.text_area(key="menu_translations").input('{"humane_housing": {"es": {"name": "Atención médica urgente"}}}')
    at.text_input(key="menu_reason").input("A clash")
    at.button(key="save_menu").click().run()
    assert "acute\\_care \\(es\\)" in at.error[0].value and "is the same as humane" in at.error[0].value  # nothing saved
    assert catalog_for(catalog, workshop["workshop"], "es").elements[housing].name == "Vivienda para todos"


def test_the_ballot_and_its_results_speak_the_workshops_words_in_the_residents_language(catalog, workshop, open_page):
    from portfolio_engine.record.menu import set_menu
    from portfolio_engine.voting import votes

    workshop_id, passcode = workshop["workshop"].id, workshop["passcode"]
    set_menu(catalog, workshop_id, {"elements": {"addiction_recovery": {
        "name": "Recovery and mental health", "definition": "Care for minds and for recovery.",
        "translations": {"es": {"name": "Recuperación y salud mental", "definition": "Cuidado de la mente y de la recuperación."}}}}}, None, passcode)
    vote = votes.create_vote(catalog, "Priorities", "split", "mean", 1_000_000, workshop_id, passcode)
    code = votes.generate_codes(vote.id, 1, passcode)[0]
    votes.open_vote(vote.id, passcode)
    spanish = open_page("../../pages/vote.py", vote=vote.id, lang="es")
    assert spanish.number_input(key="split:addiction_recovery").label == "Recuperación y salud mental"
    assert "Cuidado de la mente y de la recuperación." in [c.value for c in spanish.caption]
    assert spanish.number_input(key="split:acute_care").label == "Atención médica urgente"  # no local words: the catalog's Spanish
    english = open_page("../../pages/vote.py", vote=vote.id, lang="en")
    assert english.number_input(key="split:addiction_recovery").label == "Recovery and mental health"
    votes.cast(catalog, vote.id, code, {"allocations": {"addiction_recovery": 100}})
    votes.close_vote(vote.id, passcode)
    results = open_page("../../pages/results.py", vote=vote.id, lang="es")
    assert "Recuperación y salud mental" in [str(v) for t in results.table for v in t.value.iloc[:, 0]]


def test_the_room_view_speaks_the_workshops_words(catalog, workshop, open_page):
    from portfolio_engine.record.drafts import save_draft
    from portfolio_engine.record.menu import set_menu
    from portfolio_engine.record.workshops import room_key

    w = workshop["workshop"]
    set_menu(catalog, w.id, {"elements": {"humane_housing": {"name": "Homes for all"}}}, None, workshop["passcode"])
    amounts = w.status_quo_portfolio(catalog).allocations
    save_draft(catalog, w.id, workshop["ana"]["id"], dict(amounts, humane_housing=amounts["humane_housing"] + 5e6, acute_care=amounts["acute_care"] - 5e6))
    at = open_page("../../pages/room.py", room=w.id, key=room_key(w.id))
    shown = " ".join(m.value for m in at.markdown) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "Homes for all" in shown and "Humane housing" not in shown
