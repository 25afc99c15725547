"""Behaviour 8: the XMILE export runs in PySD and matches the engine at every whole year."""

import xml.etree.ElementTree as ET

import numpy as np
import pysd
import pytest

from portfolio_engine.model.dynamics import simulate
from portfolio_engine.model.xmile import XMILE_NS, to_xmile

COLUMNS = {
    "Thriving": "thriving",
    "Struggling": "struggling",
    "Suffering": "suffering",
    "Realized_vital_share": "realized_vital_share",
    "civic_muscle_index": "civic_muscle_index",
    "urgent_cost": "urgent_cost",
    "unmet_need": "unmet_need",
    "cost_of_harm": "cost_of_harm",
    "Service_efficiency": "service_efficiency",
}


def _portfolios(catalog, status_quo, shift):
    only_vital = np.zeros(13)
    only_vital[catalog.index("humane_housing")] = status_quo.budget
    half_urgent = status_quo.vector(catalog)
    half_urgent[[catalog.index(i) for i in catalog.in_family("urgent_services")]] /= 2
    return {
        "half the urgent services": half_urgent,
        "status quo": status_quo.vector(catalog),
        "10% to vital conditions": shift(0.10, "urgent_services", "vital_conditions").vector(catalog),
        "everything in housing": only_vital,
    }


def test_export_declares_euler_quarter_year_steps_and_the_three_stocks(model, status_quo, catalog):
    root = ET.fromstring(to_xmile(model, status_quo.vector(catalog)))
    ns = {"x": XMILE_NS}
    specs = root.find("x:sim_specs", ns)
    assert specs.get("method") == "Euler"
    assert specs.find("x:dt", ns).text == "0.25"
    assert (specs.find("x:start", ns).text, specs.find("x:stop", ns).text) == ("0", "30")
    stocks = {s.get("name") for s in root.iter(f"{{{XMILE_NS}}}stock")}
    assert {"Thriving", "Struggling", "Suffering"} <= stocks


@pytest.mark.parametrize("name", ["status quo", "10% to vital conditions", "everything in housing", "half the urgent services"])
def test_pysd_runs_the_export_and_matches_the_engine(model, status_quo, catalog, shift, tmp_path, name):
    allocation = _portfolios(catalog, status_quo, shift)[name]
    path = tmp_path / "model.xmile"
    path.write_text(to_xmile(model, allocation, stop=30))
    result = pysd.read_xmile(str(path)).run(return_timestamps=list(range(31)), return_columns=list(COLUMNS))
    engine = simulate(model, allocation, 30).frame()
    for pysd_name, engine_name in COLUMNS.items():
        scale = 1e-8 if engine_name in ("urgent_cost", "cost_of_harm") else 1.0  # currency: compare in units of 100 million
        np.testing.assert_allclose(result[pysd_name].to_numpy() * scale, engine[engine_name].to_numpy() * scale,
                                   rtol=0, atol=1e-6, err_msg=pysd_name)
