"""Room: where the room is, live (facilitators, and a read-only link for the projector).

Every few seconds: each element's spread of participants' current sliders against the status quo and the residents'
vote, where the room agrees and where it splits, the opinion groups with their mean portfolio and its projection.
No names unless the signed-in facilitator turns them on; the projector's link never shows names.
"""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.workshops import get_workshop, room_key, room_key_valid
from portfolio_engine.services.room import room
from portfolio_engine.services.unit_of_work import unit_of_work
from ui import identity, room_charts
from ui.i18n import _
from ui.menu import catalog_for
from ui.text import plain

REFRESH_SECONDS = 4
catalog = load_catalog()
names = {e.id: _(e.name) for e in catalog.elements}


def projector_workshop():
    """The workshop a projector link (?room=ID&key=KEY) opens read-only, or None."""
    workshop_id, key = st.query_params.get("room"), st.query_params.get("key")
    if not workshop_id or not key or not room_key_valid(workshop_id, key):
        return None
    try:
        return get_workshop(workshop_id)
    except PortfolioError:
        return None


def points(value: float) -> str:
    return _("{points} pts").format(points=f"{value * 100:+.1f}")


def groups_table(view: dict, show_names: bool) -> pd.DataFrame:
    """One row per opinion group: size, what it funds most differently, its projection against the status quo."""
    rows = []
    for group in view["groups"]:
        row = {_("Group"): group["label"], _("People"): group["size"]}
        for element_id in view["separating"]:
            row[names[element_id]] = f"{group['mean_shares'][element_id]:.1%}"
        if "projection" in group:
            projection = group["projection"]
            row[_("Thriving in year {year}").format(year=view["years"])] = f"{projection['thriving']:.1%} ({points(projection['thriving_change'])})"
            row[_("Suffering in year {year}").format(year=view["years"])] = f"{projection['suffering']:.2%} ({points(projection['suffering_change'])})"
        if show_names:
            row[_("Who")] = ", ".join(sorted(view["names"][m] for m in group["members"]))
        rows.append(row)
    return pd.DataFrame(rows)


def means_table(view: dict) -> pd.DataFrame:
    """Each group's mean portfolio beside the status quo (and the residents' vote), in shares."""
    table = {_("Element"): [e["name"] for e in view["elements"]], _("Status quo"): [f"{e['status_quo']:.1%}" for e in view["elements"]]}
    if any(e["residents"] is not None for e in view["elements"]):
        table[_("Residents' vote")] = [f"{(e['residents'] or 0):.1%}" for e in view["elements"]]
    for group in view["groups"]:
        table[group["label"]] = [f"{group['mean_shares'][e['id']]:.1%}" for e in view["elements"]]
    return pd.DataFrame(table)


def agreement_lines(view: dict) -> None:
    agree = [e["name"] for e in view["elements"] if e["agreement"] == "agrees"]
    split = [e["name"] for e in view["elements"] if e["agreement"] == "splits"]
    left, right = st.columns(2)
    left.markdown("**" + _("The room agrees on") + "**  \n" + (plain(", ".join(agree)) if agree else _("no element yet")))
    right.markdown("**" + _("The room splits on") + "**  \n" + (plain(", ".join(split)) if split else _("no element")))


def draw(workshop_id: str, show_names: bool) -> None:
    """One refresh of the room view."""
    with unit_of_work() as db:
        view = room(db, catalog, workshop_id)
    if not view["participants"]:
        st.info(_("Nobody has moved a slider yet: participants appear here once they open Allocate after joining."))
        return
    people, groups = view["participants"], len(view["groups"])
    st.markdown((_("**1 participant**") if people == 1 else _("**{count} participants**").format(count=people)) + ", "
                + (_("1 opinion group") if groups == 1 else _("{count} opinion groups").format(count=groups))
                + (_(", separated most by {elements}").format(elements=plain(", ".join(names[i] for i in view["separating"]))) if view["separating"] else ""))
    agreement_lines(view)
    labels = [view["names"][k] for k in view["keys"]] if show_names else None
    st.plotly_chart(room_charts.strips(view, labels), config={"displaylogo": False, "responsive": True}, key="room_strips")
    st.caption(_("Each dot is one participant's current slider (share of their portfolio); the grey bar is the status quo, "
                 "the orange diamond the residents' vote once it is used as a proposal."))
    st.subheader(_("Opinion groups"))
    st.dataframe(groups_table(view, show_names), hide_index=True)
    st.caption(_("Groups gather participants whose portfolios are alike; the projection is each group's average portfolio, "
                 "{years} years on, against the status quo (illustrative).").format(years=view["years"]))
    with st.expander(_("Each group's average portfolio beside the status quo")):
        st.dataframe(means_table(view), hide_index=True)


st.title(_("Room"))
facilitated = identity.facilitated()
projected = None if facilitated else projector_workshop()
workshop = facilitated or projected
if workshop is None:
    st.info(_("The room view is for the workshop's facilitator: sign in on the Facilitate page, or open the projector link it gives."))
    st.stop()
catalog = catalog_for(catalog, workshop)  # the workshop's words for the elements, in the page's language (ui/menu.py)
names = {e.id: e.name for e in catalog.elements}

st.caption(_("{workshop}: updates every {seconds} seconds.").format(workshop=plain(workshop.name), seconds=REFRESH_SECONDS))
show_names = False
if facilitated:
    show_names = st.toggle(_("Show names"), value=False, key="room_names", help=_("Off on a projector: the room sees positions, not people."))
    with st.expander(_("Link for the projector (read-only, never shows names)")):
        st.code(f"{identity.root()}/room?room={workshop.id}&key={room_key(workshop.id)}", language=None, wrap_lines=True)
        st.caption(_("Anyone with this link sees the room view without names; it changes nothing."))


@st.fragment(run_every=REFRESH_SECONDS)
def live() -> None:
    draw(workshop.id, show_names)


live()
