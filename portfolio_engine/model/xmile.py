"""Export one portfolio's model to XMILE 1.0, the system-dynamics interchange standard.

The file spells out every equation of dynamics.py per element (no arrays), so Stella, Vensim or
PySD reproduce the engine's run: Euler, the model's dt, years 0..stop.
"""

from xml.sax.saxutils import escape

import numpy as np

from portfolio_engine.model.assumptions import CHANNELS
from portfolio_engine.model.dynamics import Model, Start, equilibrium_start

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"


def _num(value: float) -> str:
    return repr(float(value))


def _ces(weights: np.ndarray, names: list[str]) -> str:
    """The CES aggregate of dynamics._ces, spelled out over the elements with a nonzero weight."""
    terms = [f"{_num(w)} * (Capacity_{n} + complement_floor) ^ ces_rho" for w, n in zip(weights, names, strict=True) if w != 0]
    return f"({' + '.join(terms)}) ^ (1 / ces_rho) / (1 + complement_floor)"


def to_xmile(model: Model, allocation: np.ndarray, stop: int = 30, start: Start | None = None, name: str = "Commons Portfolio well-being model") -> str:
    """XMILE text for one portfolio (amounts in catalog order) from one community's start."""
    start = start or equilibrium_start(model)
    k = model.constants
    ids = model.catalog.ids
    sq = model.status_quo
    alloc = np.asarray(allocation, dtype=float)
    stocks: list[tuple[str, str, list[str], list[str]]] = []
    flows: list[tuple[str, str]] = []
    auxes: list[tuple[str, str]] = []

    for name_, value in k.items():
        if name_ != "dt":
            auxes.append((name_, _num(value)))
    auxes.append(("step_length", _num(k["dt"])))
    auxes.append(("ces_rho", "1 - 1 / substitution_elasticity"))
    auxes += [(f"allocation_{i}", _num(a)) for i, a in zip(ids, alloc, strict=True)]
    auxes += [(f"status_quo_{i}", _num(s)) for i, s in zip(ids, sq, strict=True)]
    vital = [i for i, m in zip(ids, model.vital, strict=True) if m]
    urgent = [i for i, m in zip(ids, model.urgent, strict=True) if m]
    civic = ids[model.civic]
    auxes += [
        ("budget", " + ".join(f"allocation_{i}" for i in ids)),
        ("vital_total", " + ".join(f"allocation_{i}" for i in vital)),
        ("urgent_total", " + ".join(f"allocation_{i}" for i in urgent)),
        ("status_quo_vital_total", " + ".join(f"status_quo_{i}" for i in vital)),
        ("status_quo_urgent_total", " + ".join(f"status_quo_{i}" for i in urgent)),
        ("chosen_vital_share", "IF budget > 0 THEN vital_total / budget ELSE 0"),
        ("civic_share", f"IF budget > 0 THEN allocation_{civic} / budget ELSE 0"),
        ("status_quo_vital_share", _num(model.status_quo_vital_share)),
        ("status_quo_suffering", _num(model.equilibrium[2])),
        ("unit_cost", _num(model.unit_cost)),
    ]
    for family, members, total in (("vital", vital, "vital_total"), ("urgent", urgent, "urgent_total")):
        for i in members:
            auxes.append((f"mix_{i}", f"IF {total} > 0 THEN allocation_{i} / {total} ELSE status_quo_{i} / status_quo_{family}_total"))
    for i in vital:
        auxes.append((f"funding_ratio_{i}", f"Realized_vital_share * budget * mix_{i} / status_quo_{i}"))
    for i in urgent:
        auxes.append((f"funding_ratio_{i}", f"(1 - civic_share - Realized_vital_share) * budget * mix_{i} / status_quo_{i}"))
    auxes.append((f"funding_ratio_{civic}", f"allocation_{civic} / status_quo_{civic}"))

    auxes.append(("structural_level", _num(start.vital_level[0])))  # what vital money buys in this place (dynamics.Start)
    for i, delay, vital_element in zip(ids, model.delays, model.vital, strict=True):
        auxes.append((f"delay_{i}", _num(delay)))
        reach = " * structural_level" if vital_element else ""
        stocks.append((f"Capacity_{i}", "structural_level" if vital_element else "1", [f"capacity_change_{i}"], []))
        flows.append((f"capacity_change_{i}", f"(funding_ratio_{i}{reach} - Capacity_{i}) / delay_{i}"))
    for column, channel in enumerate(CHANNELS):
        auxes.append((f"{channel}_index", _ces(model.weights[:, column], list(ids))))
    auxes += [
        ("vital_conditions_index", _ces(model.vital_weights, list(ids))),
        ("urgent_capacity_index", "restore_index"),
        ("belonging", f"((1 + saturation) / (Capacity_{civic} + saturation)) ^ belonging_exponent"),
        ("rise_fraction", "MIN(rise_rate * step_length * lift_index ^ lift_exponent / belonging, 1)"),
        ("slip_fraction", "MIN(slip_rate * step_length * ((1 + saturation) / (steady_index + saturation)) ^ steady_exponent * belonging, 1)"),
        ("spread", "1 + unmet_spread * unmet_share"),
        ("fall_fraction", "MIN(fall_rate * step_length * ((1 + saturation) / (prevent_index + saturation)) ^ prevent_exponent * belonging * spread, 1)"),
        ("service_capacity", "status_quo_suffering * restore_index ^ restore_exponent * Service_efficiency"),
        ("restore_fraction", "MIN(restore_rate * step_length * 2 * service_capacity / (Suffering + service_capacity), 1)"),
        ("unmet_share", "MAX(1 - restore_fraction / (restore_rate * step_length), 0)"),
        ("unmet_need", "unmet_share * Suffering"),
        ("leaving_struggling", "MIN(1, 1 / (rise_fraction + fall_fraction)) * Struggling"),
        ("civic_muscle_index", f"Capacity_{civic} * (civic_base + Thriving)"),
        ("resistance", "civic_muscle_index / (civic_muscle_index + resistance_half)"),
        ("pull_toward", "resistance * (chosen_vital_share - status_quo_vital_share) + status_quo_vital_share"),
        ("pressure", "pressure_weight * (Perceived_suffering - status_quo_suffering)"),
        ("target_vital_share", "MIN(MAX(pull_toward - pressure + advocacy_weight * Advocacy, 0), 1 - civic_share)"),
        ("urgent_cost", "unit_cost * restoring"),
        ("cost_of_harm", "urgent_cost + unmet_cost_factor * unit_cost * restore_rate * unmet_need"),
    ]
    flows += [
        ("rising", "rise_fraction * leaving_struggling / step_length"),
        ("slipping", "slip_fraction * Thriving / step_length"),
        ("falling", "fall_fraction * leaving_struggling / step_length"),
        ("restoring", "restore_fraction * Suffering / step_length"),
        ("realized_share_change", "(target_vital_share - Realized_vital_share) / political_delay"),
        ("perception_change", "(Suffering - Perceived_suffering) / perception_delay"),
        ("efficiency_gain", "efficiency_rate * unmet_share * (efficiency_ceiling - Service_efficiency) / (efficiency_ceiling - 1)"),
        ("advocacy_change", "(resistance * (Perceived_suffering - status_quo_suffering + unmet_need) - Advocacy) / advocacy_delay"),
    ]
    stocks += [
        ("Thriving", _num(start.thriving[0]), ["rising"], ["slipping"]),
        ("Struggling", _num(start.struggling[0]), ["slipping", "restoring"], ["rising", "falling"]),
        ("Suffering", _num(start.suffering[0]), ["falling"], ["restoring"]),
        ("Realized_vital_share", "chosen_vital_share", ["realized_share_change"], []),
        ("Perceived_suffering", _num(start.suffering[0]), ["perception_change"], []),
        ("Service_efficiency", "1", ["efficiency_gain"], []),
        ("Advocacy", "0", ["advocacy_change"], []),
    ]

    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<xmile version="1.0" xmlns="{XMILE_NS}">',
        "  <header>",
        "    <vendor>Commons Portfolio</vendor>",
        '    <product version="0.1">Commons Portfolio</product>',
        f"    <name>{escape(name)}</name>",
        "  </header>",
        f'  <sim_specs method="Euler" time_units="years"><start>0</start><stop>{int(stop)}</stop><dt>{_num(k["dt"])}</dt></sim_specs>',
        "  <model>",
        "    <variables>",
    ]
    for stock, initial, inflows, outflows in stocks:
        lines.append(f'      <stock name="{stock}"><eqn>{escape(initial)}</eqn>')
        lines += [f"        <inflow>{f}</inflow>" for f in inflows]
        lines += [f"        <outflow>{f}</outflow>" for f in outflows]
        lines.append("      </stock>")
    lines += [f'      <flow name="{f}"><eqn>{escape(eqn)}</eqn></flow>' for f, eqn in flows]
    lines += [f'      <aux name="{a}"><eqn>{escape(eqn)}</eqn></aux>' for a, eqn in auxes]
    lines += ["    </variables>", "  </model>", "</xmile>", ""]
    return "\n".join(lines)
